"""A text longer than its column is refused before it is written, on every backend (issue 17).

SQLite stores a string of any length in a VARCHAR(n) column; PostgreSQL refuses it and fails the
whole transaction with a driver error. So the declared lengths (String(n) in store/*_models.py) are
held here, once, for every row a unit of work saves through the ORM: before each flush, every new
row and every changed column of a changed row is measured, and the first one over its length
stops the unit with a message naming the row and the field (a FieldError, so a form shows it under
that field). Rows written without the ORM -- a bundle's records -- are measured by
store/aggregates.py from the same declared lengths before they are written.
"""

from __future__ import annotations

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
}

_LIMITS: dict[type, list[tuple[str, int]]] = {}


def limits(model: type) -> list[tuple[str, int]]:
    """(attribute, declared length) of every String(n) column of a mapped class."""
    if model not in _LIMITS:
        mapper: Any = inspect(model)
        found = []
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            length = getattr(column.type, "length", None)
            if isinstance(column.type, String) and length:
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


def problem(obj: Any, key: str, length: int) -> FieldError | None:
    value = getattr(obj, key, None)
    if not isinstance(value, str) or len(value) <= length:
        return None
    table = obj.__table__.name
    what = TABLE_LABELS.get(table, table)
    field = FIELD_LABELS.get(key, key)
    return FieldError(
        key,
        f"{what}{_row_name(obj)}的“{field}”过长（{len(value)} 字，最多 {length} 字），未保存。请缩短后重新保存。",
    )


def check_session(session: Session, _context: Any = None, _instances: Any = None) -> None:
    for obj in session.new:
        for key, length in limits(type(obj)):
            found = problem(obj, key, length)
            if found:
                raise found
    for obj in session.dirty:
        state: Any = inspect(obj)
        for key, length in limits(type(obj)):
            if state.attrs[key].history.has_changes():  # a value stored long ago does not block other edits
                found = problem(obj, key, length)
                if found:
                    raise found


def install() -> None:
    """Hold the lengths at every flush. store/uow.py calls it as it makes its first sessions, so a
    start that reads without the ORM (the login window, issue 15) does not load the ORM for it."""
    from sqlalchemy.orm import Session

    if not event.contains(Session, "before_flush", check_session):
        event.listen(Session, "before_flush", check_session)
