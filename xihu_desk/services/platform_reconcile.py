"""Reconciliation with the provincial platform (浙里调 / 浙江解纷码, issue 19), and the entry list of
the cases still to enter there.

The office downloads the platform's export (.xlsx) and hands it here. Its rows are read by the
ledger reader with the headings of resources/templates/platform.json (reports/platform.py), then:

- a row whose platform code a case here carries is **matched**, and the fields both sides record
  (type, accepted and closing dates, outcome, amounts) are compared, each difference named;
- a row whose code no case carries is **proposed** for a case here without a code whose applicants
  and respondents have the same names and whose accepted date is within the layout's tolerance
  (± 3 days); proposals are linked only when accepted (``--link``, or ticked in 平台对账), each
  link a new version of the case (services/platform_codes.set_code), all in one transaction;
- what is left is **only on the platform** (to register here or explain), and the cases of the
  period here that nothing matched are **only here** (to enter).

The cases compared are this office's own (a case another office manages is entered by it), live and
not void. Every run is audited and remembers the whole months it covered (store/platform_models),
so the home page can say which month is still to reconcile.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.reports import case_ledger, ledger
from xihu_desk.reports import platform as layouts
from xihu_desk.services import audit, case_ledger as case_ledger_service, codes, node, platform_codes
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes
from xihu_desk.store import case_list
from xihu_desk.store.case_models import Agreement, MediationCase
from xihu_desk.store.platform_models import PlatformMonth

audit.ACTION_LABELS.update(
    {
        "platform.reconcile": "与省平台对账",
        "platform.link": "对账关联平台编号",
        "platform.export": "导出平台录入清单",
    }
)
OUTCOME_LABELS = {**case_ledger.OUTCOME_LABELS, "open": "调解中"}
BLANK = "（空）"


@dataclass(frozen=True)
class ReconcileQuery:
    date_from: date | None = None
    date_to: date | None = None
    link: bool = False  # link every proposal (the command line's --link)
    file_name: str = ""


def _load_layout(layout: layouts.Layout | None, templates: Path | None) -> layouts.Layout:
    if layout is not None:
        return layout
    try:
        return layouts.load_layout(templates)
    except layouts.LayoutError as exc:
        raise UserError(str(exc)) from None


# ---------------------------------------------------------------- the cases here


@dataclass
class _Case:
    uuid: str
    case_no: str
    accepted_on: date
    platform_code: str | None
    dispute_type: str
    closed_on: date | None
    outcome: str
    amount_fen: int
    agreement_fen: int
    applicants: frozenset[str]
    respondents: frozenset[str]
    applicant_text: str
    respondent_text: str


def _names(text: Any) -> frozenset[str]:
    return frozenset(ledger.normalise(n) for n in case_ledger.split_names(text) if ledger.normalise(n))


def _cases(session: Session, where: list[Any]) -> list[_Case]:
    rows = list(session.scalars(select(MediationCase).where(*where).order_by(MediationCase.accepted_on)))
    uuids = [c.uuid for c in rows]
    parties = case_list.parties_of(session, uuids)
    amounts: dict[str, int] = {}
    for start in range(0, len(uuids), 500):
        chunk = uuids[start : start + 500]
        amounts.update(
            session.execute(
                select(Agreement.case_uuid, Agreement.amount_fen).where(
                    Agreement.case_uuid.in_(chunk), Agreement.deleted.is_(False)
                )
            ).all()
        )
    out = []
    for c in rows:
        apps = [p.name for p in parties[c.uuid] if p.role == "applicant"]
        resps = [p.name for p in parties[c.uuid] if p.role == "respondent"]
        out.append(
            _Case(
                c.uuid,
                c.case_no,
                c.accepted_on,
                c.platform_code,
                c.dispute_type,
                c.closed_on,
                c.outcome or "open",
                c.amount_fen or 0,
                amounts.get(c.uuid, 0) or 0,
                frozenset(ledger.normalise(n) for n in apps),
                frozenset(ledger.normalise(n) for n in resps),
                "、".join(apps),
                "、".join(resps),
            )
        )
    return out


def _own_live(session: Session) -> list[Any]:
    return [
        MediationCase.deleted.is_(False),
        MediationCase.status != Status.VOID.value,
        MediationCase.owner_node == node.node_info(session).node_id,
    ]


# ---------------------------------------------------------------- comparing


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _yuan(fen: int | None) -> str:
    return f"{(fen or 0) / 100:.2f}"


def _differences(case: _Case, row: layouts.PlatformRow, types: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, here, platform) for each compared field the platform's sheet has and that differs."""
    v = row.values
    out = []

    def differs(key: str, here: Any, there: Any, show: Callable[[Any], str]) -> None:
        if key in row.present and here != there:
            out.append((key, show(here) or BLANK, show(there) or BLANK))

    differs("dispute_type", case.dispute_type, v.get("dispute_type"), lambda c: types.get(c, c or ""))
    differs("accepted_on", case.accepted_on, v.get("accepted_on"), _iso)
    differs("closed_on", case.closed_on, v.get("closed_on"), _iso)
    there = v.get("outcome") or ("open" if case.outcome == "open" else None)
    differs("outcome", case.outcome, there, lambda o: OUTCOME_LABELS.get(o or "", ""))
    differs("amount", case.amount_fen, v.get("amount") or 0, _yuan)
    differs("agreement_amount", case.agreement_fen, v.get("agreement_amount") or 0, _yuan)
    return out


def _month_span(first: date, last: date) -> tuple[date, date]:
    return first.replace(day=1), last.replace(day=calendar.monthrange(last.year, last.month)[1])


def whole_months(date_from: date, date_to: date) -> list[str]:
    """The months wholly inside [from, to], as 2026-11."""
    months = []
    y, m = date_from.year, date_from.month
    while (y, m) <= (date_to.year, date_to.month):
        start, end = date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        if date_from <= start and end <= date_to:
            months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


# ---------------------------------------------------------------- reconciling


@writes
def reconcile(
    session: Session,
    actor: Actor,
    source: Path | str | bytes | IO[bytes],
    query: ReconcileQuery = ReconcileQuery(),
    *,
    layout: layouts.Layout | None = None,
    templates: Path | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Compare the platform's export with the cases here (see the module's note); the result is the
    ``reconcile --json`` document. A workbook that cannot be read raises UserError before anything
    is written."""
    actor.require(Perm.VIEW_CASES)
    if query.link:
        actor.require(Perm.EDIT_CASES)
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise UserError("对账期间的开始日期晚于结束日期，请改正。")
    step: Callable[..., Any] = progress.step if progress is not None else (lambda *a, **k: None)
    layout = _load_layout(layout, templates)
    types = codes.labels(session, "dispute_type")
    step(0, "正在读取平台导出文件…", 0)
    try:
        rows, notes = layouts.read_export(source, layout, types)
    except ledger.LedgerError as exc:
        raise UserError(f"平台导出文件无法对账：{exc}") from None
    for r in rows:
        r.values["platform_code"] = platform_codes.normalise(r.values.get("platform_code"))
    step(len(rows), "正在比对案件…", len(rows))

    # the period: as asked, else the whole months the export's accepted dates span
    dated = [r.values["accepted_on"] for r in rows if r.values.get("accepted_on")]
    if rows and not dated:  # another workbook with a 案件编号 column (our own 评查表): never the platform's
        raise UserError(
            "平台导出文件无法对账：没有一行有登记日期，这不是省平台导出的案件表。请选择从浙里调或浙江解纷码导出的文件。"
        )
    date_from, date_to = query.date_from, query.date_to
    if date_from is None and date_to is None and dated:
        date_from, date_to = _month_span(min(dated), max(dated))
    tol = timedelta(days=layout.tolerance_days)

    def in_period(d: date | None) -> bool:
        return d is None or ((date_from is None or d >= date_from) and (date_to is None or d <= date_to))

    # the cases: those carrying a code of the export (whenever accepted), and those of the period
    # widened by the tolerance (a case on the period's edge may still pair with a row inside it)
    own = _own_live(session)
    window = []
    if date_from is not None:
        window.append(MediationCase.accepted_on >= date_from - tol)
    if date_to is not None:
        window.append(MediationCase.accepted_on <= date_to + tol)
    codes_in_file = sorted({r.code for r in rows if r.code})
    by_code: dict[str, _Case] = {}
    for start in range(0, len(codes_in_file), 500):
        chunk = codes_in_file[start : start + 500]
        for c in _cases(session, [*own, MediationCase.platform_code.in_(chunk)]):
            by_code[c.platform_code or ""] = c
    nearby = _cases(session, [*own, *window])

    result: dict[str, Any] = {
        "file": query.file_name,
        "from": _iso(date_from) or None,
        "to": _iso(date_to) or None,
        "tolerance_days": layout.tolerance_days,
        "rows": len(rows),
        "matched": 0,
        "linked": 0,
        "only_here": [],
        "only_platform": [],
        "mismatched": [],
        "proposals": [],
        "problems": [],
        "notes": notes,
        "months": [],
    }
    taken: set[str] = set()  # cases matched or proposed
    pairs: list[tuple[_Case, layouts.PlatformRow]] = []
    unmatched: list[layouts.PlatformRow] = []
    for r in rows:
        for p in r.problems:
            result["problems"].append({"sheet": r.sheet, "row": r.row, "reason": p})
        case = by_code.get(r.code) if r.code else None
        if case is not None:
            taken.add(case.uuid)
            pairs.append((case, r))
            result["matched"] += 1
        else:
            unmatched.append(r)

    free = [c for c in nearby if not c.platform_code and c.uuid not in taken]
    for r in unmatched:
        proposal = _propose(r, free, taken, tol) if r.code else None
        if isinstance(proposal, str):
            result["problems"].append({"sheet": r.sheet, "row": r.row, "reason": proposal})
            proposal = None
        if proposal is None:
            if in_period(r.values.get("accepted_on")):
                result["only_platform"].append(_platform_item(r))
            continue
        taken.add(proposal.uuid)
        result["proposals"].append(
            {
                "sheet": r.sheet,
                "row": r.row,
                "platform_code": r.code,
                "case_no": proposal.case_no,
                "case_uuid": proposal.uuid,
                "applicant": proposal.applicant_text,
                "respondent": proposal.respondent_text,
                "accepted_on": _iso(proposal.accepted_on),
                "platform_accepted_on": _iso(r.values.get("accepted_on")),
                "days_apart": abs((proposal.accepted_on - r.values["accepted_on"]).days),
                "linked": False,
            }
        )
        if query.link:
            platform_codes.set_code(session, actor, proposal.uuid, r.code, how="（平台对账关联）")
            result["proposals"][-1]["linked"] = True
            result["linked"] += 1
            pairs.append((proposal, r))

    for case, r in pairs:
        for key, here, there in _differences(case, r, types):
            result["mismatched"].append(
                {
                    "case_no": case.case_no,
                    "case_uuid": case.uuid,
                    "platform_code": r.code,
                    "row": r.row,
                    "field": key,
                    "field_label": layouts.COMPARED[key],
                    "here": here,
                    "platform": there,
                }
            )
    for c in nearby:
        if c.uuid not in taken and in_period(c.accepted_on):
            result["only_here"].append(
                {
                    "case_no": c.case_no,
                    "case_uuid": c.uuid,
                    "accepted_on": _iso(c.accepted_on),
                    "applicant": c.applicant_text,
                    "respondent": c.respondent_text,
                    "platform_code": c.platform_code or "",
                }
            )
    if date_from is not None and date_to is not None:
        result["months"] = whole_months(date_from, date_to)
        _remember(session, actor, result)
    audit.record(
        session,
        actor,
        "platform.reconcile",
        "case",
        "",
        summary=(
            f"与省平台对账（{query.file_name or '平台导出'}，{_period_label(date_from, date_to)}）："
            f"编号一致 {result['matched']} 件，关联 {result['linked']} 件，建议关联 {len(result['proposals'])} 件，"
            f"仅本系统 {len(result['only_here'])} 件，仅平台 {len(result['only_platform'])} 件，"
            f"不一致 {len(result['mismatched'])} 项"
        ),
    )
    return result


def _propose(r: layouts.PlatformRow, free: list[_Case], taken: set[str], tol: timedelta) -> _Case | str | None:
    """The one case here without a code whose parties have the same names and whose accepted date
    is within ``tol``; a reason (str) when several are equally near."""
    when = r.values.get("accepted_on")
    applicants = _names(r.values.get("applicant"))
    if when is None or not applicants:
        return None
    respondents = _names(r.values.get("respondent")) if r.values.get("respondent") else None
    near = [
        c
        for c in free
        if c.uuid not in taken
        and c.applicants == applicants
        and (respondents is None or c.respondents == respondents)
        and abs(c.accepted_on - when) <= tol
    ]
    if not near:
        return None
    near.sort(key=lambda c: abs(c.accepted_on - when))
    if len(near) > 1 and abs(near[0].accepted_on - when) == abs(near[1].accepted_on - when):
        return f"当事人与受理日期相同的案件有多件（{near[0].case_no}、{near[1].case_no}），请在案件中直接填写平台编号"
    return near[0]


def _platform_item(r: layouts.PlatformRow) -> dict[str, Any]:
    return {
        "sheet": r.sheet,
        "row": r.row,
        "platform_code": r.code,
        "applicant": ledger.parse_text(r.values.get("applicant")),
        "respondent": ledger.parse_text(r.values.get("respondent")),
        "accepted_on": _iso(r.values.get("accepted_on")) or None,
    }


def _period_label(date_from: date | None, date_to: date | None) -> str:
    if date_from is None and date_to is None:
        return "全部期间"
    return f"{_iso(date_from) or '…'} 至 {_iso(date_to) or '…'}"


def _remember(session: Session, actor: Actor, result: dict[str, Any]) -> None:
    """Each whole month of the period, with what was still open in it."""

    def in_month(iso: str | None, month: str) -> bool:
        return bool(iso) and str(iso).startswith(month)

    for month in result["months"]:
        row = session.get(PlatformMonth, month) or PlatformMonth(month=month)
        row.reconciled_at = actor.now
        row.reconciled_by = actor.display_name or actor.name
        row.file_name = (result["file"] or "")[:200]
        row.only_here = sum(in_month(c["accepted_on"], month) for c in result["only_here"])
        row.only_platform = sum(in_month(c["accepted_on"], month) for c in result["only_platform"])
        row.mismatched = len({m["case_uuid"] for m in result["mismatched"]})
        row.matched = result["matched"] + result["linked"]
        session.add(row)
    session.flush()


@writes
def link_proposals(session: Session, actor: Actor, pairs: Iterable[tuple[str, str]]) -> int:
    """Link the proposals the user accepted, (case uuid, platform code) each: one transaction, each
    link an audited new version of its case; a code taken meanwhile refuses the whole."""
    actor.require(Perm.EDIT_CASES)
    done = 0
    for case_uuid, code in pairs:
        platform_codes.set_code(session, actor, case_uuid, code, how="（平台对账关联）")
        done += 1
    if done:
        audit.record(session, actor, "platform.link", "case", "", summary=f"平台对账：确认关联 {done} 件案件的平台编号")
    return done


def result_workbook(session: Session, result: dict[str, Any]) -> bytes:
    info = node.node_info(session)
    return layouts.result_workbook(
        result,
        title=f"{info.org_name}省平台对账结果",
        lines=[
            f"平台导出文件：{result.get('file') or '—'}",
            f"对账期间：{_period_label(_date(result.get('from')), _date(result.get('to')))}"
            f"（无平台编号的案件按当事人和受理日期 ±{result.get('tolerance_days', 3)} 天建议关联）",
        ],
    )


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


# ---------------------------------------------------------------- the entry list and the home page


@writes  # the export of personal data is audited, masked or not
def entry_list(
    session: Session,
    actor: Actor,
    *,
    reveal: bool = False,
    layout: layouts.Layout | None = None,
    templates: Path | None = None,
    generated_at: Any = None,
) -> bytes:
    """平台录入清单: this office's live cases without a platform code, in the platform's field order.
    Full ID numbers (what the platform asks for) only with ``reveal``, audited as any reveal."""
    layout = _load_layout(layout, templates)
    rows = case_ledger_service.ledger_rows(session, actor, case_ledger_service.LedgerScope(), reveal=reveal)
    own = set(session.scalars(select(MediationCase.uuid).where(*_own_live(session), _no_code())))
    todo = [r for r in rows if r["uuid"] in own]
    audit.record(
        session,
        actor,
        "party.reveal" if reveal else "platform.export",
        "case",
        "",
        summary=f"导出平台录入清单（{len(todo)} 件" + ("，含完整证件号码）" if reveal else "，证件号码已遮蔽）"),
    )
    info = node.node_info(session)
    return layouts.entry_workbook(
        todo,
        layout,
        org_name=info.org_name,
        generated_at=generated_at or case_ledger_service.local_now(actor),
        generated_by=actor.display_name or actor.name,
        masked=not reveal,
    )


def _no_code() -> Any:
    return or_(MediationCase.platform_code.is_(None), MediationCase.platform_code == "")


def home_items(session: Session, actor: Actor, today: date) -> list[Any]:
    """The home page's to-do lines (services/home.DueItem): this month's cases still to enter in
    the platform, opening the first of them, and last month when it was never reconciled."""
    from xihu_desk.services import home

    status = month_status(session, actor, today)
    items = []
    if status.missing:
        first = session.scalar(
            select(MediationCase.uuid)
            .where(*_own_live(session), _no_code(), MediationCase.accepted_on >= today.replace(day=1))
            .order_by(MediationCase.accepted_on, MediationCase.seq)
            .limit(1)
        )
        items.append(
            home.DueItem(
                today.isoformat(),
                f"本月受理的 {status.missing} 件案件尚未登记平台案件编号（录入省平台后填写，或在“统计报表 → 平台对账”中关联）",
                home.CASES,
                first or "",
            )
        )
    if status.previous:
        items.append(
            home.DueItem(
                today.replace(day=1).isoformat(),
                f"{status.previous[:4]}年{int(status.previous[5:])}月尚未与省平台对账（统计报表 → 平台对账）",
                "",
            )
        )
    return items


@dataclass(frozen=True)
class MonthStatus:
    month: str  # 2026-12
    missing: int  # cases of the month here without a platform code
    reconciled_at: Any  # when the month was last reconciled, or None
    previous: str  # last month, when it was never reconciled ("" otherwise)


@reads
def month_status(session: Session, actor: Actor, today: date) -> MonthStatus:
    """What the home page says: this month's cases not yet entered, and last month if unreconciled."""
    actor.require(Perm.VIEW_CASES)
    first = today.replace(day=1)
    missing = session.scalar(
        select(func.count())
        .select_from(MediationCase)
        .where(*_own_live(session), _no_code(), MediationCase.accepted_on >= first, MediationCase.accepted_on <= today)
    )
    month = f"{today:%Y-%m}"
    done = session.get(PlatformMonth, month)
    last = first - timedelta(days=1)
    previous = f"{last:%Y-%m}"
    had_cases = session.scalar(
        select(func.count())
        .select_from(MediationCase)
        .where(*_own_live(session), MediationCase.accepted_on >= last.replace(day=1), MediationCase.accepted_on <= last)
    )
    return MonthStatus(
        month,
        int(missing or 0),
        done.reconciled_at if done else None,
        previous if had_cases and session.get(PlatformMonth, previous) is None else "",
    )
