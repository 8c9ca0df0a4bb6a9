"""The row loop every ledger import shares (cases, reviews, the roster).

Every non-blank row ends exactly one way: imported, a duplicate, or refused with its reasons
(design.md §10). Each row is written under its own savepoint, so a row the services refuse
leaves nothing behind and the others go on; the caller's dry run rolls back the whole import.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from xihu_desk.domain.errors import UserError
from xihu_desk.reports import ledger


@dataclass(frozen=True)
class Plan:
    """What a kind makes of one row before anything is written."""

    keys: tuple[Hashable, ...]  # the row is a duplicate when any of these was seen already
    label: dict[str, Any]  # how the duplicate list names the row, e.g. {"title": ...}
    context: Any = field(default=None, compare=False)  # handed on to ``apply``


def take_rows(
    session: Session,
    book: ledger.Ledger,
    report: ledger.ImportReport,
    *,
    seen: set[Any],
    plan: Callable[[ledger.LedgerRow], Plan | None],
    apply: Callable[[ledger.LedgerRow, Plan], str],
    field_column: Mapping[str, str | None],
    step: Callable[..., Any],
) -> None:
    """``plan`` returns None for a row it refuses (after ``row.refuse``); ``apply`` writes the row
    through the services and returns what the row was given (a number or uuid)."""
    total = len(book.rows)
    for i, row in enumerate(book.rows, start=1):
        step(i - 1, f"正在导入第 {i}/{total} 行…", total)
        report.rows += 1
        chosen = None if row.refused else plan(row)
        if chosen is None:
            _refused(report, row)
            continue
        if any(key in seen for key in chosen.keys):
            report.duplicates += 1
            report.duplicate_rows.append({"sheet": row.sheet, "row": row.row, **chosen.label})
            continue
        nested = session.begin_nested()
        try:
            given = apply(row, chosen)
        except UserError as exc:
            nested.rollback()
            row.refuse(field_column.get(getattr(exc, "field", None) or ""), exc.message)
            _refused(report, row)
            continue
        nested.commit()
        seen.update(chosen.keys)
        report.imported += 1
        report.numbers.append(given)
        report.problems += row.problems  # the warnings of a row that was taken
    step(total, "完成", total)


def _refused(report: ledger.ImportReport, row: ledger.LedgerRow) -> None:
    row.problems = [p for p in row.problems if not p.imported]  # a refused row lists only why
    report.refused += 1
    report.problems += row.problems
