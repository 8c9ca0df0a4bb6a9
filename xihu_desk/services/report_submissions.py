"""报出: submitting a period's 人民调解工作统计表, and what a submission means afterwards.

Submitting keeps a snapshot (store/report_models.py): the figures, the layout and each case's
contribution, with who submitted it and when. The submitted workbook is rebuilt from the snapshot
byte for byte whatever changed since. A later change to a case of a submitted period leaves the
snapshot as it was; the next report's 更正 sheet lists it case by case (the figure before and now),
and once a submitted report has carried that line it is not repeated. Submissions travel upward in
bundles, so the district's workbook lists which units submitted which period (报出情况).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.levels import Level
from xihu_desk.domain.roles import Perm
from xihu_desk.reports import mediation_stats as report
from xihu_desk.reports.mediation_stats import Correction, MediationStats, Signature, Submission
from xihu_desk.services import audit, mediation_stats, node
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_new
from xihu_desk.services.units import reads, writes
from xihu_desk.store.report_models import ReportSubmission

KIND = "mediation"
LOOK_BACK_DAYS = 400  # 更正 lines cover the periods submitted in the 13 months before a report


@dataclass(frozen=True)
class Submitted:
    uuid: str
    workbook: bytes
    stats: MediationStats
    times: int  # how many times this period has now been submitted (1: the first)


def period_label(first: date, last: date) -> str:
    if first.day == 1 and last == _month_end(first):
        return f"{first.year}年{first.month}月"
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return f"{first.year}年"
    return f"{first:%Y-%m-%d}至{last:%Y-%m-%d}"


def _month_end(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1)


def _dump(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _own(session: Session) -> list[ReportSubmission]:
    me = node.node_info(session).node_id
    return list(
        session.scalars(
            select(ReportSubmission)
            .where(
                ReportSubmission.owner_node == me, ReportSubmission.kind == KIND, ReportSubmission.deleted.is_(False)
            )
            .order_by(ReportSubmission.submitted_at, ReportSubmission.uuid)
        )
    )


def _corrections(
    session: Session, q: mediation_stats.StatsQuery
) -> tuple[list[Correction], dict[str, dict[str, list[Any]]]]:
    """The changes to this unit's periods submitted before ``q`` starts, case by case, since each was
    submitted (or since a later submitted report last listed them); and, per submission, the cases
    as they are now (what a submission of this report then records as already listed)."""
    own = _own(session)
    latest: dict[tuple[date, date], ReportSubmission] = {}
    for s in own:
        if s.date_to < q.date_from and (q.date_from - s.date_to).days <= LOOK_BACK_DAYS:
            latest[(s.date_from, s.date_to)] = s  # ordered by time: the last submission of a period wins
    lines: list[Correction] = []
    now_of: dict[str, dict[str, list[Any]]] = {}
    order = {m: i for i, m in enumerate(report.METRICS)}
    for (first, last), base in sorted(latest.items()):
        before: dict[str, list[Any]] = dict(json.loads(base.snapshot)["cases"])
        for later in own:
            if later.submitted_at > base.submitted_at:
                before.update(json.loads(later.snapshot).get("corrected", {}).get(base.uuid, {}))
        now = {
            u: [c["case_no"], c["figures"]]
            for u, c in mediation_stats.case_figures(session, mediation_stats.StatsQuery(first, last)).items()
        }
        changed: dict[str, list[Any]] = {}
        label, on = period_label(first, last), clock.local_date(base.submitted_at)
        for uuid in sorted(set(before) | set(now), key=lambda u: ((before.get(u) or now[u])[0], u)):
            was = before.get(uuid, ["", {}])
            is_ = now.get(uuid, [was[0], {}])
            if was[1] == is_[1]:
                continue
            changed[uuid] = is_
            for metric in sorted(set(was[1]) | set(is_[1]), key=lambda m: order.get(m, 99)):
                a, b = int(was[1].get(metric, 0)), int(is_[1].get(metric, 0))
                if a != b:
                    lines.append(Correction(label, on, is_[0] or was[0], metric, a, b))
        if changed:
            now_of[base.uuid] = changed
    return lines, now_of


def _submissions(session: Session, q: mediation_stats.StatsQuery, level: str) -> list[Submission] | None:
    """Every unit's submissions (this node's and those that came up in bundles) overlapping ``q``."""
    rows = list(
        session.scalars(
            select(ReportSubmission)
            .where(
                ReportSubmission.kind == KIND,
                ReportSubmission.deleted.is_(False),
                ReportSubmission.date_from <= q.date_to,
                ReportSubmission.date_to >= q.date_from,
            )
            .order_by(ReportSubmission.org_code, ReportSubmission.date_from, ReportSubmission.submitted_at)
        )
    )
    if not rows and level != Level.DISTRICT:
        return None
    return [
        Submission(
            r.org_name,
            r.org_code,
            r.date_from,
            r.date_to,
            clock.to_local(r.submitted_at),
            r.submitted_by,
            r.accepted,
            r.succeeded,
            r.bundles,
        )
        for r in rows
    ]


def attach(session: Session, q: mediation_stats.StatsQuery, stats: MediationStats) -> dict[str, Any]:
    """Put the 更正 lines and the 报出情况 into a whole-scope report; returns what a submission keeps
    of the corrections (``_corrections``)."""
    lines, now_of = _corrections(session, q)
    stats.corrections = lines
    stats.submissions = _submissions(session, q, node.node_info(session).level)
    return now_of


def _bundles_text(stats: MediationStats) -> str:
    return stats.cover.source_line().removeprefix("数据来源：")


@writes
def submit(
    session: Session,
    actor: Actor,
    q: mediation_stats.StatsQuery,
    layout: dict[str, Any] | None = None,
    *,
    responsible: str = "",
    preparer: str = "",
) -> Submitted:
    """报出 the period: keep the snapshot and return the workbook as submitted."""
    actor.require(Perm.REPORTS)
    actor.require(Perm.EXCHANGE)  # the office head or the district, who hand reports on
    if not q.whole:
        raise UserError("报出的统计表须包括本单位全部调委会，请不要选择某一街道或调委会。")
    if q.date_to >= actor.today:
        raise UserError(f"统计期间尚未结束（截至 {q.date_to:%Y-%m-%d}），期满后才能报出。")
    layout = layout or report.load_layout()
    stats = mediation_stats.compute(session, actor, q, layout)
    now_of = attach(session, q, stats)
    stats.signature = Signature(
        responsible=responsible.strip()[:40],
        preparer=(preparer.strip() or actor.display_name or actor.name)[:40],
        submitted_on=actor.today,
    )
    doc = report.to_doc(stats)
    fixed_at = clock.to_local(actor.now).replace(microsecond=0)
    # What is handed over is built from the snapshot itself, as every later copy will be.
    data = report.workbook(report.from_doc(doc), layout, fixed_at=fixed_at)
    cases = {u: [c["case_no"], c["figures"]] for u, c in mediation_stats.case_figures(session, q).items()}
    snapshot = {
        "stats": doc,
        "layout": layout,
        "fixed_at": fixed_at.isoformat(),
        "cases": cases,
        "corrected": now_of,
        # The file itself too: a later version of the program may lay the same figures out differently.
        "workbook": base64.b64encode(data).decode("ascii"),
    }
    info = node.node_info(session)
    total = stats.total
    row = ReportSubmission(
        uuid="",
        kind=KIND,
        org_code=info.org_code,
        org_name=info.org_name,
        date_from=q.date_from,
        date_to=q.date_to,
        submitted_at=actor.now,
        submitted_by=stats.cover.made_by[:80],
        responsible=stats.signature.responsible,
        preparer=stats.signature.preparer,
        accepted=total["accepted"],
        succeeded=total["succeeded"],
        bundles=_bundles_text(stats),
        snapshot=_dump(snapshot),
        workbook_sha256=hashlib.sha256(data).hexdigest(),
    )
    stamp_new(session, actor, row)
    session.add(row)
    times = 1 + sum(1 for s in _own(session) if (s.date_from, s.date_to) == (q.date_from, q.date_to) and s is not row)
    audit.record(
        session,
        actor,
        "report.submit",
        "report_submission",
        row.uuid,
        summary=f"报出人民调解工作统计表 {period_label(q.date_from, q.date_to)}（受理 {total['accepted']} 件，"
        f"调解成功 {total['succeeded']} 件，更正 {len(stats.corrections or [])} 处）",
    )
    return Submitted(row.uuid, data, stats, times)


@writes
def submit_from(session: Session, actor: Actor, q: mediation_stats.StatsQuery, templates: Path) -> Submitted:
    """``submit`` with the layout in ``templates`` if the office keeps one there (else the shipped one)."""
    try:
        layout = report.load_layout(templates)
    except report.LayoutError as exc:
        raise UserError(str(exc)) from None
    return submit(session, actor, q, layout)


def regenerate(row: ReportSubmission) -> bytes:
    """The workbook made again from the snapshot's figures and layout, with the file times it was
    submitted with: the same bytes as long as the program lays workbooks out as it did then."""
    snap = json.loads(row.snapshot)
    return report.workbook(
        report.from_doc(snap["stats"]), snap["layout"], fixed_at=datetime.fromisoformat(snap["fixed_at"])
    )


def rebuild(row: ReportSubmission) -> bytes:
    """The workbook exactly as submitted: the file kept in the snapshot (or, for a snapshot without
    it, made again), checked against the digest taken when it was submitted."""
    snap = json.loads(row.snapshot)
    data = base64.b64decode(snap["workbook"]) if "workbook" in snap else regenerate(row)
    if hashlib.sha256(data).hexdigest() != row.workbook_sha256:
        raise UserError("报出时保存的统计表已损坏，与当时报出的文件不一致，请与技术支持联系。")
    return data


@reads
def submitted_workbook(session: Session, actor: Actor, date_from: date, date_to: date) -> tuple[bytes, Submission]:
    """The latest submitted workbook of this unit for exactly this period."""
    actor.require(Perm.REPORTS)
    rows = [s for s in _own(session) if (s.date_from, s.date_to) == (date_from, date_to)]
    if not rows:
        raise UserError(f"本单位没有报出过 {date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d} 的统计表。")
    r = rows[-1]
    return rebuild(r), Submission(
        r.org_name,
        r.org_code,
        r.date_from,
        r.date_to,
        clock.to_local(r.submitted_at),
        r.submitted_by,
        r.accepted,
        r.succeeded,
        r.bundles,
    )


@reads
def list_submissions(session: Session, actor: Actor) -> list[Submission]:
    """Every submission held here, this unit's and those of the units below, newest first."""
    actor.require(Perm.REPORTS)
    rows = session.scalars(
        select(ReportSubmission)
        .where(ReportSubmission.kind == KIND, ReportSubmission.deleted.is_(False))
        .order_by(ReportSubmission.submitted_at.desc())
    )
    return [
        Submission(
            r.org_name,
            r.org_code,
            r.date_from,
            r.date_to,
            clock.to_local(r.submitted_at),
            r.submitted_by,
            r.accepted,
            r.succeeded,
            r.bundles,
        )
        for r in rows
    ]
