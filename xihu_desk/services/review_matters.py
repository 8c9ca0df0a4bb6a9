"""The office's list of meeting items (会议议题) and contracts (合同) beside the review register:
imported from Excel through the ledger reader (every row imported, a duplicate, or reported), each
line compared with the register so that what needed a legality review and got none is flagged
(应审未审), and the count that 审查率 needs (domain.reviews.statistics).

A line is reviewed when the register has a live, not returned item with the 审查编号 written in
the list (our number, the old ledger's number or the opinion's number), or else with the same
title once brackets, 草案/送审稿 and a trailing 议题 are set aside. The comparison is made when the
list is read, so an item registered after the import clears the flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import FieldError, NotFound, UserError
from xihu_desk.domain.ids import new_uuid
from xihu_desk.domain.reviews import ReviewStatus
from xihu_desk.domain.roles import Perm
from xihu_desk.reports import ledger
from xihu_desk.reports import review_matters as sheet
from xihu_desk.services import audit, codes, import_rows, node
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes
from xihu_desk.store.review_models import ReviewItem, ReviewMatter

KIND = "review-matters"
FIELD_COLUMN = {"kind": "kind", "title": "title", "matter_on": "matter_on", "unit": "unit"}
CONTRACT_WORDS = ("合同", "协议")

audit.ACTION_LABELS.update({"review.matter": "标记议题（合同）是否需审查"})


def import_columns(session: Session) -> list[ledger.Column]:
    return sheet.columns(dict(codes.items(session, "review_type")))


_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|【.*?】|《|》|“|”|\"")
_TRAILING = ("送审稿", "征求意见稿", "草案", "讨论稿", "的议题", "议题", "的请示", "请示")


def title_key(title: str) -> str:
    """A title as the comparison sees it: NFKC, no spaces or brackets, no 草案/送审稿/议题 ending."""
    s = _BRACKETS.sub("", ledger.normalise(title))
    changed = True
    while changed:
        changed = False
        for word in _TRAILING:
            if s.endswith(word) and len(s) > len(word):
                s, changed = s[: -len(word)], True
    return s[:200]


def _guess_kind(values: dict[str, Any], headers: dict[str, str]) -> str | None:
    """The type a line without one has: 合同 by its name, 会议议题 by its meeting."""
    if values.get("kind"):
        return values["kind"]
    if any(w in (values.get("title") or "") for w in CONTRACT_WORDS) and not values.get("meeting"):
        return "contract"
    if values.get("meeting") or "会议" in headers.get("matter_on", ""):
        return "meeting_topic"
    return None


def _kind_of(row: ledger.LedgerRow) -> str:
    kind = _guess_kind(row.values, row.headers)
    if kind is None:
        raise FieldError("kind", "没有类型，也无法从会议名称或事项名称判断，请填写“会议议题”或“合同”")
    if not row.values.get("kind"):
        row.warn(
            "kind",
            f"没有类型：按{'事项名称' if kind == 'contract' else '会议名称（会议日期）'}记为"
            + ("合同" if kind == "contract" else "会议议题"),
        )
    return kind


def _apply(session: Session, actor: Actor, row: ledger.LedgerRow) -> str:
    v = row.values
    kind = _kind_of(row)
    codes.require(session, "review_type", kind, "kind", "类型")
    needs = v.get("needs_review")
    matter = ReviewMatter(
        uuid=new_uuid(),
        kind=kind,
        title=v["title"].strip()[:200],
        title_key=title_key(v["title"]),
        unit=(v.get("unit") or "").strip()[:80],
        matter_on=v["matter_on"],
        meeting=(v.get("meeting") or "").strip()[:80],
        needs_review=True if needs is None else bool(needs),
        review_no=(v.get("review_no") or "").strip()[:60],
        note=(v.get("note") or "").strip(),
        imported_by=actor.name,
    )
    session.add(matter)
    session.flush()
    return matter.uuid


@writes
def import_list(
    session: Session,
    actor: Actor,
    source: Any,
    *,
    dry_run: bool = False,
    progress: Any = None,
) -> ledger.ImportReport:
    """Read the office's list of meeting items and contracts; a line already in (same type, title
    and date) is a duplicate, so the list can be imported again as it grows."""
    actor.require(Perm.EDIT_REVIEWS)
    step: Callable[..., Any] = progress.step if progress is not None else (lambda *a, **k: None)
    step(0, "正在读取 Excel 文件…", 0)
    try:
        book = ledger.read(source, import_columns(session))
    except ledger.LedgerError as exc:
        raise UserError(str(exc)) from None
    report = ledger.ImportReport(
        KIND,
        dry_run=dry_run,
        notes=list(book.notes),
        sheets=[
            {"sheet": s.name, "header_row": s.header_row, "rows": s.data_rows, "columns": s.columns}
            for s in book.sheets
        ],
    )
    for s in book.sheets:
        if s.header_row and "needs_review" not in s.columns:
            report.notes.append(f"工作表“{s.name}”没有“是否需审查”列：各行均按需要合法性审查对照。")
    seen = {
        (k, t, d)
        for k, t, d in session.execute(select(ReviewMatter.kind, ReviewMatter.title_key, ReviewMatter.matter_on))
    }
    savepoint = session.begin_nested() if dry_run else None

    def plan(row: ledger.LedgerRow) -> import_rows.Plan:
        v = row.values
        kind = _guess_kind(v, row.headers) or ""
        return import_rows.Plan(((kind, title_key(v["title"]), v["matter_on"]),), {"title": v["title"]})

    import_rows.take_rows(
        session,
        book,
        report,
        seen=seen,
        plan=plan,
        apply=lambda row, _plan: _apply(session, actor, row),
        field_column=FIELD_COLUMN,
        step=step,
    )
    if savepoint is not None:
        savepoint.rollback()
    elif report.imported:
        audit.record(
            session,
            actor,
            "ledger.import",
            "review_matter",
            "",
            summary=(
                f"导入会议议题和合同清单：{report.rows} 行，导入 {report.imported} 行，重复 {report.duplicates} 行，"
                f"未导入 {report.refused} 行"
            ),
        )
    return report


# ---------------------------------------------------------------- comparison with the register


@dataclass(frozen=True)
class MatterRow:
    uuid: str
    kind: str
    kind_label: str
    title: str
    unit: str
    matter_on: date
    meeting: str
    needs_review: bool
    review_no: str
    note: str
    state: str  # reviewed, in_review, late, missing, exempt (reports.review_matters.STATE_LABELS)
    state_label: str
    review_uuid: str | None
    review_number: str


@dataclass(frozen=True)
class _Item:
    uuid: str
    number: str
    conclusion: str
    opinion_on: date | None


def _register_index(session: Session) -> tuple[dict[str, _Item], dict[str, _Item]]:
    """The live items that were not returned, by each number they are known by and by title."""
    by_no: dict[str, _Item] = {}
    by_title: dict[str, _Item] = {}
    rows = session.execute(
        select(
            ReviewItem.uuid,
            ReviewItem.number,
            ReviewItem.legacy_no,
            ReviewItem.opinion_no,
            ReviewItem.title,
            ReviewItem.conclusion,
            ReviewItem.opinion_on,
        )
        .where(ReviewItem.deleted.is_(False), ReviewItem.status != ReviewStatus.RETURNED.value)
        .order_by(ReviewItem.year, ReviewItem.seq)
    )
    for uuid, number, legacy, opinion_no, title, conclusion, opinion_on in rows:
        it = _Item(uuid, number, conclusion, opinion_on)
        for no in (number, legacy, opinion_no):
            if no:
                by_no.setdefault(ledger.normalise(no), it)
        by_title.setdefault(title_key(title), it)
    return by_no, by_title


def _state(m: ReviewMatter, found: _Item | None) -> str:
    if not m.needs_review:
        return "exempt"
    if found is None:
        return "missing"
    if not found.conclusion:
        return "in_review"
    if found.opinion_on and found.opinion_on > m.matter_on:
        return "late"
    return "reviewed"


def _rows(session: Session, date_from: date | None, date_to: date | None) -> list[MatterRow]:
    query = select(ReviewMatter)
    if date_from:
        query = query.where(ReviewMatter.matter_on >= date_from)
    if date_to:
        query = query.where(ReviewMatter.matter_on <= date_to)
    matters = list(session.scalars(query.order_by(ReviewMatter.matter_on, ReviewMatter.title)))
    if not matters:
        return []
    by_no, by_title = _register_index(session)
    labels = codes.labels(session, "review_type")
    out = []
    for m in matters:
        found = by_no.get(ledger.normalise(m.review_no)) if m.review_no else None
        found = found or by_title.get(m.title_key)
        state = _state(m, found)
        out.append(
            MatterRow(
                m.uuid,
                m.kind,
                labels.get(m.kind, m.kind),
                m.title,
                m.unit,
                m.matter_on,
                m.meeting,
                m.needs_review,
                m.review_no,
                m.note,
                state,
                sheet.STATE_LABELS[state],
                found.uuid if found else None,
                found.number if found else "",
            )
        )
    return out


@reads
def list_matters(
    session: Session, actor: Actor, date_from: date | None = None, date_to: date | None = None, state: str = ""
) -> list[MatterRow]:
    """The list's lines dated in the period (all without one), each with its review state."""
    actor.require(Perm.VIEW_REVIEWS)
    rows = _rows(session, date_from, date_to)
    return [r for r in rows if r.state == state] if state else rows


def missing_count(session: Session, actor: Actor, date_from: date, date_to: date) -> int:
    """应审未审: lines dated in the period that needed a review and have none in the register."""
    actor.require(Perm.VIEW_REVIEWS)
    if not session.scalar(select(func.count()).select_from(ReviewMatter)):
        return 0
    return sum(r.state == "missing" for r in _rows(session, date_from, date_to))


@writes
def set_needs_review(session: Session, actor: Actor, uuid: str, needs: bool, reason: str = "") -> None:
    """Mark a line as needing no review (with the reason, e.g. 纯事务性议题) or as needing one again."""
    actor.require(Perm.EDIT_REVIEWS)
    m = session.get(ReviewMatter, uuid)
    if m is None:
        raise NotFound("找不到该议题（合同），可能已被删除。")
    if not needs and not reason.strip():
        raise FieldError("note", "请写明无需合法性审查的理由。")
    if m.needs_review == needs:
        return
    m.needs_review = needs
    if reason.strip():
        m.note = "\n".join(x for x in (m.note, reason.strip()) if x)
    audit.record(
        session,
        actor,
        "review.matter",
        "review_matter",
        m.uuid,
        summary=f"“{m.title}”（{m.matter_on}）"
        + ("标记为需要合法性审查" if needs else f"标记为无需审查：{reason.strip()}"),
    )


@reads
def export_list(session: Session, actor: Actor, date_from: date | None = None, date_to: date | None = None) -> bytes:
    actor.require(Perm.VIEW_REVIEWS)
    from xihu_desk.domain import clock

    rows = [
        {
            "kind": r.kind_label,
            "title": r.title,
            "unit": r.unit,
            "matter_on": r.matter_on,
            "meeting": r.meeting,
            "needs_review": r.needs_review,
            "review_no": r.review_no,
            "note": r.note,
            "state": r.state_label,
            "state_code": r.state,
            "review_number": r.review_number,
        }
        for r in _rows(session, date_from, date_to)
    ]
    info = node.node_info(session)
    return sheet.export_workbook(
        rows,
        org_name=info.org_name,
        org_code=info.org_code,
        generated_at=clock.to_local(actor.now),
        type_labels=codes.labels(session, "review_type"),
    )
