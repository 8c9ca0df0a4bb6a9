"""The printed 人民调解员等级评定申请表: from an application as it was made (its snapshot and its
steps), or from a mediator's evidence as it stands (``mediator evidence -o``). Printing is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from xihu_desk.domain import clock, grading
from xihu_desk.domain.grading import Evidence, RuleSet
from xihu_desk.services import audit, mediators
from xihu_desk.services.context import Actor
from xihu_desk.services.grading.applications import application_detail
from xihu_desk.services.grading.counting import evidence
from xihu_desk.services.grading.rulesets import get_rules
from xihu_desk.services.units import writes
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import Committee


def _profile(session: Session, m: Mediator) -> dict[str, Any]:
    committee = session.get(Committee, m.committee_uuid)
    birth = ""
    if m.id_number:
        from stdnum.cn import ric

        born = ric.get_birth_date(m.id_number)
        birth = f"{born.year}年{born.month}月"
    return {
        "name": m.name,
        "gender": m.gender,
        "birth": birth,
        "political_label": grading.POLITICAL.get(m.political_status, "") if m.political_status else "",
        "education_label": grading.EDUCATION.get(m.education, "") if m.education else "",
        "legal_label": grading.LEGAL_QUALIFICATION.get(m.legal_qualification, "无"),
        "committee": committee.name if committee else "",
        "employment_label": grading.EMPLOYMENT.get(m.employment_type, ""),
        "appointed_on": m.appointed_on.isoformat() if m.appointed_on else None,
        "registration_no": m.registration_no,
        "grade_label": m.grade or grading.NO_GRADE,
        "phone": m.phone,
    }


def _checks(rules: RuleSet, level: str, ev: Evidence) -> list[dict[str, Any]]:
    rows = []
    for t in (*rules.basic, *rules.level(level).thresholds):
        ok, _actual = grading.meets(t, ev)
        rows.append(
            {
                "condition": t.text(),
                "actual": grading.shown(t.metric, ev.value(t.metric)),
                "met": ok,
                "example": t.example,
            }
        )
    return rows


def _examples_note(rules: RuleSet, level: str) -> str:
    """Said once under the conditions: which of their figures have no source (示例)."""
    return grading.examples_note((*rules.basic, *rules.level(level).thresholds))


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
    steps = {
        s["step"]: {**s, "on": s["on"].isoformat()}
        for s in d["steps"]
        if s["step"] in ("committee", "township", "district")
    }
    notice = (d["notice_from"].isoformat(), d["notice_to"].isoformat()) if d["notice_from"] else None
    form = {
        "mediator": _profile(session, m),
        "rule_set_name": d["rule_set_name"],
        "level_name": d["level_name"],
        "applied_on": d["applied_on"].isoformat(),
        "evidence": d["evidence"].as_json(),
        "checks": _checks(d["rules"], d["level"], d["evidence"]),
        "examples_note": _examples_note(d["rules"], d["level"]),
        "statement": d["statement"],
        "steps": steps,
        "notice": notice,
        "difficulty_labels": _difficulty_labels(session),
        "generated": _generated(actor),
    }
    audit.record(
        session,
        actor,
        "mediator.print",
        "grading_application",
        app_uuid,
        summary=f"打印 {m.name} 的等级评定申请表（{d['level_name']}）",
    )
    return form


@writes
def evidence_form(
    session: Session, actor: Actor, mediator_uuid: str, rule_set: str, level: str | None, date_from: date, date_to: date
) -> dict[str, Any]:
    """A form from the evidence as it stands (``mediator evidence -o``): checked against ``level``,
    or the highest level met, or the lowest level when none is."""
    rules = get_rules(session, rule_set)
    ev = evidence(session, actor, mediator_uuid, date_from, date_to)
    if not level:
        best = grading.best_level(rules, ev)
        level = best.level if best else rules.levels[-1].code
    name = rules.level(level).name
    m = mediators.get(session, mediator_uuid)
    form = {
        "mediator": _profile(session, m),
        "rule_set_name": rules.name,
        "level_name": name,
        "applied_on": None,
        "evidence": ev.as_json(),
        "checks": _checks(rules, level, ev),
        "examples_note": _examples_note(rules, level),
        "statement": "",
        "steps": {},
        "notice": None,
        "difficulty_labels": _difficulty_labels(session),
        "generated": _generated(actor),
    }
    audit.record(
        session,
        actor,
        "mediator.print",
        "mediator",
        m.uuid,
        summary=f"打印 {m.name} 的等级评定材料（{rules.name}{name}，{date_from} 至 {date_to}）",
    )
    return form


def application_pdf(session: Session, actor: Actor, app_uuid: str) -> bytes:
    """The 等级评定申请表 of an application, as PDF."""
    from xihu_desk.documents import mediator_application

    return mediator_application.build(application_form(session, actor, app_uuid))


def evidence_pdf(
    session: Session, actor: Actor, mediator_uuid: str, rule_set: str, level: str | None, date_from: date, date_to: date
) -> bytes:
    """The 申请表 filled from a mediator's evidence over a window, as PDF."""
    from xihu_desk.documents import mediator_application

    return mediator_application.build(evidence_form(session, actor, mediator_uuid, rule_set, level, date_from, date_to))
