"""人民调解工作统计: the figures for a period and an org scope, computed with SQL aggregates, and
the workbook (reports/mediation_stats.py) that hands them on.

Every figure is about the cases accepted in the period (the cohort), so rows add up to the 合计
row and the sheets agree with each other: counts of outcomes, agreement forms, performance,
司法确认, agreement amounts, sources and the prevention figures, grouped by dispute type, by
committee, by the committee's organisation type and by month. One SELECT with conditional sums
per grouping; nothing is loaded case by case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.sync import sequences
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.levels import Level
from xihu_desk.domain.roles import Perm
from xihu_desk.reports import mediation_stats as report
from xihu_desk.reports.mediation_stats import BundleLine, Cover, MediationStats, Row
from xihu_desk.services import codes, node
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads
from xihu_desk.store.case_models import Agreement, Confirmation, MediationCase
from xihu_desk.store.models import Committee, OrgUnit
from xihu_desk.store.sync_models import BundleIn, PeerNode

C = MediationCase
VOID = "void"  # 作废: a case registered by mistake is in no statistic


@dataclass(frozen=True)
class StatsQuery:
    date_from: date
    date_to: date
    org_code: str = ""  # only the committees of this street or town
    committee_uuid: str = ""  # only this committee


@dataclass(frozen=True)
class Scope:
    """One choice of the GUI's scope list."""

    label: str
    org_code: str = ""
    committee_uuid: str = ""


def _n(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _metric_columns() -> list[Any]:
    succeeded = C.outcome == "succeeded"
    exprs = {
        "accepted": func.count(C.uuid),
        "succeeded": _n(succeeded),
        "failed": _n(C.outcome == "failed"),
        "terminated": _n(C.outcome == "terminated"),
        "open": _n(C.outcome.is_(None)),
        "written": _n(succeeded & (C.agreement_form == "written")),
        "oral": _n(succeeded & (C.agreement_form == "oral")),
        "performed": _n(succeeded & (C.performed == "full")),
        "confirmed": _n(Confirmation.result == "confirmed"),
        "amount_fen": func.coalesce(func.sum(case((succeeded, func.coalesce(Agreement.amount_fen, 0)), else_=0)), 0),
        "source_apply": _n(C.source == "apply"),
        "source_initiative": _n(C.source == "initiative"),
        "source_referral": _n(C.source == "referral"),
        **{name: func.coalesce(func.sum(getattr(C, name)), 0) for name in report.PREVENTION},
    }
    assert set(exprs) == set(report.METRICS)
    return [e.label(k) for k, e in exprs.items()]


def _grouped(session: Session, q: StatsQuery, key: Any) -> dict[Any, dict[str, int]]:
    query = (
        select(key.label("group_key"), *_metric_columns())
        .select_from(C)
        .join(Committee, Committee.uuid == C.committee_uuid)
        .outerjoin(Agreement, and_(Agreement.case_uuid == C.uuid, Agreement.deleted.is_(False)))
        .outerjoin(Confirmation, and_(Confirmation.case_uuid == C.uuid, Confirmation.deleted.is_(False)))
        .where(C.deleted.is_(False), C.status != VOID, C.accepted_on >= q.date_from, C.accepted_on <= q.date_to)
        .group_by(key)
    )
    if q.committee_uuid:
        query = query.where(C.committee_uuid == q.committee_uuid)
    elif q.org_code:
        query = query.where(Committee.org_code == q.org_code)
    out = {}
    for row in session.execute(query).mappings():
        out[row["group_key"]] = {k: int(row[k]) for k in report.METRICS}
    return out


def _months(first: date, last: date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def scopes(session: Session, actor: Actor) -> list[Scope]:
    """What a statistics workbook may cover here: everything, one street or town (at the district),
    or one committee."""
    actor.require(Perm.REPORTS)
    info = node.node_info(session)
    out = [Scope("全区" if info.level == Level.DISTRICT else "全部调委会")]
    committees = list(
        session.execute(
            select(Committee.uuid, Committee.name, Committee.org_code)
            .where(Committee.deleted.is_(False))
            .order_by(Committee.org_code, Committee.name_key)
        )
    )
    units = {code: name for code, name in session.execute(select(OrgUnit.code, OrgUnit.name))}
    if info.level == Level.DISTRICT:
        for code in sorted({c for _u, _n, c in committees}):
            out.append(Scope(f"{units.get(code, code)}各调委会", org_code=code))
    out += [Scope(name, committee_uuid=uuid) for uuid, name, _c in committees]
    return out


def _scope_label(session: Session, q: StatsQuery, level: str) -> str:
    if q.committee_uuid:
        c = session.get(Committee, q.committee_uuid)
        if c is None:
            raise UserError("所选调委会不存在。")
        return c.name
    if q.org_code:
        unit = session.get(OrgUnit, q.org_code)
        return f"{unit.name if unit else q.org_code}各调委会"
    return "全区各调委会" if level == Level.DISTRICT else "全部调委会"


def bundle_lines(session: Session) -> list[BundleLine]:
    """What this node holds from each office below it: the bundles imported, the sequence numbers
    missing between them, and when the newest was made."""
    out = []
    for peer in session.scalars(select(PeerNode).where(PeerNode.relation == "child").order_by(PeerNode.org_code)):
        got = list(
            session.execute(
                select(BundleIn.sequence, BundleIn.created_at, BundleIn.imported_at)
                .where(BundleIn.sender == peer.node_id)
                .order_by(BundleIn.sequence)
            )
        )
        seqs = tuple(s for s, _c, _i in got)
        missing = tuple(sequences.gaps(seqs))  # as ranges: a number far ahead costs nothing
        last = got[-1] if got else None
        out.append(
            BundleLine(
                peer.org_name,
                peer.org_code,
                seqs,
                missing,
                _local(last[1]) if last else None,
                _local(max(i for _s, _c, i in got)) if got else None,
            )
        )
    return out


def _local(moment: datetime) -> datetime:
    """Stored UTC -> the PC's local time, naive."""
    return clock.to_local(moment)


@reads
def compute(session: Session, actor: Actor, q: StatsQuery, layout: dict[str, Any] | None = None) -> MediationStats:
    actor.require(Perm.REPORTS)
    if q.date_to < q.date_from:
        raise UserError("统计期间的结束日期不能早于开始日期。")
    if (q.date_to - q.date_from).days > 366 * 20:
        raise UserError("统计期间过长（超过 20 年），请缩短。")
    layout = layout or report.load_layout()
    info = node.node_info(session)
    scope = _scope_label(session, q, info.level)

    by_type = _grouped(session, q, C.dispute_type)
    type_rows = [Row(label, by_type.pop(code, report.empty())) for code, label in codes.items(session, "dispute_type")]
    labels = codes.labels(session, "dispute_type")
    type_rows += [Row(labels.get(code, code), figures) for code, figures in sorted(by_type.items())]

    committee_query = (
        select(Committee.uuid, Committee.name, Committee.kind, Committee.org_code)
        .where(Committee.deleted.is_(False))
        .order_by(Committee.org_code, Committee.name_key)
    )
    if q.committee_uuid:
        committee_query = committee_query.where(Committee.uuid == q.committee_uuid)
    elif q.org_code:
        committee_query = committee_query.where(Committee.org_code == q.org_code)
    committees = list(session.execute(committee_query))
    units = {code: name for code, name in session.execute(select(OrgUnit.code, OrgUnit.name))}
    org_types: dict[str, str] = layout.get("org_types", {})
    by_committee = _grouped(session, q, C.committee_uuid)
    committee_rows = [
        Row(name, by_committee.get(uuid, report.empty()), (units.get(org, org), org_types.get(kind, kind)))
        for uuid, name, kind, org in committees
    ]

    by_kind = _grouped(session, q, Committee.kind)
    kind_rows = [Row(label, by_kind.pop(kind, report.empty())) for kind, label in org_types.items()]
    kind_rows += [Row(kind, figures) for kind, figures in sorted(by_kind.items())]

    by_month = _grouped(session, q, func.strftime("%Y-%m", C.accepted_on))
    month_rows = [
        Row(f"{m[:4]}年{int(m[5:])}月", by_month.get(m, report.empty())) for m in _months(q.date_from, q.date_to)
    ]

    bundles = bundle_lines(session)
    notes = []
    for b in bundles:
        if b.last_created and b.last_created.date() < q.date_to:
            notes.append(f"{b.sender}的最新数据包生成于 {b.last_created:%Y-%m-%d}，此后受理的案件尚未报送，未计入。")
    cover = Cover(
        org_name=info.org_name,
        org_code=info.org_code,
        level_label=info.level_label,
        date_from=q.date_from,
        date_to=q.date_to,
        scope=scope,
        units=[f"{units.get(code, code)}（{code}）" for code in sorted({org for _u, _n, _k, org in committees})],
        made_at=_local(actor.now),
        made_by=f"{actor.display_name}（{actor.name}）" if actor.display_name else actor.name,
        bundles=bundles if (bundles or info.level == Level.DISTRICT) else None,
        notes=notes,
    )
    return MediationStats(cover, type_rows, committee_rows, kind_rows, month_rows)


def workbook(session: Session, actor: Actor, q: StatsQuery, layout: dict[str, Any] | None = None) -> bytes:
    """人民调解工作统计表 (.xlsx) for the period and scope."""
    layout = layout or report.load_layout()
    return report.workbook(compute(session, actor, q, layout), layout)


def statistics_workbook(session: Session, actor: Actor, q: StatsQuery, templates: Path) -> bytes:
    """The 人民调解工作统计表 as an .xlsx, laid out by the template in ``templates`` if the office
    keeps one there (else the shipped layout)."""
    try:
        layout = report.load_layout(templates)
    except report.LayoutError as exc:
        raise UserError(str(exc)) from None
    return report.workbook(compute(session, actor, q, layout), layout)


def page_setup(session: Session, actor: Actor) -> tuple[list[Scope], str]:
    """What the 统计报表 page offers: the scopes this actor may count, and this node's level."""
    from xihu_desk.services import node as node_service

    return scopes(session, actor), node_service.node_info(session).level
