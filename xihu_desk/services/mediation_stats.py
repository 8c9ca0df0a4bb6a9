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
from xihu_desk.store import dialect, moved_out
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


# The day a case counts as closed (结案): its closing date (结案日期) once an outcome is registered.
# A case reopened for mediation has neither, so it is open until it closes anew.
_closing = case((C.outcome.is_not(None), C.closed_on), else_=None)


def _scoped(query: Any, q: StatsQuery) -> Any:
    query = query.join(Committee, Committee.uuid == C.committee_uuid).where(C.deleted.is_(False), C.status != VOID)
    # 移送: the copy an office keeps of a case it transferred out counts where the case went
    query = query.where(moved_out.counted(C.uuid))
    if q.committee_uuid:
        return query.where(C.committee_uuid == q.committee_uuid)
    if q.org_code:
        return query.where(Committee.org_code == q.org_code)
    return query


def _tally(session: Session, q: StatsQuery) -> list[Any]:
    """One pass over the cases that matter to the period (accepted by its end and not closed before
    its start), counted by everything the sheets group by: type, committee, its kind, the month
    accepted within the period (None: before it) and the month closed within it (None: still open
    at its end), and the case's own codes. Every figure of every sheet is added up from these rows."""
    acc_m = case((C.accepted_on >= q.date_from, dialect.year_month(C.accepted_on)), else_=None)
    close_m = case((_closing <= q.date_to, dialect.year_month(_closing)), else_=None)
    # The agreement and the court's ruling are looked up only for the cases closed in the period
    # (a CASE evaluates its subquery only then), not for every open case scanned.
    closed_here = close_m.is_not(None)
    confirmed = case(
        (
            closed_here
            & select(Confirmation.case_uuid)
            .where(
                Confirmation.case_uuid == C.uuid, Confirmation.deleted.is_(False), Confirmation.result == "confirmed"
            )
            .exists(),
            1,
        ),
        else_=0,
    )
    amount = case(
        (
            closed_here & (C.outcome == "succeeded"),
            select(func.coalesce(func.sum(Agreement.amount_fen), 0))
            .where(Agreement.case_uuid == C.uuid, Agreement.deleted.is_(False))
            .scalar_subquery(),
        ),
        else_=0,
    )
    keys = [
        C.dispute_type.label("dispute_type"),
        C.committee_uuid.label("committee_uuid"),
        Committee.kind.label("kind"),
        acc_m.label("acc_m"),
        close_m.label("close_m"),
        C.source.label("source"),
        C.outcome.label("outcome"),
        C.agreement_form.label("agreement_form"),
        C.performed.label("performed"),
        confirmed.label("confirmed"),
    ]
    query = (
        select(
            *keys,
            func.count(C.uuid).label("n"),
            func.coalesce(func.sum(amount), 0).label("amount_fen"),
            *[func.coalesce(func.sum(getattr(C, name)), 0).label(name) for name in report.PREVENTION],
        )
        .select_from(C)
        # on the column itself, so the index on closed_on finds the open and the lately closed cases
        # (a case without an outcome has no closing date: 重新调解 clears both)
        .where(C.accepted_on <= q.date_to, C.closed_on.is_(None) | (C.closed_on >= q.date_from))
        .group_by(*keys)
    )
    return list(session.execute(_scoped(query, q)).mappings())


def _add_intake(f: dict[str, int], r: Any) -> None:
    n = int(r["n"])
    f["accepted"] += n
    if f"source_{r['source']}" in f:
        f[f"source_{r['source']}"] += n
    for name in report.PREVENTION:
        f[name] += int(r[name])


def _add_outcome(f: dict[str, int], r: Any) -> None:
    n = int(r["n"])
    f["closed"] += n
    if r["outcome"] in ("succeeded", "failed", "terminated"):
        f[r["outcome"]] += n
    if r["outcome"] == "succeeded":
        if r["agreement_form"] in ("written", "oral"):
            f[r["agreement_form"]] += n
        if r["performed"] == "full":
            f["performed"] += n
        f["amount_fen"] += int(r["amount_fen"])
    if r["confirmed"]:
        f["confirmed"] += n


@dataclass
class _Figures:
    """The period's figures by dispute type, committee, committee kind and month."""

    by_type: dict[str, dict[str, int]]
    by_committee: dict[str, dict[str, int]]
    by_kind: dict[str, dict[str, int]]
    by_month: dict[str, dict[str, int]]


def _figures(rows: list[Any], months: list[str]) -> _Figures:
    out = _Figures({}, {}, {}, {m: report.empty() for m in months})
    pairs: dict[tuple[str, str], int] = {}  # (month accepted, month closed) -> cases, for the month stocks
    for r in rows:
        groups = [
            out.by_type.setdefault(r["dispute_type"], report.empty()),
            out.by_committee.setdefault(r["committee_uuid"], report.empty()),
            out.by_kind.setdefault(r["kind"], report.empty()),
        ]
        n = int(r["n"])
        if r["acc_m"] is None:  # accepted before the period and open at its start
            for f in groups:
                f["carried"] += n
        else:
            for f in [*groups, out.by_month[r["acc_m"]]]:
                _add_intake(f, r)
        if r["close_m"] is None:  # open at the period's end
            for f in groups:
                f["open"] += n
        else:
            for f in [*groups, out.by_month[r["close_m"]]]:
                _add_outcome(f, r)
        key = (r["acc_m"] or "", r["close_m"] or "9999-99")
        pairs[key] = pairs.get(key, 0) + n
    # Each month's 期末在办: accepted by the month's end (or the period's end) and not closed by then.
    carried = sum(n for (a, _c), n in pairs.items() if a == "")
    for m in months:
        open_end = sum(n for (a, c), n in pairs.items() if a <= m < c)
        out.by_month[m]["carried"], out.by_month[m]["open"] = carried, open_end
        carried = open_end
    return out


def _months(first: date, last: date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


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
                # _closing spelt out on the column, so the index on closed_on serves it
                | and_(C.closed_on >= q.date_from, C.closed_on <= q.date_to, C.outcome.is_not(None))
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

    months = _months(q.date_from, q.date_to)
    figures = _figures(_tally(session, q), months)
    by_type = figures.by_type
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
    by_committee = figures.by_committee
    committee_rows = [
        Row(name, by_committee.get(uuid, report.empty()), (units.get(org, org), org_types.get(kind, kind)))
        for uuid, name, kind, org in committees
    ]

    by_kind = figures.by_kind
    kind_rows = [Row(label, by_kind.pop(kind, report.empty())) for kind, label in org_types.items()]
    kind_rows += [Row(kind, figures) for kind, figures in sorted(by_kind.items())]

    month_rows = [Row(f"{m[:4]}年{int(m[5:])}月", figures.by_month[m]) for m in months]
    # The period's own stocks: the first month's start and the last month's end, not their sum.
    total_stocks = {"carried": figures.by_month[months[0]]["carried"], "open": figures.by_month[months[-1]]["open"]}

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
