"""组织与队伍 figures of the 人民调解工作统计表 (issue 18): committees by organisation kind and
mediators by kind (专职/兼职/特邀, and 信息员), for a statistics scope (a street or town, one
committee, or everything this node holds), as they stand on the period's last day.

A committee's kind is the one in its particulars in force that day (committee_profile), else
the one its committee kind implies (domain/committee_rules.org_kind_of). A mediator counts once,
for the committee whose roster it is on (mediator.committee_uuid), when serving (active, status
serving, appointed by that day); serving several committees does not count a person twice. An
information officer counts unless deactivated (停用) by that day and not reactivated since.
Escalated cases are counted by the case figures, once, where they are closed (escalation.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from xihu_desk.domain import committee_rules as rules
from xihu_desk.domain import grading
from xihu_desk.services.units import reads
from xihu_desk.store import moved_out
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.committee_models import CaseEscalation, CommitteeProfile
from xihu_desk.store.models import Committee
from xihu_desk.store.screening_models import InfoOfficer


@dataclass(frozen=True)
class OrganisationFigures:
    committees: dict[str, int]  # org kind -> count, every kind of rules.ORG_KINDS listed
    mediators: dict[str, int]  # full_time, part_time, invited, info_officer
    escalated: int  # cases escalated in the period into a committee of the scope

    @property
    def committee_total(self) -> int:
        return sum(self.committees.values())

    @property
    def mediator_total(self) -> int:
        return sum(v for k, v in self.mediators.items() if k in grading.EMPLOYMENT)


MEDIATOR_KINDS = {**grading.EMPLOYMENT, "info_officer": "信息员"}


def _scope(query: Any, org_code: str, committee_uuid: str) -> Any:
    if committee_uuid:
        return query.where(Committee.uuid == committee_uuid)
    if org_code:
        return query.where(Committee.org_code == org_code)
    return query


def officer_serving(day: date) -> Any:
    """SQL for domain/screening.officer_serving: an information officer serving on ``day`` (not
    deactivated by then, or reactivated since)."""
    o = InfoOfficer
    return or_(
        and_(o.deactivated_on.is_(None), o.active.is_(True)),
        o.deactivated_on > day,
        and_(o.active.is_(True), o.reactivated_on.is_not(None), o.reactivated_on <= day),
    )


@reads
def figures(
    session: Session, date_from: date, date_to: date, org_code: str = "", committee_uuid: str = ""
) -> OrganisationFigures:
    committees = list(
        session.execute(
            _scope(select(Committee.uuid, Committee.kind).where(Committee.deleted.is_(False)), org_code, committee_uuid)
        )
    )
    uuids = [u for u, _k in committees]
    # the particulars in force on the last day: the newest row that took effect by then
    in_force: dict[str, str] = {}
    for uuid, kind in session.execute(
        select(CommitteeProfile.committee_uuid, CommitteeProfile.org_kind)
        .where(
            CommitteeProfile.committee_uuid.in_(uuids),
            CommitteeProfile.deleted.is_(False),
            CommitteeProfile.effective_on <= date_to,
        )
        .order_by(CommitteeProfile.effective_on, CommitteeProfile.updated_at, CommitteeProfile.uuid)
    ):
        in_force[uuid] = kind
    by_kind = dict.fromkeys(rules.ORG_KINDS, 0)
    for uuid, kind in committees:
        org_kind = in_force.get(uuid) or rules.org_kind_of(kind)
        by_kind[org_kind] = by_kind.get(org_kind, 0) + 1
    serving = (
        Mediator.deleted.is_(False),
        Mediator.active.is_(True),
        Mediator.status == "serving",
        or_(Mediator.appointed_on.is_(None), Mediator.appointed_on <= date_to),
        Mediator.committee_uuid.in_(uuids),
    )
    people = dict.fromkeys(MEDIATOR_KINDS, 0)
    for kind, n in session.execute(
        select(Mediator.employment_type, func.count()).where(*serving).group_by(Mediator.employment_type)
    ):
        people[kind] = people.get(kind, 0) + n
    people["info_officer"] = (
        session.scalar(
            select(func.count())
            .select_from(InfoOfficer)
            .where(InfoOfficer.deleted.is_(False), officer_serving(date_to), InfoOfficer.committee_uuid.in_(uuids))
        )
        or 0
    )
    escalated = (
        session.scalar(
            select(func.count(func.distinct(CaseEscalation.case_uuid))).where(
                CaseEscalation.deleted.is_(False),
                CaseEscalation.kind == "escalate",
                CaseEscalation.to_committee_uuid.in_(uuids),
                CaseEscalation.escalated_on.between(date_from, date_to),
                moved_out.counted(CaseEscalation.case_uuid),  # 移送: the copy kept here counts nowhere
            )
        )
        or 0
    )
    return OrganisationFigures(by_kind, people, escalated)


def sheet_rows(f: OrganisationFigures) -> list[list[Any]]:
    """The 组织与队伍 sheet: one line per figure (项目, 类别, 数量)."""
    rows: list[list[Any]] = [
        ["调委会（调解组织）", label, f.committees.get(k, 0)] for k, label in rules.ORG_KINDS.items()
    ]
    rows += [["调委会（调解组织）", "合计", f.committee_total]]
    rows += [["人民调解员", label, f.mediators.get(k, 0)] for k, label in grading.EMPLOYMENT.items()]
    rows += [["人民调解员", "合计", f.mediator_total]]
    rows += [["信息员", "信息员", f.mediators.get("info_officer", 0)]]
    rows += [["提级/移交", "本期提级/移交至本范围调委会的案件", f.escalated]]
    return rows


SHEET_NAME = "组织与队伍"
SHEET_TITLE = "人民调解组织和队伍情况"
SHEET_HEADERS = ["项目", "类别", "数量"]
SHEET_NOTE = (
    "调委会按统计期末日的组织类型计数；调解员按所在名册的调委会计一次（在几个调委会任职的不重复计），"
    "只计在任的；信息员另计，不计入调解员合计。提级/移交的案件在案件各表中只计一次，计在结案时承办的调委会。"
)


def extra_sheet(session: Session, date_from: date, date_to: date, org_code: str = "", committee_uuid: str = "") -> Any:
    """The sheet as reports/mediation_stats.ExtraSheet, for MediationStats.extra_sheets."""
    from xihu_desk.reports.mediation_stats import ExtraSheet

    f = figures(session, date_from, date_to, org_code, committee_uuid)
    return ExtraSheet(SHEET_NAME, SHEET_TITLE, SHEET_HEADERS, sheet_rows(f), SHEET_NOTE)
