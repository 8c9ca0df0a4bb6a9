"""The review register to and from Excel: import of an office's old 审查台账 (every row imported,
a duplicate, or reported), export of the register, and the statistics workbook.

Each imported row goes through the same services as the register form (reviews.register,
record_opinion, record_after) inside its own savepoint, so every rule applies and a refused row
leaves nothing behind; numbers are given in the office's series, the ledger's own number is kept
as 原台账编号. A row is a duplicate when an item with the same title, submitting unit and date
received is already in the register (or earlier in the same file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.reports import ledger, review_ledger
from xihu_desk.services import audit, codes, import_rows, node, review_queries, reviews
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes, writes_if
from xihu_desk.store.review_models import ReviewItem

KIND = "reviews"
# The service's field names -> the register column they came from (to point at the right cell).
FIELD_COLUMN = {
    "item_type": "item_type",
    "title": "title",
    "unit": "unit",
    "received_on": "received_on",
    "complete_on": "complete_on",
    "opinion_on": "opinion_on",
    "conclusion": "conclusion",
    "opinion_no": "opinion_no",
    "issues": "issues",
    "points": "points",
    "adoption": "adoption",
    "adoption_reason": "adoption_reason",
    "deliberation_on": "deliberation_on",
    "issued_on": "issued_on",
    "filing_submitted_on": "filing_submitted_on",
    "filing_registered_on": "filing_registered_on",
    "case_no": None,
}


def _labels(session: Session) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    return (
        dict(codes.items(session, "review_type")),
        dict(codes.items(session, "review_conclusion")),
        dict(codes.items(session, "review_adoption")),
    )


def register_columns(session: Session) -> list[ledger.Column]:
    return review_ledger.columns(*_labels(session))


def import_columns(session: Session) -> list[ledger.Column]:
    """The register's columns as the import reads them: a ledger may have no 送审日期 (many keep
    only the 材料齐全日期); such a row is taken when it has the date the materials were complete."""
    return [replace(c, required=False) if c.key == "received_on" else c for c in register_columns(session)]


NO_RECEIVED = "没有送审日期：送审日期留空（不详），审查期限从材料齐全日期的次日起算"
NO_DATES = "没有送审日期，也没有材料齐全日期，无法计算审查期限；请在台账中补填其中一项后再导入"


def _key(title: str, unit: str, received_on: date | None, complete_on: date | None) -> tuple[str, str, Any]:
    """Two rows are the same item when title, unit and date received agree (the date the materials
    were complete stands in for an unknown date received)."""
    return (
        ledger.normalise(title),
        ledger.normalise(unit),
        received_on if received_on is not None else ("complete", complete_on),
    )


def _apply(session: Session, actor: Actor, row: ledger.LedgerRow) -> str:
    """One row through the services; raises UserError (FieldError) when a rule refuses it."""
    v = row.values
    received = v.get("received_on")
    complete = v.get("complete_on")
    conclusion = v.get("conclusion")
    if received is None:
        row.headers.setdefault("received_on", "送审日期")  # the problem list names the column, present or not
        if complete is None:
            raise FieldError("received_on", NO_DATES)
        row.warn("received_on", NO_RECEIVED)
    if conclusion and complete is None:
        complete = received
        row.warn("complete_on", "缺少材料齐全日期，按送审日期计算审查用时")
    ref = reviews.register(
        session,
        actor,
        reviews.RegisterCommand(
            item_type=v["item_type"],
            title=v["title"],
            unit=v["unit"],
            received_on=received,
            complete_on=complete,
            contact=v.get("contact") or "",
            contact_phone=v.get("contact_phone") or "",
            reviewer=v.get("reviewer") or "",
            adviser_consulted=bool(v.get("adviser_consulted")),
            expert_panel=bool(v.get("expert_panel")),
            risk_assessed=bool(v.get("risk_assessed")),
            note=v.get("note") or "",
            legacy_no=v.get("number") or "",
        ),
    )
    if conclusion:
        reviews.import_opinion(
            session,
            actor,
            ref.uuid,
            reviews.OpinionInput(
                v.get("opinion_on"), conclusion, v.get("opinion_no") or "", v.get("issues") or "", v.get("points") or 0
            ),
        )
        after = reviews.AfterInput(
            v.get("adoption") or "",
            v.get("adoption_reason") or "",
            v.get("deliberation_on"),
            v.get("issued_on"),
            v.get("filing_submitted_on"),
            v.get("filing_registered_on"),
        )
        if after.adoption and after.adoption != "adopted" and not after.adoption_reason:
            after = replace(after, adoption_reason="（原台账未填写理由）")
            row.warn("adoption", "部分采纳或未采纳但未写理由，已注明“原台账未填写理由”")
        if after != reviews.AfterInput():
            reviews.record_after(session, actor, ref.uuid, after)
    else:
        for key in (
            "opinion_on",
            "opinion_no",
            "issues",
            "points",
            "adoption",
            "deliberation_on",
            "issued_on",
            "filing_submitted_on",
            "filing_registered_on",
        ):
            if v.get(key) not in (None, "", 0):
                row.warn(key, "没有审查结论，此项未导入")
    return ref.number


@writes
def import_ledger(
    session: Session,
    actor: Actor,
    source: Path | str | bytes | IO[bytes],
    *,
    dry_run: bool = False,
    progress: Any = None,
) -> ledger.ImportReport:
    """Read the workbook and register its rows. ``progress`` (optional) has ``step(done, stage, total)``
    and may raise to cancel (the caller's unit of work then rolls back whole)."""
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
    found = {s.name: set(s.columns) for s in book.sheets if s.header_row}
    for sheet, keys in found.items():
        if "opinion_on" not in keys and "conclusion" in keys:
            report.notes.append(
                f"工作表“{sheet}”没有“审查意见日期”列：已导入审查结论，但审查用时和按期情况不计入统计。"
            )
    for sheet, keys in found.items():
        if "received_on" not in keys and "complete_on" in keys:
            report.notes.append(
                f"工作表“{sheet}”没有“送审日期”列：各行按材料齐全日期计算审查期限，送审日期留空（不详），"
                "问题清单逐行注明。"
            )
    seen = {
        _key(t, u, d, c)
        for t, u, d, c in session.execute(
            select(ReviewItem.title, ReviewItem.unit, ReviewItem.received_on, ReviewItem.complete_on).where(
                ReviewItem.deleted.is_(False)
            )
        )
    }
    savepoint = session.begin_nested() if dry_run else None

    def plan(row: ledger.LedgerRow) -> import_rows.Plan:
        v = row.values
        return import_rows.Plan(
            (_key(v["title"], v["unit"], v.get("received_on"), v.get("complete_on")),), {"title": v["title"]}
        )

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
            "review",
            "",
            summary=(
                f"导入合法性审查台账：{report.rows} 行，导入 {report.imported} 行，重复 {report.duplicates} 行，"
                f"未导入 {report.refused} 行"
            ),
        )
    return report


@writes_if("reveal")
def export_ledger(
    session: Session,
    actor: Actor,
    *,
    today: date | None = None,
    f: review_queries.ReviewFilter | None = None,
    reveal: bool = False,
) -> bytes:
    """The whole register (or the filter's part) as an Excel ledger that imports again. ID numbers
    written in any of its texts are masked unless ``reveal`` (a role that may see them; audited)."""
    actor.require(Perm.VIEW_REVIEWS)
    if reveal:
        actor.require(Perm.REVEAL_ID)
    today = today or actor.today
    rows = review_queries.register_rows(session, actor, f or review_queries.ReviewFilter(), today)
    info = node.node_info(session)
    types, conclusions, adoptions = _labels(session)
    if reveal:
        audit.record(
            session,
            actor,
            "party.reveal",
            "review",
            "",
            summary=f"导出合法性审查台账（{len(rows)} 件，证件号码未遮蔽）",
        )
    return review_ledger.export_workbook(
        rows,
        org_name=info.org_name,
        org_code=info.org_code,
        generated_at=_local(actor),
        type_labels=types,
        conclusion_labels=conclusions,
        adoption_labels=adoptions,
        reveal=reveal,
    )


@reads
def statistics_workbook(
    session: Session, actor: Actor, date_from: date, date_to: date, today: date | None = None
) -> bytes:
    """合法性审查工作统计 for a period, with the items it counts."""
    actor.require(Perm.VIEW_REVIEWS)
    if date_to < date_from:
        raise UserError("统计期间的结束日期不能早于开始日期。")
    today = today or actor.today
    stats = review_queries.statistics(session, actor, date_from, date_to)
    rows = review_queries.register_rows(
        session, actor, review_queries.ReviewFilter(received_from=date_from, received_to=date_to), today
    )
    info = node.node_info(session)
    types, conclusions, adoptions = _labels(session)
    from xihu_desk.services import review_matters  # the listed items that needed a review and got none

    unreviewed = [
        {"kind": r.kind_label, "title": r.title, "unit": r.unit, "matter_on": r.matter_on, "meeting": r.meeting}
        for r in review_matters.list_matters(session, actor, date_from, date_to, state="missing")
    ]
    return review_ledger.statistics_workbook(
        stats,
        rows,
        org_name=info.org_name,
        org_code=info.org_code,
        generated_at=_local(actor),
        type_labels=types,
        conclusion_labels=conclusions,
        adoption_labels=adoptions,
        unreviewed=unreviewed,
    )


def _local(actor: Actor) -> datetime:
    return clock.to_local(actor.now)


ImportReport = ledger.ImportReport  # what an import found, for the screens


def problems_workbook(report: ledger.ImportReport, source_name: str) -> bytes:
    """The 问题清单 to correct the ledger and import it again (rows already taken are recognised)."""
    return ledger.problems_workbook(report, source_name)
