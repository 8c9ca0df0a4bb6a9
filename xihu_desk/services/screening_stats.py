"""矛盾纠纷排查 figures for the 人民调解工作统计表 (domain.md §3.3: 排查次数, 排查发现纠纷, 预防纠纷): per
committee and in total, for a period and a statistics scope, by SQL aggregates.

A round counts in the period it was held in (a voided one, 作废, nowhere); a 零报告 on the last day of the period it reports (its
held_on). The disputes are those the period's rounds found, each counted once by what became of it
(as it stands now): 当场化解 is the table's 预防纠纷 (a dispute settled before it became a case),
转为案件, 移交, or still 待处置.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from xihu_desk.store.models import Committee
from xihu_desk.store.screening_models import ScreenedDispute, ScreeningRound

R, D = ScreeningRound, ScreenedDispute
FIGURES = ("rounds", "zero_reports", "found", "serious", "resolved", "case", "referred", "open")
LABELS = {
    "rounds": "排查次数",
    "zero_reports": "零报告",
    "found": "排查发现纠纷",
    "serious": "其中重大",
    "resolved": "当场化解（预防纠纷）",
    "case": "转为案件",
    "referred": "移交",
    "open": "待处置",
}


@dataclass
class ScreeningFigures:
    by_committee: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # committees with any figure
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))


def _n(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def figures(
    session: Session, date_from: date, date_to: date, org_code: str = "", committee_uuid: str = ""
) -> ScreeningFigures:
    scope: list[Any] = [Committee.deleted.is_(False)]
    if committee_uuid:
        scope.append(Committee.uuid == committee_uuid)
    elif org_code:
        scope.append(Committee.org_code == org_code)
    held = (R.deleted.is_(False), R.voided_on.is_(None), R.held_on >= date_from, R.held_on <= date_to)
    rounds = dict(
        (uuid, (int(n_rounds), int(n_zero)))
        for uuid, n_rounds, n_zero in session.execute(
            select(R.committee_uuid, _n(R.zero_report.is_(False)), _n(R.zero_report.is_(True)))
            .join(Committee, Committee.uuid == R.committee_uuid)
            .where(*held, *scope)
            .group_by(R.committee_uuid)
        )
    )
    found: dict[str, dict[str, int]] = {}
    for uuid, *counts in session.execute(
        select(
            R.committee_uuid,
            func.count(D.uuid),
            _n(D.risk == "serious"),
            _n(D.status == "resolved"),
            _n(D.status == "case"),
            _n(D.status == "referred"),
            _n(D.status == "open"),
        )
        .join(R, R.uuid == D.round_uuid)
        .join(Committee, Committee.uuid == R.committee_uuid)
        .where(*held, *scope, D.deleted.is_(False))
        .group_by(R.committee_uuid)
    ):
        found[uuid] = dict(
            zip(("found", "serious", "resolved", "case", "referred", "open"), map(int, counts), strict=True)
        )
    out = ScreeningFigures()
    names = session.execute(
        select(Committee.uuid, Committee.name)
        .where(Committee.uuid.in_(set(rounds) | set(found)))
        .order_by(Committee.org_code, Committee.name_key)
    )
    for uuid, name in names:
        row = dict.fromkeys(FIGURES, 0)
        row["rounds"], row["zero_reports"] = rounds.get(uuid, (0, 0))
        row.update(found.get(uuid, {}))
        out.by_committee.append((name, row))
        for key in FIGURES:
            out.total[key] += row[key]
    return out


SHEET_NAME = "矛盾纠纷排查"
SHEET_TITLE = "矛盾纠纷排查情况"
SHEET_NOTE = (
    "排查次数不含零报告；零报告按其报告期间的最后一日计入。发现的纠纷按发现它的排查所在期间计，"
    "按现在的去向各计一次：当场化解即“预防纠纷”，转为案件的在案件各表中另计。"
)


def extra_sheet(session: Session, date_from: date, date_to: date, org_code: str = "", committee_uuid: str = "") -> Any:
    """The sheet as reports/mediation_stats.ExtraSheet, for MediationStats.extra_sheets."""
    from xihu_desk.reports.mediation_stats import ExtraSheet

    f = figures(session, date_from, date_to, org_code, committee_uuid)
    rows: list[list[Any]] = [[name, *(row[k] for k in FIGURES)] for name, row in f.by_committee]
    rows.append(["合计", *(f.total[k] for k in FIGURES)])
    return ExtraSheet(SHEET_NAME, SHEET_TITLE, ["调委会", *(LABELS[k] for k in FIGURES)], rows, SHEET_NOTE)
