"""The roster to and from Excel, and the grading results workbook.

Import reads an office's own 调解员名册 through reports/ledger.py (headers found by synonym, dates
and choices as people type them, every row accounted for): each row goes through
``mediators.create_mediator`` in its own savepoint, so every rule applies and a refused row leaves
nothing behind. A row is a duplicate when the roster (or an earlier row of the file) already has
the same ID number, or the same name in the same committee. A grade in the file is recorded as
history (``grading.set_grade``) with the reason 导入原有名册.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain import grading as rules_domain
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.reports import ledger, mediator_ledger
from xihu_desk.services import audit, committees, grading, import_rows, mediators, node
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes, writes_if
from xihu_desk.store import moved_out
from xihu_desk.store.case_models import CaseMediator, MediationCase, Mediator
from xihu_desk.store.mediator_models import MediatorTraining

KIND = "mediators"
FIELD_COLUMN = {
    "committee_uuid": "committee",
    "name": "name",
    "gender": "gender",
    "id_number": "id_number",
    "phone": "phone",
    "employment_type": "employment_type",
    "education": "education",
    "political_status": "political_status",
    "legal_qualification": "legal_qualification",
    "source": "source",
    "appointed_on": "appointed_on",
    "appointment_end": "appointment_end",
    "registered_on": "registered_on",
    "registration_no": "registration_no",
    "status": "status",
}


def _local(actor: Actor) -> datetime:
    return clock.to_local(actor.now)


def _committee_index(session: Session) -> dict[str, str]:
    index: dict[str, str] = {}
    for c in committees.list_committees(session):
        for name in (c.name, c.short_name, c.name.removesuffix("人民调解委员会"), c.name.removesuffix("调解委员会")):
            if name:
                index.setdefault(ledger.normalise(name), c.uuid)
    return index


def _find_grade(session: Session, grade: str, scheme: str) -> tuple[str, str, str] | None:
    """(rule set code, level code, note) for a grade's name as written; None when no set has it."""
    sets = grading.rule_sets(session)
    wanted = ledger.normalise(scheme)
    if wanted:
        sets = [
            r
            for r in sets
            if wanted in (ledger.normalise(r.code), ledger.normalise(r.name)) or wanted in ledger.normalise(r.name)
        ] or sets
    found = [(r, lv) for r in sets for lv in r.rules.levels if ledger.normalise(lv.name) == ledger.normalise(grade)]
    if not found:
        return None
    if len(found) > 1:
        chosen = next(((r, lv) for r, lv in found if r.code == rules_domain.DEFAULT_RULE_SET), found[0])
        return (
            chosen[0].code,
            chosen[1].code,
            f"等级“{grade}”在多套评定标准中都有，按“{chosen[0].name}”记录；可在“评定标准”列写明",
        )
    return found[0][0].code, found[0][1].code, ""


def _apply(session: Session, actor: Actor, row: ledger.LedgerRow, committee_uuid: str, today: date) -> str:
    v = row.values
    number = v.get("id_number") or ""
    if "*" in number:
        row.warn("id_number", "身份证号已遮盖（导出的名册），此项未导入")
        number = ""
    status = v.get("status") or "serving"
    created = mediators.create_mediator(
        session,
        actor,
        mediators.MediatorCommand(
            name=v["name"],
            committee_uuid=committee_uuid,
            gender=v.get("gender") or "",
            phone=v.get("phone") or "",
            id_number=number,
            employment_type=v.get("employment_type") or "part_time",
            appointed_on=v.get("appointed_on"),
            education=v.get("education") or "",
            political_status=v.get("political_status") or "",
            legal_qualification=v.get("legal_qualification") or "",
            source=v.get("source") or "",
            appointment_end=v.get("appointment_end"),
            registered_on=v.get("registered_on"),
            registration_no=v.get("registration_no") or "",
            status=status,
            note=v.get("note") or "",
        ),
    )
    grade = (v.get("grade") or "").strip()
    if grade and grade not in (rules_domain.NO_GRADE, "无", "未评定"):
        found = _find_grade(session, grade, v.get("rule_set") or "")
        if found is None:
            row.warn("grade", f"等级“{grade}”不在评定标准中，此项未导入")
        else:
            code, level, note = found
            if note:
                row.warn("grade", note)
            on = min(v.get("registered_on") or v.get("appointed_on") or today, today)
            grading.set_grade(session, actor, created.uuid, code, level, on, "导入原有名册")
    return created.uuid


@writes
def import_roster(
    session: Session,
    actor: Actor,
    source: Path | str | bytes | IO[bytes],
    *,
    dry_run: bool = False,
    progress: Any = None,
) -> ledger.ImportReport:
    """Read the workbook and add its mediators. ``progress`` (optional) has ``step(done, stage, total)``
    and may raise to cancel (the caller's unit of work then rolls back whole)."""
    actor.require(Perm.MANAGE_MEDIATORS)
    step: Callable[..., Any] = progress.step if progress is not None else (lambda *a, **k: None)
    step(0, "正在读取 Excel 文件…", 0)
    try:
        book = ledger.read(source, mediator_ledger.roster_columns())
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
    index = _committee_index(session)
    # ID numbers (strings) and (name, committee) pairs share one set: either one makes a duplicate.
    seen: set[Any] = {
        n
        for n in session.scalars(
            select(Mediator.id_number).where(Mediator.deleted.is_(False), Mediator.id_number != "")
        )
    }
    seen |= {
        (ledger.normalise(n), c)
        for n, c in session.execute(select(Mediator.name, Mediator.committee_uuid).where(Mediator.deleted.is_(False)))
    }
    today = actor.today
    savepoint = session.begin_nested() if dry_run else None

    def plan(row: ledger.LedgerRow) -> import_rows.Plan | None:
        committee_uuid = index.get(ledger.normalise(row.values["committee"]))
        if committee_uuid is None:
            row.refuse(
                "committee",
                f"调委会“{row.values['committee']}”不在本单位的调委会名单中，请先在系统设置中添加或改写为全称",
            )
            return None
        number = (row.values.get("id_number") or "").strip().upper()
        keys = ((number,) if number and "*" not in number else ()) + (
            (ledger.normalise(row.values["name"]), committee_uuid),
        )
        return import_rows.Plan(keys, {"name": row.values["name"]}, committee_uuid)

    import_rows.take_rows(
        session,
        book,
        report,
        seen=seen,
        plan=plan,
        field_column=FIELD_COLUMN,
        step=step,
        apply=lambda row, chosen: _apply(session, actor, row, chosen.context, today),
    )
    if savepoint is not None:
        savepoint.rollback()
    elif report.imported:
        audit.record(
            session,
            actor,
            "mediator.import",
            "mediator",
            "",
            summary=(
                f"导入调解员名册：{report.rows} 行，导入 {report.imported} 行，重复 {report.duplicates} 行，"
                f"未导入 {report.refused} 行"
            ),
        )
    return report


def roster_rows(
    session: Session, actor: Actor, f: mediators.RosterFilter | None = None, *, reveal: bool = False
) -> list[dict[str, Any]]:
    """The roster as ledger rows (ID numbers masked unless ``reveal``), with this year's training and the cases."""
    rows = mediators.roster(session, actor, f or mediators.RosterFilter(status=""))
    year_start = date(actor.now.year, 1, 1)
    hours = dict(
        session.execute(
            select(MediatorTraining.mediator_uuid, func.sum(MediatorTraining.tenth_hours))
            .where(MediatorTraining.deleted.is_(False), MediatorTraining.held_on >= year_start)
            .group_by(MediatorTraining.mediator_uuid)
        ).all()
    )
    counts = dict(
        session.execute(
            select(CaseMediator.mediator_uuid, func.count())
            .join(MediationCase, MediationCase.uuid == CaseMediator.case_uuid)
            .where(MediationCase.deleted.is_(False), MediationCase.status != "void")
            .where(moved_out.counted(MediationCase.uuid))  # 移送: counted where the case is closed
            .group_by(CaseMediator.mediator_uuid)
        ).all()
    )
    out = []
    for r in rows:
        m = session.get_one(Mediator, r.uuid)
        scheme = ""
        if m.grade_rule_set:
            scheme = next((s.name for s in grading.rule_sets(session) if s.code == m.grade_rule_set), m.grade_rule_set)
        out.append(
            {
                "name": m.name,
                "committee": r.committee,
                "gender": m.gender,
                "id_number": m.id_number if reveal else r.id_number,
                "phone": m.phone,
                "employment_type": rules_domain.EMPLOYMENT.get(m.employment_type, ""),
                "education": rules_domain.EDUCATION.get(m.education, "") if m.education else "",
                "political_status": rules_domain.POLITICAL.get(m.political_status, "") if m.political_status else "",
                "legal_qualification": rules_domain.LEGAL_QUALIFICATION.get(m.legal_qualification, "")
                if m.legal_qualification
                else "",
                "source": rules_domain.SOURCE.get(m.source, "") if m.source else "",
                "appointed_on": m.appointed_on,
                "appointment_end": m.appointment_end,
                "registered_on": m.registered_on,
                "registration_no": m.registration_no,
                "grade": m.grade or rules_domain.NO_GRADE,
                "rule_set": scheme,
                "status": rules_domain.STATUS.get(m.status, m.status),
                "note": m.note,
                "training_hours": float(Decimal(hours.get(m.uuid, 0)) / 10),
                "cases": counts.get(m.uuid, 0),
            }
        )
    return out


@writes_if("reveal")
def export_roster(
    session: Session, actor: Actor, f: mediators.RosterFilter | None = None, *, reveal: bool = False
) -> bytes:
    """The roster as Excel; full ID numbers only with ``reveal`` (a role that may see them; audited)."""
    if reveal and not actor.can(Perm.MANAGE_MEDIATORS):
        actor.require(Perm.REVEAL_ID)
    rows = roster_rows(session, actor, f, reveal=reveal)
    info = node.node_info(session)
    if reveal:
        audit.record(
            session,
            actor,
            "mediator.reveal",
            "mediator",
            "",
            summary=f"导出调解员名册（{len(rows)} 人，含完整身份证号）",
        )
    return mediator_ledger.export_roster(rows, org_name=info.org_name, generated_at=_local(actor), reveal=reveal)


@reads
def results_workbook(session: Session, actor: Actor, date_from: date, date_to: date) -> bytes:
    """人民调解员等级评定结果 of the applications made in a period (``report mediators``)."""
    if date_to < date_from:
        raise UserError("统计期间的结束日期不能早于开始日期。")
    results, steps = [], []
    for d in grading.results(session, actor, date_from, date_to):
        ev, evaluation = d["evidence"], d["evaluation"]
        results.append(
            {
                "mediator": d["mediator"],
                "committee": d["committee"],
                "employment": d["employment_label"],
                "rule_set": d["rule_set_name"],
                "level": d["level_name"],
                "applied_on": d["applied_on"],
                "window": f"{ev.date_from} 至 {ev.date_to}",
                "years": float(ev.years_of_service),
                "cases_total": ev.cases_total,
                "succeeded": ev.cases_succeeded,
                "success_rate": rules_domain.shown("success_rate", ev.success_rate),
                "oral_share": rules_domain.shown("oral_share", ev.oral_share),
                "difficult": ev.difficult_cases,
                "training": float(ev.training_hours),
                "missed": "；".join(evaluation.missed_text()) or "无",
                "status": d["status_label"],
                "granted": d["granted_name"],
                "notice": f"{d['notice_from']} 至 {d['notice_to']}" if d["notice_from"] else "",
                "decision_no": d["decision_no"],
            }
        )
        for s in d["steps"]:
            steps.append(
                {
                    "mediator": d["mediator"],
                    "level": d["level_name"],
                    "step": s["label"],
                    "result": "提交"
                    if s["step"] == "apply"
                    else "撤回"
                    if s["step"] == "withdraw"
                    else "通过"
                    if s["passed"]
                    else "不通过",
                    "on": s["on"],
                    "actor": s["actor_name"] or s["actor"],
                    "at": clock.to_local(s["at"]).strftime("%Y-%m-%d %H:%M"),
                    "opinion": s["opinion"],
                    "document_no": s["document_no"],
                }
            )
    grades = [
        {
            "name": r.name,
            "committee": r.committee,
            "employment": r.employment_label,
            "grade": r.grade_label,
            "graded_on": session.get_one(Mediator, r.uuid).graded_on,
        }
        for r in mediators.roster(session, actor, mediators.RosterFilter())
    ]
    info = node.node_info(session)
    return mediator_ledger.results_workbook(
        results, steps, grades, org_name=info.org_name, date_from=date_from, date_to=date_to, generated_at=_local(actor)
    )
