"""人民调解工作统计: the figures for a period and an org scope, computed with SQL aggregates, and
the workbook (reports/mediation_stats.py) that hands them on.

The counting rules (stated on every sheet, ``report.RULES``): what comes in — 受理, the case's
source, the prevention figures — is counted by the accepted date; what comes out — succeeded,
failed, terminated, written and oral agreements, performed, 司法确认, agreement amounts — by the
closing date; 期初在办 and 期末在办 are the cases accepted and not yet closed on the day before the
period and on its last day, so 期初在办 + 受理 = 结案 + 期末在办 on every row. A void case counts
nowhere. Months, committees and the district's roll-up add up to the year because every case
falls on one day for each figure. One SELECT with conditional sums per grouping and rule; nothing
is loaded case by case (``case_figures`` does, for the snapshot of a submitted period).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
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
from xihu_desk.store import dialect
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

    @property
    def whole(self) -> bool:
        """Every committee this node counts: the scope a unit submits (报出)."""
        return not (self.org_code or self.committee_uuid)


@dataclass(frozen=True)
class Scope:
    """One choice of the GUI's scope list."""

    label: str
    org_code: str = ""
    committee_uuid: str = ""


def _n(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# The day a case counts as closed (结案): its closing date once an outcome is registered. A case
# reopened for mediation has neither, so it is open until it closes anew.
_closing = case((C.outcome.is_not(None), func.coalesce(C.closed_on, C.outcome_on)), else_=None)


def _intake_columns() -> list[Any]:
    """What is counted by the accepted date (受理日期)."""
    exprs = {
        "accepted": func.count(C.uuid),
        "source_apply": _n(C.source == "apply"),
        "source_initiative": _n(C.source == "initiative"),
        "source_referral": _n(C.source == "referral"),
        **{name: func.coalesce(func.sum(getattr(C, name)), 0) for name in report.PREVENTION},
    }
    assert set(exprs) == set(report.INTAKE)
    return [e.label(k) for k, e in exprs.items()]


def _outcome_columns() -> list[Any]:
    """What is counted by the closing date (结案日期)."""
    succeeded = C.outcome == "succeeded"
    exprs = {
        "closed": func.count(C.uuid),
        "succeeded": _n(succeeded),
        "failed": _n(C.outcome == "failed"),
        "terminated": _n(C.outcome == "terminated"),
        "written": _n(succeeded & (C.agreement_form == "written")),
        "oral": _n(succeeded & (C.agreement_form == "oral")),
        "performed": _n(succeeded & (C.performed == "full")),
        "confirmed": _n(Confirmation.result == "confirmed"),
        "amount_fen": func.coalesce(func.sum(case((succeeded, func.coalesce(Agreement.amount_fen, 0)), else_=0)), 0),
    }
    assert set(exprs) == set(report.OUTCOMES)
    return [e.label(k) for k, e in exprs.items()]


Key = Callable[[Any], Any]  # the grouping, given the date the figure is counted by


def _scoped(query: Any, q: StatsQuery) -> Any:
    query = query.join(Committee, Committee.uuid == C.committee_uuid).where(C.deleted.is_(False), C.status != VOID)
    if q.committee_uuid:
        return query.where(C.committee_uuid == q.committee_uuid)
    if q.org_code:
        return query.where(Committee.org_code == q.org_code)
    return query


def _open_on(day: date) -> Any:
    """Accepted by ``day`` and not closed by then."""
    return and_(C.accepted_on <= day, _closing.is_(None) | (_closing > day))


def _grouped(session: Session, q: StatsQuery, key: Key, stocks: bool = True) -> dict[Any, dict[str, int]]:
    """The figures per group: intake by the accepted date, outcomes by the closing date and (unless
    the grouping is by month: ``_month_stocks``) the cases open before and at the end of the period."""
    out: dict[Any, dict[str, int]] = {}

    def collect(query: Any, names: tuple[str, ...]) -> None:
        for row in session.execute(_scoped(query, q)).mappings():
            figures = out.setdefault(row["group_key"], report.empty())
            for k in names:
                figures[k] += int(row[k])

    intake_key = key(C.accepted_on).label("group_key")
    collect(
        select(intake_key, *_intake_columns())
        .select_from(C)
        .where(C.accepted_on >= q.date_from, C.accepted_on <= q.date_to)
        .group_by(intake_key),
        report.INTAKE,
    )
    outcome_key = key(_closing).label("group_key")
    collect(
        select(outcome_key, *_outcome_columns())
        .select_from(C)
        .outerjoin(Agreement, and_(Agreement.case_uuid == C.uuid, Agreement.deleted.is_(False)))
        .outerjoin(Confirmation, and_(Confirmation.case_uuid == C.uuid, Confirmation.deleted.is_(False)))
        .where(_closing >= q.date_from, _closing <= q.date_to)
        .group_by(outcome_key),
        report.OUTCOMES,
    )
    if stocks:
        stock_key = key(None).label("group_key")
        for name, day in (("carried", q.date_from - timedelta(days=1)), ("open", q.date_to)):
            collect(
                select(stock_key, func.count(C.uuid).label(name))
                .select_from(C)
                .where(_open_on(day))
                .group_by(stock_key),
                (name,),
            )
    return out


def _month_end(m: str) -> date:
    y, mo = int(m[:4]), int(m[5:])
    return date(y + (mo == 12), mo % 12 + 1, 1) - timedelta(days=1)


def _month_stocks(session: Session, q: StatsQuery, months: list[str]) -> dict[str, dict[str, int]]:
    """期初在办 and 期末在办 of each month row: at the month ends from one query counting cases by
    the month they were accepted and the month they closed; at the period's own first and last day
    (which may fall inside a month) by a query each."""
    acc, closing = dialect.year_month(C.accepted_on), dialect.year_month(_closing)
    pairs = [
        (str(a), None if c is None else str(c), int(n))
        for a, c, n in session.execute(
            _scoped(
                select(acc, closing, func.count(C.uuid))
                .select_from(C)
                .where(C.accepted_on <= q.date_to, _closing.is_(None) | (_closing >= q.date_from))
                .group_by(acc, closing),
                q,
            )
        )
    ]

    def at_month_end(m: str) -> int:
        return sum(n for a, c, n in pairs if a <= m and (c is None or c > m))

    def on(day: date) -> int:
        return int(session.scalar(_scoped(select(func.count(C.uuid)).select_from(C).where(_open_on(day)), q)) or 0)

    out: dict[str, dict[str, int]] = {}
    carried = on(q.date_from - timedelta(days=1))
    for i, m in enumerate(months):
        last = i == len(months) - 1
        open_end = on(q.date_to) if last and q.date_to != _month_end(m) else at_month_end(m)
        out[m] = {"carried": carried, "open": open_end}
        carried = open_end
    return out


def _months(first: date, last: date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _by_type(_day: Any) -> Any:
    return C.dispute_type


def _by_committee(_day: Any) -> Any:
    return C.committee_uuid


def _by_kind(_day: Any) -> Any:
    return Committee.kind


def _by_month(day: Any) -> Any:
    return dialect.year_month(day)


# ---------------------------------------------------------------- case by case (snapshots, 更正)


def case_figures(session: Session, q: StatsQuery) -> dict[str, dict[str, Any]]:
    """uuid -> {"case_no", "figures"}: what each case adds to the period's totals, by the same rules
    (the stocks aside). Kept in a submission's snapshot, so a later change shows case by case."""
    rows = session.execute(
        _scoped(
            select(
                C.uuid,
                C.case_no,
                C.accepted_on,
                _closing.label("closing"),
                C.source,
                C.outcome,
                C.agreement_form,
                C.performed,
                Agreement.amount_fen,
                Confirmation.result,
                *[getattr(C, name) for name in report.PREVENTION],
            )
            .select_from(C)
            .outerjoin(Agreement, and_(Agreement.case_uuid == C.uuid, Agreement.deleted.is_(False)))
            .outerjoin(Confirmation, and_(Confirmation.case_uuid == C.uuid, Confirmation.deleted.is_(False)))
            .where(
                and_(C.accepted_on >= q.date_from, C.accepted_on <= q.date_to)
                | and_(_closing >= q.date_from, _closing <= q.date_to)
            ),
            q,
        )
    ).mappings()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        f: dict[str, int] = {}
        if q.date_from <= r["accepted_on"] <= q.date_to:
            f["accepted"] = 1
            f[f"source_{r['source']}"] = 1
            f.update({name: int(r[name] or 0) for name in report.PREVENTION if r[name]})
        closing = r["closing"]
        if isinstance(closing, str):
            closing = date.fromisoformat(closing)
        if closing is not None and q.date_from <= closing <= q.date_to:
            f["closed"] = 1
            f[r["outcome"]] = 1
            if r["outcome"] == "succeeded":
                if r["agreement_form"] in ("written", "oral"):
                    f[r["agreement_form"]] = 1
                if r["performed"] == "full":
                    f["performed"] = 1
                if r["amount_fen"]:
                    f["amount_fen"] = int(r["amount_fen"])
            if r["result"] == "confirmed":
                f["confirmed"] = 1
        out[r["uuid"]] = {"case_no": r["case_no"], "figures": {k: v for k, v in f.items() if k in report.METRICS}}
    return out


# ---------------------------------------------------------------- scope, cover, figures


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


def _check_period(q: StatsQuery) -> None:
    if q.date_to < q.date_from:
        raise UserError("统计期间的结束日期不能早于开始日期。")
    if (q.date_to - q.date_from).days > 366 * 20:
        raise UserError("统计期间过长（超过 20 年），请缩短。")


@reads
def compute(session: Session, actor: Actor, q: StatsQuery, layout: dict[str, Any] | None = None) -> MediationStats:
    actor.require(Perm.REPORTS)
    _check_period(q)
    layout = layout or report.load_layout()
    info = node.node_info(session)
    scope = _scope_label(session, q, info.level)

    by_type = _grouped(session, q, _by_type)
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
    by_committee = _grouped(session, q, _by_committee)
    committee_rows = [
        Row(name, by_committee.get(uuid, report.empty()), (units.get(org, org), org_types.get(kind, kind)))
        for uuid, name, kind, org in committees
    ]

    by_kind = _grouped(session, q, _by_kind)
    kind_rows = [Row(label, by_kind.pop(kind, report.empty())) for kind, label in org_types.items()]
    kind_rows += [Row(kind, figures) for kind, figures in sorted(by_kind.items())]

    months = _months(q.date_from, q.date_to)
    by_month = _grouped(session, q, _by_month, stocks=False)
    stocks = _month_stocks(session, q, months)
    month_rows = [Row(f"{m[:4]}年{int(m[5:])}月", {**by_month.get(m, report.empty()), **stocks[m]}) for m in months]
    # The period's own stocks: the first month's start and the last month's end, not their sum.
    total_stocks = {"carried": stocks[months[0]]["carried"], "open": stocks[months[-1]]["open"]}

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
    stats = MediationStats(cover, type_rows, committee_rows, kind_rows, month_rows, stocks=total_stocks)
    from xihu_desk.services import screening_stats  # 矛盾纠纷排查 (issue 18), a sheet of its own

    stats.extra_sheets.append(
        screening_stats.extra_sheet(session, q.date_from, q.date_to, q.org_code, q.committee_uuid)
    )
    from xihu_desk.services import organisation_stats  # 组织与队伍 (issue 18): committees and mediators by kind

    stats.extra_sheets.append(
        organisation_stats.extra_sheet(session, q.date_from, q.date_to, q.org_code, q.committee_uuid)
    )
    if q.whole:
        from xihu_desk.services import report_submissions

        report_submissions.attach(session, q, stats)  # 更正 lines, and the units' submissions at the district
    return stats


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
