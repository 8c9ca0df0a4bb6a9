"""以案定补 rule table edited in a form (issue 20's gap): the district keeps a new version with its own
valid_from, never changing a version already kept (a closed sheet's lines name the version they
were paid under); the versions go down in the reference data as before (services/exchange/downward.py).
A street or town office sees the table read-only: it comes from the district.

The form hands back the same document the TOML file holds (domain/subsidy.from_doc checks it), so a
table typed in the form and one loaded from a file are the same thing.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import grading
from xihu_desk.domain import subsidy as rules
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, codes, subsidy
from xihu_desk.services.context import Actor
from xihu_desk.services.node import node_id
from xihu_desk.services.units import reads, writes
from xihu_desk.store.models import Node
from xihu_desk.store.subsidy_models import SubsidyRules

audit.ACTION_LABELS.setdefault("subsidy.rules_form", "修改补贴规则")
VERSION_LIMIT = 40


def _is_district(session: Session) -> bool:
    node = session.get(Node, 1)
    return node is not None and node.level == "district"


def _why_read_only(session: Session, actor: Actor) -> str:
    if not _is_district(session):
        return "补贴规则由区司法局制定，随数据包下发；本单位只能查看。"
    if not actor.can(Perm.MANAGE_MEDIATORS):
        return "只有区司法局的管理人员可以修改补贴规则。"
    return ""


@reads
def rules_for_editing(session: Session, actor: Actor) -> dict[str, Any]:
    """What the form shows: the newest table (the shipped 示例 one when none is kept), every kept
    version, whether this node may save one, the choices (dispute types, mediator 来源)."""
    actor.require(Perm.VIEW_CASES)
    kept = list(session.scalars(select(SubsidyRules).order_by(SubsidyRules.valid_from, SubsidyRules.version)))
    newest = rules.from_doc(json.loads(kept[-1].body)) if kept else subsidy.shipped_rules()
    closed = subsidy.closed_until(session)
    in_force = subsidy.rules_in_force(session, actor.today).version
    why = _why_read_only(session, actor)
    return {
        "doc": newest.doc,
        "rules": newest,
        "versions": [
            {
                "version": r.version,
                "valid_from": r.valid_from.isoformat(),
                "sample": r.sample,
                "loaded_by": r.loaded_by,
                "loaded_at": r.loaded_at.isoformat(timespec="minutes"),
                "in_force": r.version == in_force,
            }
            for r in kept
        ],
        "editable": not why,
        "read_only_reason": why,
        "closed_until": closed.isoformat() if closed else None,
        "dispute_types": codes.items(session, "dispute_type"),
        "sources": {k: v for k, v in grading.SOURCE.items() if k},
        "difficulties": dict(rules.DIFFICULTY_LABELS),
    }


def check_doc(session: Session, doc: dict[str, Any]) -> rules.Rules:
    """The form's document checked as a rule table, each problem in one Chinese line naming the field."""
    version = str(doc.get("version", "")).strip()
    if not version:
        raise FieldError("version", "请填写规则的版本号（如 2027-1）。")
    if len(version) > VERSION_LIMIT:
        raise FieldError("version", f"版本号过长（最多 {VERSION_LIMIT} 字）。")
    if session.get(SubsidyRules, version) is not None:
        raise FieldError("version", f"版本 {version} 已经有了：已保存的版本不能修改，请另起一个版本号。")
    if not doc.get("valid_from"):
        raise FieldError("valid_from", "请填写自何日起适用。")
    base = doc.get("base", {})
    if not any(v > 0 for v in base.values()):
        raise FieldError("base", "请至少为一种难易程度填写大于 0 的基础金额。")
    bands = [b["min_score"] for b in doc.get("review_bands", [])]
    if len(set(bands)) != len(bands):
        raise FieldError("review_bands", "卷宗评查分档的最低分不能重复。")
    if any(not 0 <= s <= 100 for s in bands):
        raise FieldError("review_bands", "卷宗评查分档的最低分应在 0 到 100 之间。")
    known = dict(grading.SOURCE)
    unknown = [s for s in doc.get("excluded_sources", []) if s not in known]
    if unknown:
        raise FieldError("excluded_sources", f"不认识的调解员来源：{'、'.join(unknown)}。")
    types = dict(codes.items(session, "dispute_type"))
    wrong = [t for t in doc.get("type_factor", {}) if t not in types]
    if wrong:
        raise FieldError("type_factor", f"不认识的纠纷类型代码：{'、'.join(wrong)}。")
    table = rules.from_doc(doc)  # amounts, factors and the split, as for a file
    subsidy.check_after_closed(session, table)
    return table


@writes
def save_rules(session: Session, actor: Actor, doc: dict[str, Any]) -> rules.Rules:
    """保存补贴规则 typed in the form as a new version (district only); sent down with the next bundles."""
    why = _why_read_only(session, actor)
    if why:
        raise PermissionDenied(why)
    table = check_doc(session, doc)
    if not subsidy.store_rules(session, table, node_id(session), actor.display_name or actor.name, actor.now):
        raise UserError(f"补贴规则版本 {table.version} 已经有了，请另起一个版本号。")
    audit.record(
        session,
        actor,
        "subsidy.rules_form",
        "subsidy_rules",
        table.version,
        summary=f"修改补贴规则：新版本 {table.version}（自 {table.valid_from} 起适用"
        + ("，仍为示例" if table.sample else "")
        + "）",
        after={"version": table.version, "valid_from": table.valid_from},
    )
    return table
