"""People's-mediation committees (调委会) known to this node."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import committee_codes as code_rules
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.services.units import reads, writes
from xihu_desk.store.committee_codes import CodeBook
from xihu_desk.store.committee_models import RefCommitteeCode
from xihu_desk.store.models import Committee, Node, OrgUnit

audit.ACTION_LABELS.setdefault("committee.code", "更改调委会字号")

KIND_LABELS = {"street": "街道", "town": "镇", "community": "社区", "village": "村", "other": "行业性、专业性"}


@dataclass(frozen=True)
class CommitteeRow:
    uuid: str
    name: str
    short_name: str
    org_code: str
    kind: str


@dataclass(frozen=True)
class CommitteeCommand:
    name: str
    short_name: str
    org_code: str
    kind: str


@reads
def list_committees(session: Session, own_only: bool = False) -> list[CommitteeRow]:
    """Committees known here; ``own_only``: those this node owns, the only ones it numbers cases in."""
    query = select(Committee).where(Committee.deleted.is_(False)).order_by(Committee.org_code, Committee.name_key)
    if own_only:
        query = query.where(Committee.owner_node == select(Node.node_id).where(Node.id == 1).scalar_subquery())
    rows = session.scalars(query)
    return [CommitteeRow(c.uuid, c.name, c.short_name, c.org_code, c.kind) for c in rows]


def suggest_code(session: Session, name: str, org_code: str, kind: str) -> str:
    """The 字号 a new committee gets when none is typed: the reference list's, else one derived
    from its name that no committee here uses (北山街道北山社区人民调解委员会 → 北山社区)."""
    return CodeBook(session).suggestion(name, org_code, kind)


@writes
def create_committee(session: Session, actor: Actor, cmd: CommitteeCommand) -> CommitteeRow:
    """Adds a committee. Its 字号 (``short_name``, the part of its case numbers before 人调字) must
    be unique in the district; left empty, it is suggested (see suggest_code)."""
    actor.require(Perm.MANAGE_USERS)
    name, short = cmd.name.strip(), code_rules.normalise(cmd.short_name)
    if not name.endswith("人民调解委员会"):
        raise FieldError("name", "调委会名称应以“人民调解委员会”结尾，例如“北山街道人民调解委员会”。")
    if cmd.kind not in KIND_LABELS:
        raise FieldError("kind", f"未知的调委会类型：{cmd.kind}")
    if session.get(OrgUnit, cmd.org_code) is None:
        raise FieldError("org_code", f"单位代码“{cmd.org_code}”不在单位列表中。")
    if session.scalar(select(Committee.uuid).where(Committee.name == name, Committee.deleted.is_(False))):
        raise FieldError("name", f"“{name}”已存在。")
    book = CodeBook(session)
    if not short:
        short = book.suggestion(name, cmd.org_code, cmd.kind)
    problem = code_rules.problem(short)
    if problem:
        raise FieldError("short_name", problem)
    why = book.clash(short, name, cmd.org_code)
    if why:
        other = book.suggestion(name, cmd.org_code, cmd.kind)
        raise FieldError("short_name", f"不能新建“{name}”：{why}。请另定字号，例如“{other}”。")
    committee = Committee(name=name, short_name=short, org_code=cmd.org_code, kind=cmd.kind, uuid="")
    stamp_new(session, actor, committee)
    session.add(committee)
    session.flush()
    audit.record(
        session,
        actor,
        "committee.create",
        "committee",
        committee.uuid,
        summary=f"新建调委会：{name}（字号“{short}”）",
        after={"name": name, "short_name": short, "org_code": cmd.org_code, "kind": cmd.kind},
    )
    return CommitteeRow(committee.uuid, name, short, cmd.org_code, cmd.kind)


@reads
def find_committee(session: Session, key: str) -> Committee:
    """A committee by uuid, full name or 字号."""
    key = key.strip()
    found = list(
        session.scalars(
            select(Committee).where(
                (Committee.uuid == key) | (Committee.name == key) | (Committee.short_name == key),
                Committee.deleted.is_(False),
            )
        )
    )
    if len(found) != 1:
        raise NotFound(
            f"找不到调委会“{key}”（请写全称、字号或 uuid）。"
            if not found
            else f"“{key}”对应多个调委会，请改用 uuid：" + "、".join(c.uuid for c in found)
        )
    return found[0]


@reads
def find_statistics_scope(session: Session, key: str) -> str:
    """The uuid of the one committee a statistics table is limited to, by full name, 字号 or uuid
    (``xihu-desk report mediation --committee NAME``)."""
    found = list(
        session.scalars(
            select(Committee.uuid).where(
                (Committee.name == key) | (Committee.short_name == key) | (Committee.uuid == key),
                Committee.deleted.is_(False),
            )
        )
    )
    if len(found) != 1:
        raise NotFound(
            f"找不到调委会“{key}”（请写全称、简称或 uuid）。"
            if not found
            else f"有多个调委会叫“{key}”，请写全称或 uuid。"
        )
    return found[0]


@writes
def change_code(session: Session, actor: Actor, committee_uuid: str, code: str) -> CommitteeRow:
    """Gives a committee of this node a new 字号 for the cases it accepts from now on (e.g. when the
    parent quarantined it for a clash). Numbers already issued stay; the old 字号 stays kept for
    this committee in the reference table, so no other committee can issue those numbers again."""
    actor.require(Perm.MANAGE_USERS)
    committee = session.get(Committee, committee_uuid)
    if committee is None or committee.deleted:
        raise NotFound("找不到该调委会。")
    if committee.owner_node != session.scalar(select(Node.node_id).where(Node.id == 1)):
        raise PermissionDenied(f"“{committee.name}”由其他单位管理，字号只能由该单位修改。")
    new, old = code_rules.normalise(code), committee.short_name
    if new == old:
        raise FieldError("short_name", f"“{committee.name}”的字号已经是“{new}”。")
    problem = code_rules.problem(new)
    if problem:
        raise FieldError("short_name", problem)
    book = CodeBook(session)
    why = book.clash(new, committee.name, committee.org_code, committee.uuid)
    if why:
        raise FieldError(
            "short_name",
            f"不能把“{committee.name}”的字号改为“{new}”：{why}。"
            f"请另定字号，例如“{book.suggestion(committee.name, committee.org_code, committee.kind)}”。",
        )
    if session.get(RefCommitteeCode, old) is None:
        session.add(
            RefCommitteeCode(code=old, org_code=committee.org_code, name=committee.name, confirmed=False, retired=True)
        )
    committee.short_name = new
    stamp_changed(actor, committee)
    session.flush()
    audit.record(
        session,
        actor,
        "committee.code",
        "committee",
        committee.uuid,
        summary=f"{committee.name} 字号由“{old}”改为“{new}”（此后受理的案件使用新字号）",
        before={"short_name": old},
        after={"short_name": new},
    )
    return CommitteeRow(committee.uuid, committee.name, new, committee.org_code, committee.kind)


def ensure_own_committee(session: Session, actor: Actor, org: OrgUnit) -> CommitteeRow:
    """A street or town office starts with its own committee, e.g. 北山街道人民调解委员会, with the
    字号 the reference list gives it (北山)."""
    name = f"{org.name}人民调解委员会"
    existing = session.scalar(select(Committee).where(Committee.name == name))
    if existing:
        return CommitteeRow(existing.uuid, existing.name, existing.short_name, existing.org_code, existing.kind)
    return create_committee(session, actor, CommitteeCommand(name, "", org.code, org.kind))
