"""A text longer than its column is refused before it is written, on every backend (issue 17).

SQLite stores a string of any length in a VARCHAR(n) column; PostgreSQL refuses it and fails the
whole transaction with a driver error. So the declared lengths (String(n) in store/*_models.py) are
held here, once, for every row a unit of work saves through the ORM: before each flush, every new
row and every changed column of a changed row is measured, and the first one over its length
stops the unit with a message naming the row and the field (a FieldError, so a form shows it under
that field). Rows written without the ORM -- a bundle's records -- are measured by
store/aggregates.py from the same declared lengths before they are written.

A free-text column (Text) has no length on either backend, so a pasted 30,000-character clause
would be kept, printed over pages and sent in every bundle. TEXT_LIMITS gives each typed one a
limit held the same way (only on what is typed now: a longer text received in a bundle from an
older version stays and travels).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, event, inspect

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from xihu_desk.domain.errors import FieldError

# What a user calls the rows of the tables people type into; others are named by their table.
TABLE_LABELS = {
    "mediation_case": "案件",
    "party": "当事人",
    "case_record": "调查/调解记录",
    "agreement": "调解协议",
    "agreement_draft": "协议草稿",
    "followup": "回访记录",
    "confirmation": "司法确认",
    "mediator": "调解员",
    "review_item": "合法性审查事项",
    "committee": "调委会",
    "user_account": "账户",
}
_ROW_NAMES = ("case_no", "number", "name", "username", "title")
# The typed fields by the names forms use; any other is named by its column.
FIELD_LABELS = {
    "name": "名称（姓名）",
    "display_name": "姓名",
    "title": "名称",
    "address": "地址",
    "service_address": "送达地址",
    "phone": "联系电话",
    "contact": "联系人",
    "contact_phone": "联系电话",
    "unit": "送审单位",
    "reviewer": "审查人",
    "registrar": "登记人",
    "recorder": "记录人",
    "place": "地点",
    "matter": "事由",
    "subject": "对象",
    "participants": "参加人",
    "mediators": "调解员",
    "occupation": "职业",
    "ethnicity": "民族",
    "agent_name": "代理人姓名",
    "agent_phone": "代理人电话",
    "guardian": "法定代理人",
    "legal_rep": "法定代表人",
    "rep_phone": "代表人电话",
    "rep_relation": "与当事人关系",
    "acts_alone_reason": "独立参加调解的依据",
    "referrer_name": "移送单位名称",
    "referrer_doc_no": "移送文书编号",
    "referral_body": "接收机构",
    "court": "法院",
    "court_case_no": "法院案号",
    "performance_method": "履行方式",
    "performance_place": "履行地点",
    "dispute_subtype": "具体类型",
    "registration_no": "备案编号",
    "organiser": "组织单位",
    "topic": "培训内容",
    "reason": "理由",
    "private_reason": "不公开的理由",
    "short_name": "字号",
    "document_no": "文号",
    "decision_no": "决定文号",
    "filing_no": "备案号",
    "note": "备注",
    "seal": "印章",
    "legacy_no": "原台账编号",
    "summary": "纠纷简要情况",
    "claims": "当事人请求",
    "facts": "纠纷主要事实",
    "disputed": "争议事项",
    "responsibility": "各方责任",
    "clauses": "协议条款",
    "body": "记录内容",
    "closing_report": "结案报告",
    "failure_reason": "调解不成功或终止的原因",
    "extension_reason": "延长理由",
    "void_reason": "作废理由",
    "referral_note": "转介说明",
    "risks": "风险",
    "measures": "措施",
    "issues": "主要问题",
    "adoption_reason": "采纳情况说明",
    "returned_reason": "退回理由",
    "materials": "补充材料",
    "action": "处置情况",
    "closing_note": "处置说明",
    "analysis": "案例评析",
    "deactivation_reason": "停用理由",
}

# Characters a typed free-text (Text) column takes, by (table, column); change them here. A long
# transcript or case report needs room; a reason or a note needs little. Columns not listed hold
# what the program writes (JSON, snapshots, the audit trail) and are not limited.
LONG, MEDIUM, SHORT = 20_000, 10_000, 2_000
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("mediation_case", "summary"): MEDIUM,
    ("mediation_case", "claims"): 5_000,
    ("mediation_case", "closing_report"): MEDIUM,
    ("mediation_case", "failure_reason"): SHORT,
    ("mediation_case", "extension_reason"): SHORT,
    ("mediation_case", "referral_note"): SHORT,
    ("mediation_case", "void_reason"): SHORT,
    ("case_record", "body"): LONG,
    ("followup", "risks"): 5_000,
    ("followup", "measures"): 5_000,
    ("case_escalation", "reason"): SHORT,
    ("case_transfer", "reason"): SHORT,
    ("case_transfer_decision", "reason"): SHORT,
    ("committee_profile", "reason"): SHORT,
    ("mediator", "note"): SHORT,
    ("mediator_event", "note"): SHORT,
    ("info_officer", "deactivation_reason"): SHORT,
    ("review_item", "note"): SHORT,
    ("review_item", "extension_reason"): SHORT,
    ("review_item", "issues"): MEDIUM,
    ("review_item", "adoption_reason"): SHORT,
    ("review_item", "returned_reason"): SHORT,
    ("review_matter", "note"): SHORT,
    ("review_pause", "materials"): SHORT,
    ("screened_dispute", "summary"): 5_000,
    ("screened_dispute", "action"): SHORT,
    ("screened_dispute", "closing_note"): SHORT,
    ("screened_dispute", "measures"): SHORT,
    ("screening_round", "note"): SHORT,
    ("screening_round", "void_reason"): SHORT,
    ("screening_change", "reason"): SHORT,
    ("typical_writeup", "analysis"): MEDIUM,
}
for _table in ("agreement", "agreement_draft"):
    TEXT_LIMITS |= {
        (_table, "facts"): MEDIUM,
        (_table, "disputed"): 5_000,
        (_table, "responsibility"): 5_000,
        (_table, "clauses"): 5_000,
    }
# Columns holding a JSON list of typed strings: measured as the characters of the strings together.
JSON_LISTS = {("agreement", "clauses"), ("agreement_draft", "clauses")}

_LIMITS: dict[type, list[tuple[str, int]]] = {}


def limits(model: type) -> list[tuple[str, int]]:
    """(attribute, limit) of every String(n) column of a mapped class (its declared length) and of
    every free-text column given one in TEXT_LIMITS."""
    if model not in _LIMITS:
        mapper: Any = inspect(model)
        found = []
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            if not isinstance(column.type, String):
                continue
            length = getattr(column.type, "length", None) or TEXT_LIMITS.get((column.table.name, column.name))
            if length:
                found.append((attr.key, length))
        _LIMITS[model] = found
    return _LIMITS[model]


def _row_name(obj: Any) -> str:
    for key in _ROW_NAMES:
        value = getattr(obj, key, None)
        if isinstance(value, str) and value.strip():
            return f"“{value.strip()[:40]}”"
    uuid = getattr(obj, "uuid", None)
    return f"（{uuid}）" if isinstance(uuid, str) and uuid else ""


def _case_of(obj: Any, session: Session | None) -> str:
    """“案件“（2026）…号”” for a row of a case (an agreement, a record) that has no name of its own."""
    case_uuid = getattr(obj, "case_uuid", None)
    if session is None or not isinstance(case_uuid, str) or any(getattr(obj, k, None) for k in _ROW_NAMES):
        return ""
    from sqlalchemy import select

    from xihu_desk.store.case_models import MediationCase

    case_no = session.scalar(select(MediationCase.case_no).where(MediationCase.uuid == case_uuid))
    return f"案件“{case_no}”" if case_no else ""


def problem(obj: Any, key: str, length: int, session: Session | None = None) -> FieldError | None:
    value = getattr(obj, key, None)
    if not isinstance(value, str) or len(value) <= length:
        return None
    table = obj.__table__.name
    size = _typed_size(table, key, value)
    if size <= length:
        return None
    what = TABLE_LABELS.get(table, table)
    field = FIELD_LABELS.get(key, key)
    case = _case_of(obj, session)  # a case's agreement or record is named by the case
    return FieldError(
        key,
        f"{case}{what}{'' if case else _row_name(obj)}的“{field}”过长（{size} 字，最多 {length} 字），未保存。请缩短后重新保存。",
    )


def _typed_size(table: str, key: str, value: str) -> int:
    """The characters typed: a JSON list of clauses counts its clauses, not its quotes and commas."""
    if (table, key) not in JSON_LISTS:
        return len(value)
    try:
        items = json.loads(value)
    except ValueError:
        return len(value)
    return sum(len(i) for i in items if isinstance(i, str)) if isinstance(items, list) else len(value)


def check_session(session: Session, _context: Any = None, _instances: Any = None) -> None:
    for obj in session.new:
        for key, length in limits(type(obj)):
            found = problem(obj, key, length, session)
            if found:
                raise found
    for obj in session.dirty:
        state: Any = inspect(obj)
        for key, length in limits(type(obj)):
            if state.attrs[key].history.has_changes():  # a value stored long ago does not block other edits
                found = problem(obj, key, length, session)
                if found:
                    raise found


def install() -> None:
    """Hold the lengths at every flush. store/uow.py calls it as it makes its first sessions, so a
    start that reads without the ORM (the login window, issue 15) does not load the ORM for it."""
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", check_session):
        event.listen(Session, "before_flush", check_session)
