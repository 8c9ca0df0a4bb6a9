"""The assessment after an application (domain.md §4.3): committee check → township pre-check →
district decision → 公示 → grade, each step recorded with who and when; and a grade recorded
without an application (one decided before this program, or withdrawn after discipline)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import grading
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.grading import Evidence
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, mediators
from xihu_desk.services.context import Actor
from xihu_desk.services.grading.applications import ApplicationRow, add_step, application_row, load_application
from xihu_desk.services.grading.rulesets import get_rules
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.mediator_models import GradingApplication, GradingStep, MediatorGrade
from xihu_desk.store.models import Committee


@dataclass(frozen=True)
class StepCommand:
    step: str  # committee, township, district, notice, withdraw
    passed: bool
    on: date
    opinion: str = ""
    document_no: str = ""  # 批复文号 of the district's decision
    level: str = ""  # district: the level granted (the one applied for, or a lower one)
    notice_from: date | None = None  # district: 公示 starts (default: the day after the decision)


def _set_grade(
    session: Session,
    actor: Actor,
    m: Mediator,
    grade: str,
    rule_set: str,
    level: str,
    on: date,
    reason: str,
    application_uuid: str | None,
) -> None:
    previous = m.grade
    m.grade, m.grade_rule_set, m.grade_level, m.graded_on = grade, rule_set, level, on
    stamp_changed(actor, m)
    row = MediatorGrade(
        uuid="",
        mediator_uuid=m.uuid,
        grade=grade,
        previous=previous,
        rule_set_code=rule_set,
        level_code=level,
        effective_on=on,
        application_uuid=application_uuid,
        reason=reason[:200],
        actor=actor.name,
        at=actor.now,
    )
    stamp_new(session, actor, row)
    session.add(row)
    audit.record(
        session,
        actor,
        "mediator.grade",
        "mediator",
        m.uuid,
        summary=f"调解员 {m.name} 等级：{previous or grading.NO_GRADE} → {grade or grading.NO_GRADE}（{reason}）",
        before={"grade": previous},
        after={"grade": grade, "rule_set": rule_set, "effective_on": on},
    )


def set_grade(
    session: Session, actor: Actor, mediator_uuid: str, rule_set: str, level: str, on: date, reason: str
) -> None:
    """A grade recorded without an application here: one decided before the office used this
    program (名册导入), or a grade withdrawn (``level`` "") after discipline. Kept as history."""
    m = mediators.get(session, mediator_uuid)
    mediators.check_editable(session, actor, m)
    if not reason.strip():
        raise FieldError("reason", "请写明等级变更的依据（如评定文件文号、撤销理由）。")
    name = ""
    if level:
        rules = get_rules(session, rule_set)
        name = rules.level(level).name
    if on > actor.today:
        raise FieldError("on", "生效日期不能晚于今天。")
    _set_grade(session, actor, m, name, rule_set if level else "", level, on, reason.strip(), None)


def _check_order(app: GradingApplication, steps: list[GradingStep], on: date) -> None:
    last = max((s.on for s in steps), default=app.applied_on)
    if on < last:
        raise FieldError("on", f"日期不能早于上一步骤的日期（{last}）。")


def record_step(session: Session, actor: Actor, app_uuid: str, cmd: StepCommand) -> ApplicationRow:
    """One step of the assessment, recorded with who and when. A failed check returns the
    application; the district grants only a level whose every threshold the snapshot meets."""
    actor.require(Perm.MANAGE_MEDIATORS)
    app = load_application(session, app_uuid)
    m = mediators.get(session, app.mediator_uuid)
    status_label = grading.APPLICATION_STATUS.get(app.status, app.status)
    steps = list(
        session.scalars(
            select(GradingStep).where(GradingStep.application_uuid == app.uuid, GradingStep.deleted.is_(False))
        )
    )
    opinion = cmd.opinion.strip()
    if cmd.on > actor.today:
        raise FieldError("on", "日期不能晚于今天。")
    if cmd.step == "withdraw":
        if app.status not in grading.OPEN_STATUSES:
            raise UserError(f"该申请{status_label}，不能撤回。")
        _check_order(app, steps, cmd.on)
        app.status, app.closed_on = "withdrawn", cmd.on
        add_step(session, actor, app, "withdraw", False, cmd.on, opinion)
        stamp_changed(actor, app)
        audit.record(
            session,
            actor,
            "grading.step",
            "grading_application",
            app.uuid,
            summary=f"{m.name} 的{app.level_name}评定申请已撤回",
        )
        return application_row(app, m.name, session.get_one(Committee, app.committee_uuid).name)
    step = grading.STEPS.get(cmd.step)
    if step is None:
        raise UserError(f"未知的评定步骤“{cmd.step}”。")
    if app.status != step.needs:
        following = grading.next_step(app.status)
        expected = grading.STEP_LABELS[following] if following else "无"
        raise UserError(
            f"该申请目前{status_label}，不能进行“{grading.STEP_LABELS[cmd.step]}”（下一步应为：{expected}）。"
        )
    _check_order(app, steps, cmd.on)
    if not cmd.passed and not opinion:
        raise FieldError("opinion", "不通过（或异议成立）时，请写明理由。")
    rules = grading.parse_rule_set(json.loads(app.rules))
    summary = ""
    if cmd.step == "district" and cmd.passed:
        level = rules.level(cmd.level or app.level_code)
        if rules.rank(level.code) < rules.rank(app.level_code):
            raise FieldError("level", f"评定的等级不能高于申请的等级（{app.level_name}）。")
        result = grading.evaluate(rules, level.code, Evidence.from_json(json.loads(app.evidence)))
        if not result.passed:
            raise FieldError(
                "level",
                f"按“{rules.name}”，申请材料未达到{level.name}的以下条件，不能评定为该等级：\n"
                + "\n".join(f"· {t}" for t in result.missed_text()),
            )
        start = cmd.notice_from or cmd.on + timedelta(days=1)
        if start < cmd.on:
            raise FieldError("notice_from", "公示不能早于评定日期开始。")
        app.granted_level, app.granted_name = level.code, level.name
        app.notice_from, app.notice_to = start, start + timedelta(days=rules.notice_days - 1)
        app.decision_no = cmd.document_no.strip()[:60]
        summary = f"区司法局评定{m.name}为{level.name}，公示 {app.notice_from} 至 {app.notice_to}"
    elif cmd.step == "notice":
        if app.notice_to is not None and cmd.on < app.notice_to:
            raise FieldError("on", f"公示期至 {app.notice_to}，期满后才能确认评定结果。")
        if cmd.passed:
            summary = f"{m.name} 公示期满无异议，等级确定为{app.granted_name}"
        else:
            summary = f"{m.name} 公示期间异议成立，不予评定"
    else:
        word = "通过" if cmd.passed else "不通过，申请退回"
        summary = f"{m.name} 的{app.level_name}评定申请 {grading.STEP_LABELS[cmd.step]}{word}"
    app.status = step.passed if cmd.passed else step.failed
    if app.status in ("granted", "not_granted", "returned"):
        app.closed_on = cmd.on
    if not cmd.passed and cmd.step == "district":
        app.decision_no = cmd.document_no.strip()[:60]
    add_step(session, actor, app, cmd.step, cmd.passed, cmd.on, opinion, cmd.document_no.strip()[:60])
    stamp_changed(actor, app)
    audit.record(session, actor, "grading.step", "grading_application", app.uuid, summary=summary)
    if cmd.step == "notice" and cmd.passed:
        reason = f"{rules.name}评定" + (f"（{app.decision_no}）" if app.decision_no else "") + "，公示期满"
        _set_grade(session, actor, m, app.granted_name, app.rule_set_code, app.granted_level, cmd.on, reason, app.uuid)
    session.flush()
    return application_row(app, m.name, session.get_one(Committee, app.committee_uuid).name)
