"""人民调解员等级评定: the evidence counted from the cases and the roster's logs, the rule sets, and
the assessment (application → committee check → township pre-check → district decision → 公示 →
grade), domain.md §4.

The evidence is SQL aggregates over the case tables for one mediator and one window: a case counts
when this mediator is assigned to it and it was accepted (受理) in the window; follow-up visits,
training, awards, complaints, discipline and escalations count by their own dates in the window;
years of service run over every appointment period up to the window's end. An application keeps
the evidence and the rule set as they were when it was made, and the decision is checked against
that snapshot, so later edits to cases or rules do not change what was decided.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock, grading
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied, UserError
from xihu_desk.domain.grading import Evidence, LevelResult, RuleSet
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, mediators
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.store.case_models import CaseMediator, Confirmation, FollowUp, MediationCase, Mediator
from xihu_desk.store.mediator_models import (
    GradingApplication,
    GradingRuleSet,
    GradingStep,
    MediatorAppointment,
    MediatorEvent,
    MediatorGrade,
    MediatorTraining,
)
from xihu_desk.store.models import Committee, Node

# ---------------------------------------------------------------- evidence


def service_periods(session: Session, m: Mediator, until: date) -> list[tuple[date, date]]:
    """Every appointment period (the roster's current one and the logged ones), cut at ``until``."""
    periods = []
    rows = session.execute(select(MediatorAppointment.start_on, MediatorAppointment.end_on).where(
        MediatorAppointment.mediator_uuid == m.uuid, MediatorAppointment.deleted.is_(False))).all()
    for start, end in [*rows, (m.appointed_on, m.appointment_end)]:
        if start is None or start > until:
            continue
        periods.append((start, min(end or until, until)))
    return periods


def evidence(session: Session, actor: Actor, mediator_uuid: str, date_from: date, date_to: date) -> Evidence:
    """The grading evidence of one mediator for the window [date_from, date_to] (both included)."""
    mediators.require_view(actor)
    if date_to < date_from:
        raise FieldError("window_to", "统计期间的结束日期不能早于开始日期。")
    m = mediators.get(session, mediator_uuid)
    c, cm = MediationCase, CaseMediator
    in_window = and_(cm.mediator_uuid == m.uuid, c.deleted.is_(False), c.accepted_on >= date_from,
                     c.accepted_on <= date_to)
    joined = select().select_from(cm).join(c, c.uuid == cm.case_uuid).where(in_window)

    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    lead, concluded, succeeded, oral, written = session.execute(joined.add_columns(
        count_if(cm.lead.is_(True)),
        count_if(c.outcome.is_not(None)),
        count_if(c.outcome == "succeeded"),
        count_if(and_(c.outcome == "succeeded", c.agreement_form == "oral")),
        count_if(and_(c.outcome == "succeeded", c.agreement_form == "written")),
    )).one()
    per_year = dict(session.execute(joined.add_columns(c.year, func.count()).group_by(c.year)).all())
    by_difficulty = dict(session.execute(joined.add_columns(c.difficulty, func.count()).group_by(c.difficulty)).all())
    confirmed = session.scalar(joined.add_columns(func.count(func.distinct(c.uuid))).join(
        Confirmation, Confirmation.case_uuid == c.uuid).where(
        Confirmation.result == "confirmed", Confirmation.deleted.is_(False))) or 0
    followups = session.scalar(
        select(func.count()).select_from(FollowUp).join(cm, cm.case_uuid == FollowUp.case_uuid)
        .join(c, c.uuid == FollowUp.case_uuid).where(
            cm.mediator_uuid == m.uuid, c.deleted.is_(False), FollowUp.deleted.is_(False),
            FollowUp.visited_on >= date_from, FollowUp.visited_on <= date_to)) or 0
    training_tenths, sessions = session.execute(
        select(func.coalesce(func.sum(MediatorTraining.tenth_hours), 0), func.count()).where(
            MediatorTraining.mediator_uuid == m.uuid, MediatorTraining.deleted.is_(False),
            MediatorTraining.held_on >= date_from, MediatorTraining.held_on <= date_to)).one()
    e = MediatorEvent
    events = session.execute(select(
        count_if(e.kind == "award"), count_if(e.kind == "complaint"),
        count_if(and_(e.kind == "complaint", e.outcome == "upheld")), count_if(e.kind == "discipline"),
        count_if(e.kind == "escalation"),
    ).where(e.mediator_uuid == m.uuid, e.deleted.is_(False), e.occurred_on >= date_from,
            e.occurred_on <= date_to)).one()
    awards, complaints, upheld, discipline, escalations = events
    return grading.tally(
        m.uuid, m.name, m.employment_type, date_from, date_to,
        service_days=grading.merged_days(service_periods(session, m, date_to)), per_year=per_year,
        cases_lead=lead, cases_concluded=concluded, cases_succeeded=succeeded, oral_agreements=oral,
        written_agreements=written, by_difficulty=by_difficulty, confirmed_cases=confirmed, followups=followups,
        training_tenths=training_tenths, training_sessions=sessions, awards=awards, complaints=complaints,
        complaints_upheld=upheld, discipline=discipline, escalations=escalations,
    )


def first_day(session: Session, mediator_uuid: str) -> date | None:
    """Where a whole-career window starts: the first appointment, or the first case."""
    m = mediators.get(session, mediator_uuid)
    starts = [d for d in session.scalars(select(MediatorAppointment.start_on).where(
        MediatorAppointment.mediator_uuid == m.uuid, MediatorAppointment.deleted.is_(False)))]
    if m.appointed_on:
        starts.append(m.appointed_on)
    first_case = session.scalar(select(func.min(MediationCase.accepted_on)).join(
        CaseMediator, CaseMediator.case_uuid == MediationCase.uuid).where(
        CaseMediator.mediator_uuid == m.uuid, MediationCase.deleted.is_(False)))
    if first_case:
        starts.append(first_case)
    return min(starts) if starts else None


def default_window(session: Session, rules: RuleSet, mediator_uuid: str, today: date) -> tuple[date, date]:
    return grading.default_window(rules, first_day(session, mediator_uuid), today)


# ---------------------------------------------------------------- rule sets


@dataclass(frozen=True)
class RuleSetRow:
    code: str
    name: str
    effective_on: date
    edited: bool
    version: int
    rules: RuleSet

    @property
    def has_examples(self) -> bool:
        return self.rules.has_examples()


def _rule_row(r: GradingRuleSet) -> RuleSetRow:
    return RuleSetRow(r.code, r.name, r.effective_on, r.edited, r.version, grading.parse_rule_set(json.loads(r.body)))


def rule_sets(session: Session) -> list[RuleSetRow]:
    rows = session.scalars(select(GradingRuleSet).where(GradingRuleSet.deleted.is_(False),
                                                       GradingRuleSet.retired.is_(False)).order_by(GradingRuleSet.code))
    return [_rule_row(r) for r in rows]


def get_rules(session: Session, code: str) -> RuleSet:
    row = session.scalar(select(GradingRuleSet).where(GradingRuleSet.code == code, GradingRuleSet.deleted.is_(False)))
    if row is None or row.retired:
        raise FieldError("rule_set", f"找不到评定标准“{code}”。")
    return grading.parse_rule_set(json.loads(row.body))


def _node(session: Session) -> Node:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node


def save_rule_set(session: Session, actor: Actor, doc: dict[str, Any]) -> RuleSetRow:
    """The district edits a rule set (thresholds, the 示例 marks, notice days…); it is then kept
    over later reference-data updates and sent down in the next bundle."""
    actor.require(Perm.MANAGE_MEDIATORS)
    node = _node(session)
    if node.level != "district" and not actor.all_rights:
        raise PermissionDenied("评定标准由区司法局统一制定和修改，街道（镇）和社区只能查看。")
    rules = grading.parse_rule_set(doc)
    row = session.scalar(select(GradingRuleSet).where(GradingRuleSet.code == rules.code))
    body = json.dumps(rules.as_json(), ensure_ascii=False)
    before = json.loads(row.body) if row is not None else None
    if row is None:
        from xihu_desk.store.grading_seed import rule_set_uuid

        row = GradingRuleSet(uuid=rule_set_uuid(rules.code), code=rules.code, retired=False)
        stamp_new(session, actor, row)
        session.add(row)
    else:
        if row.body == body and row.name == rules.name:
            return _rule_row(row)
        stamp_changed(actor, row)
        row.owner_node = node.node_id
    row.name, row.effective_on, row.body = rules.name, rules.effective_on, body
    row.edited, row.reference_version, row.retired = True, "", False
    session.flush()
    audit.record(session, actor, "grading.rules", "grading_rule_set", row.uuid, summary=f"修改评定标准“{rules.name}”",
                 before=before, after=rules.as_json())
    return _rule_row(row)


def rule_sets_document(session: Session) -> dict[str, Any]:
    """The rule sets in force, for a downward bundle (the district sends its edits to its offices)."""
    rows = session.scalars(select(GradingRuleSet).where(GradingRuleSet.deleted.is_(False),
                                                       GradingRuleSet.retired.is_(False)).order_by(GradingRuleSet.code))
    return {"kind": "grading_rules", "sets": [
        {"code": r.code, "version": r.version, "owner_node": r.owner_node, "edited": r.edited,
         "body": json.loads(r.body)} for r in rows]}


def take_rule_sets(session: Session, doc: dict[str, Any], updated_at: Any) -> list[str]:
    """Rule sets from the parent's downward bundle: a set the parent edited replaces ours when its
    version is higher (and is then kept over reference-data updates, like an edit made here).
    Returns the codes taken; raises RuleSetError for a set that does not parse."""
    taken = []
    for item in doc.get("sets", []):
        if not item.get("edited"):
            continue  # the shipped sets come with the program's own reference data
        rules = grading.parse_rule_set(item["body"])
        row = session.scalar(select(GradingRuleSet).where(GradingRuleSet.code == rules.code))
        version = int(item["version"])
        if row is not None and row.version >= version:
            continue
        if row is None:
            from xihu_desk.store.grading_seed import rule_set_uuid

            row = GradingRuleSet(uuid=rule_set_uuid(rules.code), code=rules.code, origin_node=item["owner_node"],
                                 deleted=False)
            session.add(row)
        row.name, row.effective_on = rules.name, rules.effective_on
        row.body = json.dumps(rules.as_json(), ensure_ascii=False)
        row.version, row.owner_node, row.updated_at = version, item["owner_node"], updated_at
        row.edited, row.reference_version, row.retired = True, "", False
        taken.append(rules.code)
    session.flush()
    return taken


# ---------------------------------------------------------------- applications


@dataclass(frozen=True)
class ApplyCommand:
    mediator_uuid: str
    rule_set: str
    level: str
    window_from: date
    window_to: date
    applied_on: date
    statement: str = ""


@dataclass(frozen=True)
class StepCommand:
    step: str  # committee, township, district, notice, withdraw
    passed: bool
    on: date
    opinion: str = ""
    document_no: str = ""  # 批复文号 of the district's decision
    level: str = ""  # district: the level granted (the one applied for, or a lower one)
    notice_from: date | None = None  # district: 公示 starts (default: the day after the decision)


@dataclass(frozen=True)
class ApplicationRow:
    uuid: str
    mediator_uuid: str
    mediator: str
    committee: str
    rule_set: str
    level: str
    level_name: str
    applied_on: date
    status: str
    granted_name: str
    passed: bool  # the evidence meets the level applied for
    missed: int
    notice_to: date | None
    version: int

    @property
    def status_label(self) -> str:
        return grading.APPLICATION_STATUS.get(self.status, self.status)

    @property
    def next_step(self) -> str | None:
        return grading.next_step(self.status)


def _app(session: Session, uuid: str) -> GradingApplication:
    app = session.get(GradingApplication, uuid)
    if app is None or app.deleted:
        raise NotFound("找不到该评定申请，可能已被删除。")
    return app


def _row(app: GradingApplication, mediator_name: str, committee: str) -> ApplicationRow:
    evaluation = json.loads(app.evaluation)
    return ApplicationRow(app.uuid, app.mediator_uuid, mediator_name, committee, app.rule_set_code, app.level_code,
                          app.level_name, app.applied_on, app.status, app.granted_name, evaluation["passed"],
                          len(evaluation["missed"]), app.notice_to, app.version)


def list_applications(session: Session, actor: Actor, *, mediator_uuid: str | None = None,
                      open_only: bool = False) -> list[ApplicationRow]:
    mediators.require_view(actor)
    query = (select(GradingApplication, Mediator.name, Committee.name)
             .join(Mediator, Mediator.uuid == GradingApplication.mediator_uuid)
             .join(Committee, Committee.uuid == GradingApplication.committee_uuid)
             .where(GradingApplication.deleted.is_(False)))
    if mediator_uuid:
        query = query.where(GradingApplication.mediator_uuid == mediator_uuid)
    if open_only:
        query = query.where(GradingApplication.status.in_(grading.OPEN_STATUSES))
    query = query.order_by(GradingApplication.applied_on.desc(), GradingApplication.uuid)
    return [_row(app, name, committee) for app, name, committee in session.execute(query)]


def preview(session: Session, actor: Actor, mediator_uuid: str, rule_set: str, level: str, window_from: date,
            window_to: date) -> tuple[Evidence, LevelResult]:
    """What an application would carry: the evidence and the check of the level (nothing written)."""
    rules = get_rules(session, rule_set)
    ev = evidence(session, actor, mediator_uuid, window_from, window_to)
    return ev, grading.evaluate(rules, level, ev)


def _step(session: Session, actor: Actor, app: GradingApplication, step: str, passed: bool, on: date,
          opinion: str = "", document_no: str = "") -> None:
    row = GradingStep(uuid="", application_uuid=app.uuid, step=step, passed=passed, on=on, opinion=opinion,
                      document_no=document_no, actor=actor.name, actor_name=(actor.display_name or actor.name)[:40],
                      at=actor.now)
    stamp_new(session, actor, row)
    session.add(row)


def apply(session: Session, actor: Actor, cmd: ApplyCommand) -> ApplicationRow:
    """人民调解员等级评定申请, generated with its evidence; refused for 特邀 mediators."""
    actor.require(Perm.MANAGE_MEDIATORS)
    m = mediators.get(session, cmd.mediator_uuid)
    rules = get_rules(session, cmd.rule_set)
    refusal = grading.can_apply(m.employment_type, rules)
    if refusal:
        raise FieldError("mediator", refusal)
    if m.status != "serving":
        raise FieldError("mediator", f"{m.name}已{grading.STATUS.get(m.status, '离任')}，不能申请等级评定。")
    level = rules.level(cmd.level) if cmd.level else None
    if level is None:
        raise FieldError("level", "请选择申请的等级。")
    if cmd.window_to < cmd.window_from:
        raise FieldError("window_to", "统计期间的结束日期不能早于开始日期。")
    if cmd.window_to > cmd.applied_on:
        raise FieldError("window_to", "统计期间不能晚于申请日期。")
    if cmd.applied_on > actor.today:
        raise FieldError("applied_on", "申请日期不能晚于今天。")
    if rules.effective_on > cmd.applied_on:
        raise FieldError("rule_set", f"“{rules.name}”自 {rules.effective_on} 起施行，申请日期早于该日。")
    pending = session.scalar(select(GradingApplication.level_name).where(
        GradingApplication.mediator_uuid == m.uuid, GradingApplication.deleted.is_(False),
        GradingApplication.status.in_(grading.OPEN_STATUSES)))
    if pending:
        raise FieldError("mediator", f"{m.name}已有一份正在办理的评定申请（{pending}），办结或撤回后才能再次申请。")
    ev = evidence(session, actor, m.uuid, cmd.window_from, cmd.window_to)
    result = grading.evaluate(rules, level.code, ev)
    app = GradingApplication(
        uuid="", mediator_uuid=m.uuid, committee_uuid=m.committee_uuid, rule_set_code=rules.code,
        rules=json.dumps(rules.as_json(), ensure_ascii=False), level_code=level.code, level_name=level.name,
        window_from=cmd.window_from, window_to=cmd.window_to, applied_on=cmd.applied_on,
        statement=cmd.statement.strip(), evidence=json.dumps(ev.as_json(), ensure_ascii=False),
        evaluation=json.dumps(result.as_json(), ensure_ascii=False), status="applied", granted_level="",
        granted_name="", decision_no="")
    stamp_new(session, actor, app)
    session.add(app)
    session.flush()
    _step(session, actor, app, "apply", True, cmd.applied_on, cmd.statement.strip()[:500])
    note = "达到各项条件" if result.passed else f"未达到 {len(result.missed)} 项条件"
    audit.record(session, actor, "grading.apply", "grading_application", app.uuid,
                 summary=f"{m.name} 申请{rules.name}{level.name}（{note}）",
                 after={"evidence": ev.as_json(), "evaluation": result.as_json()})
    committee = session.get(Committee, m.committee_uuid)
    return _row(app, m.name, committee.name)


def _set_grade(session: Session, actor: Actor, m: Mediator, grade: str, rule_set: str, level: str, on: date,
               reason: str, application_uuid: str | None) -> None:
    previous = m.grade
    m.grade, m.grade_rule_set, m.grade_level, m.graded_on = grade, rule_set, level, on
    stamp_changed(actor, m)
    row = MediatorGrade(uuid="", mediator_uuid=m.uuid, grade=grade, previous=previous, rule_set_code=rule_set,
                        level_code=level, effective_on=on, application_uuid=application_uuid, reason=reason[:200],
                        actor=actor.name, at=actor.now)
    stamp_new(session, actor, row)
    session.add(row)
    audit.record(session, actor, "mediator.grade", "mediator", m.uuid,
                 summary=f"调解员 {m.name} 等级：{previous or grading.NO_GRADE} → {grade or grading.NO_GRADE}（{reason}）",
                 before={"grade": previous}, after={"grade": grade, "rule_set": rule_set, "effective_on": on})


def set_grade(session: Session, actor: Actor, mediator_uuid: str, rule_set: str, level: str, on: date,
              reason: str) -> None:
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
    app = _app(session, app_uuid)
    m = mediators.get(session, app.mediator_uuid)
    status_label = grading.APPLICATION_STATUS.get(app.status, app.status)
    steps = list(session.scalars(select(GradingStep).where(GradingStep.application_uuid == app.uuid,
                                                           GradingStep.deleted.is_(False))))
    opinion = cmd.opinion.strip()
    if cmd.on > actor.today:
        raise FieldError("on", "日期不能晚于今天。")
    if cmd.step == "withdraw":
        if app.status not in grading.OPEN_STATUSES:
            raise UserError(f"该申请{status_label}，不能撤回。")
        _check_order(app, steps, cmd.on)
        app.status, app.closed_on = "withdrawn", cmd.on
        _step(session, actor, app, "withdraw", False, cmd.on, opinion)
        stamp_changed(actor, app)
        audit.record(session, actor, "grading.step", "grading_application", app.uuid,
                     summary=f"{m.name} 的{app.level_name}评定申请已撤回")
        return _row(app, m.name, session.get(Committee, app.committee_uuid).name)
    step = grading.STEPS.get(cmd.step)
    if step is None:
        raise UserError(f"未知的评定步骤“{cmd.step}”。")
    if app.status != step.needs:
        expected = grading.STEP_LABELS[grading.next_step(app.status)] if grading.next_step(app.status) else "无"
        raise UserError(f"该申请目前{status_label}，不能进行“{grading.STEP_LABELS[cmd.step]}”（下一步应为：{expected}）。")
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
            raise FieldError("level", f"按“{rules.name}”，申请材料未达到{level.name}的以下条件，不能评定为该等级：\n"
                             + "\n".join(f"· {t}" for t in result.missed_text()))
        start = cmd.notice_from or cmd.on + timedelta(days=1)
        if start < cmd.on:
            raise FieldError("notice_from", "公示不能早于评定日期开始。")
        app.granted_level, app.granted_name = level.code, level.name
        app.notice_from, app.notice_to = start, start + timedelta(days=rules.notice_days - 1)
        app.decision_no = cmd.document_no.strip()[:60]
        summary = f"区司法局评定{m.name}为{level.name}，公示 {app.notice_from} 至 {app.notice_to}"
    elif cmd.step == "notice":
        if cmd.on < app.notice_to:
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
    _step(session, actor, app, cmd.step, cmd.passed, cmd.on, opinion, cmd.document_no.strip()[:60])
    stamp_changed(actor, app)
    audit.record(session, actor, "grading.step", "grading_application", app.uuid, summary=summary)
    if cmd.step == "notice" and cmd.passed:
        reason = f"{rules.name}评定" + (f"（{app.decision_no}）" if app.decision_no else "") + "，公示期满"
        _set_grade(session, actor, m, app.granted_name, app.rule_set_code, app.granted_level, cmd.on, reason, app.uuid)
    session.flush()
    return _row(app, m.name, session.get(Committee, app.committee_uuid).name)


def application_detail(session: Session, actor: Actor, uuid: str) -> dict[str, Any]:
    mediators.require_view(actor)
    app = _app(session, uuid)
    m = mediators.get(session, app.mediator_uuid)
    committee = session.get(Committee, app.committee_uuid)
    rules = grading.parse_rule_set(json.loads(app.rules))
    ev = Evidence.from_json(json.loads(app.evidence))
    steps = session.scalars(select(GradingStep).where(GradingStep.application_uuid == app.uuid,
                                                      GradingStep.deleted.is_(False))
                            .order_by(GradingStep.at, GradingStep.uuid))
    return {
        "uuid": app.uuid, "version": app.version, "mediator_uuid": m.uuid, "mediator": m.name,
        "committee": committee.name if committee else "", "gender": m.gender,
        "employment_label": grading.EMPLOYMENT.get(m.employment_type, ""),
        "education_label": grading.EDUCATION.get(m.education, ""),
        "political_label": grading.POLITICAL.get(m.political_status, ""),
        "legal_label": grading.LEGAL_QUALIFICATION.get(m.legal_qualification, ""),
        "appointed_on": m.appointed_on, "registration_no": m.registration_no, "current_grade": m.grade,
        "rule_set": rules.code, "rule_set_name": rules.name, "rules": rules, "level": app.level_code,
        "level_name": app.level_name, "window_from": app.window_from, "window_to": app.window_to,
        "applied_on": app.applied_on, "statement": app.statement, "evidence": ev,
        "evaluation": grading.evaluate(rules, app.level_code, ev), "status": app.status,
        "status_label": grading.APPLICATION_STATUS.get(app.status, app.status), "next_step": grading.next_step(app.status),
        "granted_level": app.granted_level, "granted_name": app.granted_name, "decision_no": app.decision_no,
        "notice_from": app.notice_from, "notice_to": app.notice_to, "closed_on": app.closed_on,
        "steps": [{"step": s.step, "label": grading.STEP_LABELS.get(s.step, s.step), "passed": s.passed, "on": s.on,
                   "opinion": s.opinion, "document_no": s.document_no, "actor": s.actor, "actor_name": s.actor_name,
                   "at": s.at} for s in steps],
    }


def results(session: Session, actor: Actor, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """The assessment results of a period (applications made in it), for the Excel workbook."""
    mediators.require_view(actor)
    rows = []
    query = (select(GradingApplication.uuid).where(
        GradingApplication.deleted.is_(False), GradingApplication.applied_on >= date_from,
        GradingApplication.applied_on <= date_to).order_by(GradingApplication.applied_on, GradingApplication.uuid))
    for uuid in session.scalars(query):
        rows.append(application_detail(session, actor, uuid))
    return rows


# ---------------------------------------------------------------- the printed application form


def _profile(session: Session, m: Mediator) -> dict[str, Any]:
    committee = session.get(Committee, m.committee_uuid)
    birth = ""
    if m.id_number:
        from stdnum.cn import ric

        born = ric.get_birth_date(m.id_number)
        birth = f"{born.year}年{born.month}月"
    return {"name": m.name, "gender": m.gender, "birth": birth,
            "political_label": grading.POLITICAL.get(m.political_status, "") if m.political_status else "",
            "education_label": grading.EDUCATION.get(m.education, "") if m.education else "",
            "legal_label": grading.LEGAL_QUALIFICATION.get(m.legal_qualification, "无"),
            "committee": committee.name if committee else "", "employment_label": grading.EMPLOYMENT.get(m.employment_type, ""),
            "appointed_on": m.appointed_on.isoformat() if m.appointed_on else None, "registration_no": m.registration_no,
            "grade_label": m.grade or grading.NO_GRADE, "phone": m.phone}


def _checks(rules: RuleSet, level: str, ev: Evidence) -> list[dict[str, Any]]:
    rows = []
    for t in (*rules.basic, *rules.level(level).thresholds):
        ok, _actual = grading.meets(t, ev)
        rows.append({"condition": t.text(), "actual": grading.shown(t.metric, ev.value(t.metric)), "met": ok,
                     "example": t.example})
    return rows


def _difficulty_labels(session: Session) -> dict[str, str]:
    from xihu_desk.services import codes

    return dict(codes.items(session, "difficulty", include_retired=True))


def _generated(actor: Actor) -> str:
    local = clock.to_local(actor.now)
    return f"西湖司法所工作台生成于 {local:%Y-%m-%d %H:%M}"


def application_form(session: Session, actor: Actor, app_uuid: str) -> dict[str, Any]:
    """The form of an application as made: its evidence snapshot, its rules and its steps."""
    d = application_detail(session, actor, app_uuid)
    m = mediators.get(session, d["mediator_uuid"])
    steps = {s["step"]: {**s, "on": s["on"].isoformat()} for s in d["steps"] if s["step"] in ("committee", "township", "district")}
    notice = (d["notice_from"].isoformat(), d["notice_to"].isoformat()) if d["notice_from"] else None
    form = {"mediator": _profile(session, m), "rule_set_name": d["rule_set_name"], "level_name": d["level_name"],
            "applied_on": d["applied_on"].isoformat(), "evidence": d["evidence"].as_json(),
            "checks": _checks(d["rules"], d["level"], d["evidence"]), "statement": d["statement"], "steps": steps,
            "notice": notice, "difficulty_labels": _difficulty_labels(session), "generated": _generated(actor)}
    audit.record(session, actor, "mediator.print", "grading_application", app_uuid,
                 summary=f"打印 {m.name} 的等级评定申请表（{d['level_name']}）")
    return form


def evidence_form(session: Session, actor: Actor, mediator_uuid: str, rule_set: str, level: str | None,
                  date_from: date, date_to: date) -> dict[str, Any]:
    """A form from the evidence as it stands (``mediator evidence -o``): checked against ``level``,
    or the highest level met, or the lowest level when none is."""
    rules = get_rules(session, rule_set)
    ev = evidence(session, actor, mediator_uuid, date_from, date_to)
    if not level:
        best = grading.best_level(rules, ev)
        level = best.level if best else rules.levels[-1].code
    name = rules.level(level).name
    m = mediators.get(session, mediator_uuid)
    form = {"mediator": _profile(session, m), "rule_set_name": rules.name, "level_name": name, "applied_on": None,
            "evidence": ev.as_json(), "checks": _checks(rules, level, ev), "statement": "", "steps": {}, "notice": None,
            "difficulty_labels": _difficulty_labels(session), "generated": _generated(actor)}
    audit.record(session, actor, "mediator.print", "mediator", m.uuid,
                 summary=f"打印 {m.name} 的等级评定材料（{rules.name}{name}，{date_from} 至 {date_to}）")
    return form


@dataclass(frozen=True)
class MediatorPreview:
    """What the roster's summary pane shows of one mediator: the record, this year's and the
    whole career's evidence, and the applications still open."""

    detail: dict[str, Any]
    year: Evidence
    career: Evidence
    open_applications: list[Any]


def mediator_preview(session: Session, actor: Actor, uuid: str) -> MediatorPreview:
    today = actor.today
    return MediatorPreview(
        mediators.detail(session, actor, uuid),
        evidence(session, actor, uuid, date(today.year, 1, 1), today),
        evidence(session, actor, uuid, date(1950, 1, 1), today),
        list_applications(session, actor, mediator_uuid=uuid, open_only=True))


def application_pdf(session: Session, actor: Actor, app_uuid: str) -> bytes:
    """The 等级评定申请表 of an application, as PDF."""
    from xihu_desk.documents import mediator_application

    return mediator_application.build(application_form(session, actor, app_uuid))


def evidence_pdf(session: Session, actor: Actor, mediator_uuid: str, rule_set: str, level: str | None,
                 date_from: date, date_to: date) -> bytes:
    """The 申请表 filled from a mediator's evidence over a window, as PDF."""
    from xihu_desk.documents import mediator_application

    return mediator_application.build(evidence_form(session, actor, mediator_uuid, rule_set, level, date_from, date_to))
