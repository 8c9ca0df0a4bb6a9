"""The grading rule sets shipped in db/reference/grading_rules.json, loaded when the file's version
changes (called from seed.seed_all). A set the district edited on this node is kept as edited."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk import paths
from xihu_desk.domain import clock, grading
from xihu_desk.store.mediator_models import GradingRuleSet
from xihu_desk.store.models import Meta

KIND = "grading_rules"
REFERENCE_NODE = "reference"  # origin and owner of a set as shipped


def rule_set_uuid(code: str) -> str:
    """The same on every node, so a set edited by the district replaces the shipped one below."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"xihu-desk/grading-rules/{code}"))


def load_document() -> dict:
    return json.loads((paths.reference_dir() / f"{KIND}.json").read_text(encoding="utf-8"))


def apply_document(session: Session, data: dict, now: datetime | None = None) -> list[str]:
    """Upsert every set of the document; returns the codes (re)loaded. Raises RuleSetError."""
    version = str(data["version"])
    now = now or clock.utc_now()
    existing = {r.code: r for r in session.scalars(select(GradingRuleSet))}
    loaded, listed = [], set()
    for doc in data["sets"]:
        rules = grading.parse_rule_set(doc)  # a broken shipped file is refused whole
        listed.add(rules.code)
        row = existing.get(rules.code)
        if row is not None and row.edited:
            continue
        body = json.dumps(rules.as_json(), ensure_ascii=False)
        if row is None:
            row = GradingRuleSet(
                uuid=rule_set_uuid(rules.code),
                origin_node=REFERENCE_NODE,
                owner_node=REFERENCE_NODE,
                version=1,
                updated_at=now,
                deleted=False,
                code=rules.code,
                edited=False,
                retired=False,
            )
            session.add(row)
        elif row.body == body and row.name == rules.name and not row.retired:
            row.reference_version = version
            continue
        else:
            row.version += 1
            row.updated_at = now
        row.name, row.effective_on, row.body = rules.name, rules.effective_on, body
        row.reference_version, row.retired = version, False
        loaded.append(rules.code)
    for code, row in existing.items():
        if code not in listed and not row.edited and not row.retired:
            row.retired = True
            row.version += 1
            row.updated_at = now
    session.merge(Meta(key=f"reference.{KIND}", value=version))
    session.flush()
    return loaded


def seed_grading_rules(session: Session) -> bool:
    if not (paths.reference_dir() / f"{KIND}.json").exists():
        return False
    data = load_document()
    current = session.scalar(select(Meta.value).where(Meta.key == f"reference.{KIND}"))
    if current == data["version"]:
        return False
    apply_document(session, data)
    return True
