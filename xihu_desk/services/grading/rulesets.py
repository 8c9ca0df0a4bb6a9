"""Grading rule sets (评定标准): the ones in force, the district's edits, and the sets that travel
down in a bundle. A set is a JSON document that domain/grading.py parses and checks; the shipped
ones come from db/reference/grading_rules.json (store/grading_seed.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import grading
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied
from xihu_desk.domain.grading import RuleSet
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.services.units import reads
from xihu_desk.store.grading_seed import rule_set_uuid
from xihu_desk.store.mediator_models import GradingRuleSet
from xihu_desk.store.models import Node


@dataclass(frozen=True)
class RuleSetRow:
    code: str
    name: str
    effective_on: date
    edited: bool
    version: int
    rules: RuleSet

    @property
    def has_examples(self) -> bool:
        return self.rules.has_examples()


def _rule_row(r: GradingRuleSet) -> RuleSetRow:
    return RuleSetRow(r.code, r.name, r.effective_on, r.edited, r.version, grading.parse_rule_set(json.loads(r.body)))


def rule_sets(session: Session) -> list[RuleSetRow]:
    rows = session.scalars(
        select(GradingRuleSet)
        .where(GradingRuleSet.deleted.is_(False), GradingRuleSet.retired.is_(False))
        .order_by(GradingRuleSet.code)
    )
    return [_rule_row(r) for r in rows]


@reads
def get_rules(session: Session, code: str) -> RuleSet:
    row = session.scalar(select(GradingRuleSet).where(GradingRuleSet.code == code, GradingRuleSet.deleted.is_(False)))
    if row is None or row.retired:
        raise FieldError("rule_set", f"找不到评定标准“{code}”。")
    return grading.parse_rule_set(json.loads(row.body))


def _node(session: Session) -> Node:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node


def save_rule_set(session: Session, actor: Actor, doc: dict[str, Any]) -> RuleSetRow:
    """The district edits a rule set (thresholds, the 示例 marks, notice days…); it is then kept
    over later reference-data updates and sent down in the next bundle."""
    actor.require(Perm.MANAGE_MEDIATORS)
    node = _node(session)
    if node.level != "district" and not actor.all_rights:
        raise PermissionDenied("评定标准由区司法局统一制定和修改，街道（镇）和社区只能查看。")
    rules = grading.parse_rule_set(doc)
    row = session.scalar(select(GradingRuleSet).where(GradingRuleSet.code == rules.code))
    body = json.dumps(rules.as_json(), ensure_ascii=False)
    before = json.loads(row.body) if row is not None else None
    if row is None:
        row = GradingRuleSet(uuid=rule_set_uuid(rules.code), code=rules.code, retired=False)
        stamp_new(session, actor, row)
        session.add(row)
    else:
        if row.body == body and row.name == rules.name:
            return _rule_row(row)
        stamp_changed(actor, row)
        row.owner_node = node.node_id
    row.name, row.effective_on, row.body = rules.name, rules.effective_on, body
    row.edited, row.reference_version, row.retired = True, "", False
    session.flush()
    audit.record(
        session,
        actor,
        "grading.rules",
        "grading_rule_set",
        row.uuid,
        summary=f"修改评定标准“{rules.name}”",
        before=before,
        after=rules.as_json(),
    )
    return _rule_row(row)


def rule_sets_document(session: Session) -> dict[str, Any]:
    """The rule sets in force, for a downward bundle (the district sends its edits to its offices)."""
    rows = session.scalars(
        select(GradingRuleSet)
        .where(GradingRuleSet.deleted.is_(False), GradingRuleSet.retired.is_(False))
        .order_by(GradingRuleSet.code)
    )
    return {
        "kind": "grading_rules",
        "sets": [
            {
                "code": r.code,
                "version": r.version,
                "owner_node": r.owner_node,
                "edited": r.edited,
                "body": json.loads(r.body),
            }
            for r in rows
        ],
    }


def take_rule_sets(session: Session, doc: dict[str, Any], updated_at: Any) -> list[str]:
    """Rule sets from the parent's downward bundle: a set the parent edited replaces ours when its
    version is higher (and is then kept over reference-data updates, like an edit made here).
    Returns the codes taken; raises RuleSetError for a set that does not parse."""
    taken = []
    for item in doc.get("sets", []):
        if not item.get("edited"):
            continue  # the shipped sets come with the program's own reference data
        rules = grading.parse_rule_set(item["body"])
        row = session.scalar(select(GradingRuleSet).where(GradingRuleSet.code == rules.code))
        version = int(item["version"])
        if row is not None and row.version >= version:
            continue
        if row is None:
            row = GradingRuleSet(
                uuid=rule_set_uuid(rules.code), code=rules.code, origin_node=item["owner_node"], deleted=False
            )
            session.add(row)
        row.name, row.effective_on = rules.name, rules.effective_on
        row.body = json.dumps(rules.as_json(), ensure_ascii=False)
        row.version, row.owner_node, row.updated_at = version, item["owner_node"], updated_at
        row.edited, row.reference_version, row.retired = True, "", False
        taken.append(rules.code)
    session.flush()
    return taken
