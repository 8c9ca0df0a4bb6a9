"""Grading applications (人民调解员等级评定申请): made with the evidence and the rule set as they
are that day, kept as that snapshot, so later edits to cases or rules do not change what is
decided on them; listed, shown and reported. The steps after the application are in workflow.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import grading
from xihu_desk.domain.errors import FieldError, NotFound
from xihu_desk.domain.grading import Evidence, LevelResult
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, mediators
from xihu_desk.services.context import Actor
from xihu_desk.services.grading.counting import evidence
from xihu_desk.services.grading.rulesets import get_rules
from xihu_desk.services.records import stamp_new
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.mediator_models import GradingApplication, GradingStep
from xihu_desk.store.models import Committee


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


def load_application(session: Session, uuid: str) -> GradingApplication:
    app = session.get(GradingApplication, uuid)
    if app is None or app.deleted:
        raise NotFound("找不到该评定申请，可能已被删除。")
    return app


def application_row(app: GradingApplication, mediator_name: str, committee: str) -> ApplicationRow:
    evaluation = json.loads(app.evaluation)
    return ApplicationRow(
        app.uuid,
        app.mediator_uuid,
        mediator_name,
        committee,
        app.rule_set_code,
        app.level_code,
        app.level_name,
        app.applied_on,
        app.status,
        app.granted_name,
        evaluation["passed"],
        len(evaluation["missed"]),
        app.notice_to,
        app.version,
    )


def list_applications(
    session: Session, actor: Actor, *, mediator_uuid: str | None = None, open_only: bool = False
) -> list[ApplicationRow]:
    mediators.require_view(actor)
    query = (
        select(GradingApplication, Mediator.name, Committee.name)
        .join(Mediator, Mediator.uuid == GradingApplication.mediator_uuid)
        .join(Committee, Committee.uuid == GradingApplication.committee_uuid)
        .where(GradingApplication.deleted.is_(False))
    )
    if mediator_uuid:
        query = query.where(GradingApplication.mediator_uuid == mediator_uuid)
    if open_only:
        query = query.where(GradingApplication.status.in_(grading.OPEN_STATUSES))
    query = query.order_by(GradingApplication.applied_on.desc(), GradingApplication.uuid)
    return [application_row(app, name, committee) for app, name, committee in session.execute(query)]


def preview(
    session: Session, actor: Actor, mediator_uuid: str, rule_set: str, level: str, window_from: date, window_to: date
) -> tuple[Evidence, LevelResult]:
    """What an application would carry: the evidence and the check of the level (nothing written)."""
    rules = get_rules(session, rule_set)
    ev = evidence(session, actor, mediator_uuid, window_from, window_to)
    return ev, grading.evaluate(rules, level, ev)


def add_step(
    session: Session,
    actor: Actor,
    app: GradingApplication,
    step: str,
    passed: bool,
    on: date,
    opinion: str = "",
    document_no: str = "",
) -> None:
    row = GradingStep(
        uuid="",
        application_uuid=app.uuid,
        step=step,
        passed=passed,
        on=on,
        opinion=opinion,
        document_no=document_no,
        actor=actor.name,
        actor_name=(actor.display_name or actor.name)[:40],
        at=actor.now,
    )
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
    pending = session.scalar(
        select(GradingApplication.level_name).where(
            GradingApplication.mediator_uuid == m.uuid,
            GradingApplication.deleted.is_(False),
            GradingApplication.status.in_(grading.OPEN_STATUSES),
        )
    )
    if pending:
        raise FieldError("mediator", f"{m.name}已有一份正在办理的评定申请（{pending}），办结或撤回后才能再次申请。")
    ev = evidence(session, actor, m.uuid, cmd.window_from, cmd.window_to)
    result = grading.evaluate(rules, level.code, ev)
    app = GradingApplication(
        uuid="",
        mediator_uuid=m.uuid,
        committee_uuid=m.committee_uuid,
        rule_set_code=rules.code,
        rules=json.dumps(rules.as_json(), ensure_ascii=False),
        level_code=level.code,
        level_name=level.name,
        window_from=cmd.window_from,
        window_to=cmd.window_to,
        applied_on=cmd.applied_on,
        statement=cmd.statement.strip(),
        evidence=json.dumps(ev.as_json(), ensure_ascii=False),
        evaluation=json.dumps(result.as_json(), ensure_ascii=False),
        status="applied",
        granted_level="",
        granted_name="",
        decision_no="",
    )
    stamp_new(session, actor, app)
    session.add(app)
    session.flush()
    add_step(session, actor, app, "apply", True, cmd.applied_on, cmd.statement.strip()[:500])
    note = "达到各项条件" if result.passed else f"未达到 {len(result.missed)} 项条件"
    audit.record(
        session,
        actor,
        "grading.apply",
        "grading_application",
        app.uuid,
        summary=f"{m.name} 申请{rules.name}{level.name}（{note}）",
        after={"evidence": ev.as_json(), "evaluation": result.as_json()},
    )
    committee = session.get_one(Committee, m.committee_uuid)
    return application_row(app, m.name, committee.name)


def application_detail(session: Session, actor: Actor, uuid: str) -> dict[str, Any]:
    mediators.require_view(actor)
    app = load_application(session, uuid)
    m = mediators.get(session, app.mediator_uuid)
    committee = session.get(Committee, app.committee_uuid)
    rules = grading.parse_rule_set(json.loads(app.rules))
    ev = Evidence.from_json(json.loads(app.evidence))
    steps = session.scalars(
        select(GradingStep)
        .where(GradingStep.application_uuid == app.uuid, GradingStep.deleted.is_(False))
        .order_by(GradingStep.at, GradingStep.uuid)
    )
    return {
        "uuid": app.uuid,
        "version": app.version,
        "mediator_uuid": m.uuid,
        "mediator": m.name,
        "committee": committee.name if committee else "",
        "gender": m.gender,
        "employment_label": grading.EMPLOYMENT.get(m.employment_type, ""),
        "education_label": grading.EDUCATION.get(m.education, ""),
        "political_label": grading.POLITICAL.get(m.political_status, ""),
        "legal_label": grading.LEGAL_QUALIFICATION.get(m.legal_qualification, ""),
        "appointed_on": m.appointed_on,
        "registration_no": m.registration_no,
        "current_grade": m.grade,
        "rule_set": rules.code,
        "rule_set_name": rules.name,
        "rules": rules,
        "level": app.level_code,
        "level_name": app.level_name,
        "window_from": app.window_from,
        "window_to": app.window_to,
        "applied_on": app.applied_on,
        "statement": app.statement,
        "evidence": ev,
        "evaluation": grading.evaluate(rules, app.level_code, ev),
        "status": app.status,
        "status_label": grading.APPLICATION_STATUS.get(app.status, app.status),
        "next_step": grading.next_step(app.status),
        "granted_level": app.granted_level,
        "granted_name": app.granted_name,
        "decision_no": app.decision_no,
        "notice_from": app.notice_from,
        "notice_to": app.notice_to,
        "closed_on": app.closed_on,
        "steps": [
            {
                "step": s.step,
                "label": grading.STEP_LABELS.get(s.step, s.step),
                "passed": s.passed,
                "on": s.on,
                "opinion": s.opinion,
                "document_no": s.document_no,
                "actor": s.actor,
                "actor_name": s.actor_name,
                "at": s.at,
            }
            for s in steps
        ],
    }


def results(session: Session, actor: Actor, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """The assessment results of a period (applications made in it), for the Excel workbook."""
    mediators.require_view(actor)
    rows = []
    query = (
        select(GradingApplication.uuid)
        .where(
            GradingApplication.deleted.is_(False),
            GradingApplication.applied_on >= date_from,
            GradingApplication.applied_on <= date_to,
        )
        .order_by(GradingApplication.applied_on, GradingApplication.uuid)
    )
    for uuid in session.scalars(query):
        rows.append(application_detail(session, actor, uuid))
    return rows


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
        list_applications(session, actor, mediator_uuid=uuid, open_only=True),
    )
