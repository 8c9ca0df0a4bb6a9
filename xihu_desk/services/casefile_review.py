"""卷宗评查 (issue 20): each closed case's file scored against the criteria (domain/casefile_review.py),
every lost point named; the office's cases of a period listed by score and written as the workbook
of the annual check (reports/casefile_review.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import casefile_review as rules
from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import UserError
from xihu_desk.services.case_queries import case_detail
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads
from xihu_desk.store.case_models import MediationCase

SCORED = (Status.CLOSED.value, Status.FILED.value)


@dataclass(frozen=True)
class Row:
    uuid: str
    case_no: str
    title: str
    mediators: str
    closed_on: str
    score: rules.Score


@dataclass(frozen=True)
class Review:
    date_from: date
    date_to: date
    criteria: rules.Criteria
    rows: list[Row]

    def as_json(self) -> dict[str, Any]:
        scores = [r.score.score for r in self.rows]
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "criteria_version": self.criteria.version,
            "sample": self.criteria.sample,
            "max": self.criteria.max,
            "cases": len(self.rows),
            "average": round(sum(scores) / len(scores), 1) if scores else None,
            "scores": [{**r.score.as_json(), "title": r.title, "closed_on": r.closed_on} for r in self.rows],
        }


@reads
def score_case(session: Session, actor: Actor, case_uuid: str, *, templates: Path | None = None) -> rules.Score:
    """One closed case's score and defects (``casefile score``, the case's 评查 view)."""
    case = case_detail(session, actor, case_uuid)
    if case["status"] not in SCORED:
        raise UserError(f"{case['case_no']} 尚未结案（{case['status_label']}）：卷宗评查只评已结案的案件。")
    return rules.score(case, rules.load(templates), actor.today)


@reads
def review(
    session: Session,
    actor: Actor,
    date_from: date,
    date_to: date,
    *,
    templates: Path | None = None,
    progress: Any = None,
) -> Review:
    """Every case closed in the period (void cases never: they are not closed), lowest score
    first, then by case number. ``progress`` gets a step per case (the GUI can cancel)."""
    if date_to < date_from:
        raise UserError("评查期间的结束日期早于开始日期。")
    criteria = rules.load(templates)
    where = (
        MediationCase.status.in_(SCORED),
        MediationCase.deleted.is_(False),
        MediationCase.closed_on >= date_from,
        MediationCase.closed_on <= date_to,
    )
    total = session.scalar(select(func.count()).select_from(MediationCase).where(*where)) or 0
    uuids = session.scalars(select(MediationCase.uuid).where(*where).order_by(MediationCase.case_no))
    rows = []
    for n, uuid in enumerate(uuids, start=1):
        case = case_detail(session, actor, uuid)
        rows.append(
            Row(
                uuid,
                case["case_no"],
                case["title"],
                "、".join(case["mediators"]),
                case["closed_on"] or "",
                rules.score(case, criteria, actor.today),
            )
        )
        if progress is not None:
            progress.step(done=n, total=total, stage=f"正在评查：{n}/{total}")
    rows.sort(key=lambda r: (r.score.score, r.case_no))
    return Review(date_from, date_to, criteria, rows)


@reads
def workbook(
    session: Session,
    actor: Actor,
    date_from: date,
    date_to: date,
    *,
    templates: Path | None = None,
    progress: Any = None,
) -> tuple[Review, bytes]:
    """The review of the period and its workbook (评查结果, 扣分明细, 评查标准)."""
    from xihu_desk.reports import casefile_review as sheet
    from xihu_desk.services import node

    done = review(session, actor, date_from, date_to, templates=templates, progress=progress)
    return done, sheet.review_workbook(done, org_name=node.node_info(session).org_name, generated_at=actor.now)
