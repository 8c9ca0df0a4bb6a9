"""Committees' 字号 unique in the district (issue 11, “Two cases, one number”).

Adds the reference list of known 字号 (``ref_committee_code``, loaded from
db/reference/committee_codes.json after the migration) and a unique index on
``committee.short_name``. Before the index, committees that share a 字号 are given new ones:

- a street's or town's own committee keeps the unit's 字号 (北山街道 → 北山); no other committee
  may keep it, wherever it is (a community point does not see its street's committee, so the
  rule cannot depend on what this node holds: every node renames the same committees the same way);
- among the rest, the oldest committee (uuid7 order) keeps a shared 字号; the others get the
  default from their name (北山街道北山社区人民调解委员会 → 北山社区, then with the street's 字号
  in front, then a number).

Case numbers already issued are text on the case and stay exactly as they were. A renamed
committee this node owns gets a new version, so its new 字号 travels to the parent; a copy of
another node's committee is renamed in place the same way its owner renames it. What was renamed
is kept in ``meta`` under ``committee_codes.renamed``. The derivation is a frozen copy of
domain/committee_codes.py as of this revision, so every node migrates alike whatever comes later.

Revision ID: 0007
Revises: 0002
Create Date: 2026-12-03 16:00:00
"""

import json
import unicodedata
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0002'
branch_labels = None
depends_on = None

SUFFIX = "人民调解委员会"
MAX_LEN = 10


def _norm(code: str) -> str:
    return "".join(unicodedata.normalize("NFKC", code or "").split())


def _derive(name: str, org_name: str, org_short: str, taken: set[str]) -> str:
    base = name.strip().removesuffix(SUFFIX) or name.strip()
    if org_name and base.startswith(org_name) and len(base) > len(org_name):
        base = base[len(org_name):]
    base = "".join(ch for ch in _norm(base) if ch.isalnum())
    for candidate in (base, _norm(org_short) + base):
        candidate = candidate[:MAX_LEN]
        if candidate and "人调字" not in candidate and candidate not in taken:
            return candidate
    first = (base or _norm(org_short) or "调委会")[:MAX_LEN - 2]
    if "人调字" in first:
        first = "调委会"
    n = 2
    while f"{first}{n}" in taken:
        n += 1
    return f"{first}{n}"


def _renames(bind: sa.Connection) -> list[dict]:
    units = {r.code: r for r in bind.execute(sa.text("SELECT code, name, short_name, kind FROM org_unit"))}
    rows = list(bind.execute(sa.text(
        "SELECT uuid, name, short_name, org_code, kind, deleted FROM committee ORDER BY uuid")))
    # The 字号 a street or town keeps for its own committee, and which committee here that is.
    reserved: dict[str, str] = {}
    owner_of: dict[str, str] = {}
    for unit in units.values():
        if unit.kind in ("street", "town") and _norm(unit.short_name):
            reserved[_norm(unit.short_name)] = unit.code
    for code, unit_code in reserved.items():
        unit = units[unit_code]
        own = [r for r in rows if r.org_code == unit_code and r.kind in ("street", "town")]
        own.sort(key=lambda r: (r.name != f"{unit.name}{SUFFIX}", bool(r.deleted), r.uuid))
        if own:
            owner_of[code] = own[0].uuid
    first = set(owner_of.values())
    order = sorted(rows, key=lambda r: (r.uuid not in first, bool(r.deleted), r.uuid))
    taken = set(reserved)
    kept: dict[str, str] = {}
    renames = []
    for r in order:
        code = _norm(r.short_name)
        if code in reserved:
            ok = owner_of.get(code) == r.uuid
        else:
            ok = bool(code) and code not in kept
        if ok:
            kept[code] = r.uuid
            taken.add(code)
            if code != r.short_name:
                renames.append({"uuid": r.uuid, "name": r.name, "old": r.short_name, "new": code})
            continue
        unit = units.get(r.org_code)
        new = _derive(r.name, unit.name if unit else "", unit.short_name if unit else "", taken)
        kept[new] = r.uuid
        taken.add(new)
        renames.append({"uuid": r.uuid, "name": r.name, "old": r.short_name, "new": new})
    return renames


def upgrade() -> None:
    op.create_table('ref_committee_code',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('org_code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_ref_committee_code'))
    )
    bind = op.get_bind()
    renames = _renames(bind)
    if renames:
        node = bind.execute(sa.text("SELECT node_id FROM node WHERE id = 1")).scalar()
        now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's storage form
        for r in renames:  # the unique index comes after, so the order of the updates does not matter
            bind.execute(sa.text(
                "UPDATE committee SET short_name = :new, "
                "version = version + CASE WHEN owner_node = :node THEN 1 ELSE 0 END, "
                "updated_at = CASE WHEN owner_node = :node THEN :now ELSE updated_at END WHERE uuid = :uuid"),
                {"new": r["new"], "node": node or "", "now": now, "uuid": r["uuid"]})
        bind.execute(sa.text("DELETE FROM meta WHERE key = 'committee_codes.renamed'"))
        bind.execute(sa.text("INSERT INTO meta (key, value) VALUES ('committee_codes.renamed', :v)"),
                     {"v": json.dumps(renames, ensure_ascii=False)})
    with op.batch_alter_table('committee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_short_name'), ['short_name'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('committee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_short_name'))
    op.drop_table('ref_committee_code')
