"""The assessment through the services: application with its evidence snapshot, committee check,
township pre-check, district decision, 公示, the grade with its history; the refusals; the rule
sets the district edits."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from tests import casekit, mediatorkit
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.services import grading, mediators
from xihu_desk.services.context import cli_actor
from xihu_desk.store import grading_seed
from xihu_desk.store.mediator_models import GradingApplication, GradingRuleSet, GradingStep, MediatorGrade
from xihu_desk.store.models import AuditEvent, Node

START, END = date(2024, 1, 1), date(2025, 12, 31)
APPLIED = date(2026, 1, 10)


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def qualified(db, head):
    """周 meets every threshold of 乙级 in the small rule set (4 cases, 3 succeeded, 1 oral, 5 hours
    of training); 吴 has only 2 cases."""
    mediatorkit.small_rules(db)
    zhou = mediatorkit.mediator(db, head, "周调解", "full_time", appointed=date(2022, 5, 1))
    wu = mediatorkit.mediator(db, head, "吴调解", appointed=date(2022, 5, 1))
    for accepted, kind in ((date(2024, 3, 1), "written"), (date(2024, 9, 1), "oral"), (date(2025, 2, 1), "written"),
                           (date(2025, 6, 1), "failed")):
        mediatorkit.make_case(db, head, [zhou], accepted, kind)
    for accepted in (date(2024, 4, 1), date(2025, 4, 1)):
        mediatorkit.make_case(db, head, [wu], accepted, "written")
    with db.write() as s:
        for m in (zhou, wu):
            mediators.add_training(s, head, m, mediators.TrainingInput(date(2025, 3, 1), "业务培训", "5"))
    return zhou, wu


def apply(db, actor, mediator, level="B", **changes):
    cmd = grading.ApplyCommand(mediator, "test-small", level, START, END, APPLIED, "申请评定。")
    if changes:
        cmd = grading.ApplyCommand(**{**cmd.__dict__, **changes})
    with db.write() as s:
        return grading.apply(s, actor, cmd)


def step(db, actor, app, name, passed=True, on=APPLIED, **kw):
    with db.write() as s:
        return grading.record_step(s, actor, app.uuid, grading.StepCommand(name, passed, on, **kw))


def test_application_to_grade_with_every_step_recorded(db, head, qualified):
    zhou, _wu = qualified
    app = apply(db, head, zhou)
    assert (app.status, app.passed, app.missed, app.status_label) == ("applied", True, 0, "待调委会审核")
    step(db, head, app, "committee", on=date(2026, 1, 12), opinion="同意推荐。")
    step(db, head, app, "township", on=date(2026, 1, 15), opinion="材料齐全，初审通过。")
    decided = step(db, head, app, "district", on=date(2026, 1, 20), document_no="西司〔2026〕3号")
    assert (decided.status, decided.notice_to) == ("in_notice", date(2026, 1, 25))  # 5 days from the 21st
    with db.write() as s, pytest.raises(FieldError, match="公示期至 2026-01-25"):
        grading.record_step(s, head, app.uuid, grading.StepCommand("notice", True, date(2026, 1, 24)))
    done = step(db, head, app, "notice", on=date(2026, 1, 26))
    assert (done.status, done.granted_name) == ("granted", "乙级")
    with db.read() as s:
        d = mediators.detail(s, head, zhou)
        detail = grading.application_detail(s, head, app.uuid)
        steps = list(s.scalars(select(GradingStep).where(GradingStep.application_uuid == app.uuid).order_by(GradingStep.at, GradingStep.uuid)))
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.entity_id.in_([app.uuid, zhou]))
                                               .order_by(AuditEvent.seq))]
    assert (d["grade"], d["grade_rule_set"], d["grade_level"], d["graded_on"]) == ("乙级", "test-small", "B", date(2026, 1, 26))
    assert [(g["previous"], g["grade"], g["reason"]) for g in d["grades"]] == [
        ("无等级", "乙级", "测试用评定标准评定（西司〔2026〕3号），公示期满")]
    assert [(st.step, st.passed, st.on, st.actor, st.actor_name) for st in steps] == [
        ("apply", True, APPLIED, "head", "陈所长"), ("committee", True, date(2026, 1, 12), "head", "陈所长"),
        ("township", True, date(2026, 1, 15), "head", "陈所长"), ("district", True, date(2026, 1, 20), "head", "陈所长"),
        ("notice", True, date(2026, 1, 26), "head", "陈所长")]
    assert all(st.at is not None for st in steps)
    assert [x["label"] for x in detail["steps"]] == ["提出申请", "调委会审核", "司法所初审", "区司法局评定", "公示结束"]
    assert detail["evidence"].cases_total == 4 and detail["evaluation"].passed
    assert actions == ["mediator.create", "grading.apply", "grading.step", "grading.step", "grading.step",
                       "grading.step", "mediator.grade"]


def test_the_evidence_is_kept_as_it_was_when_applying(db, head, qualified):
    zhou, _wu = qualified
    app = apply(db, head, zhou)
    mediatorkit.make_case(db, head, [zhou], date(2025, 7, 1), "failed")  # after applying: not in the snapshot
    with db.read() as s:
        detail = grading.application_detail(s, head, app.uuid)
        now = grading.evidence(s, head, zhou, START, END)
    assert detail["evidence"].cases_total == 4 and now.cases_total == 5


def test_a_level_missed_names_every_threshold_and_the_district_cannot_grant_it(db, head, qualified):
    _zhou, wu = qualified
    app = apply(db, head, wu)
    assert (app.passed, app.missed) == (False, 1)
    with db.read() as s:
        evaluation = grading.application_detail(s, head, app.uuid)["evaluation"]
    assert evaluation.missed_text() == ["调解纠纷数不低于 3 件：实际 2 件"]
    step(db, head, app, "committee")
    step(db, head, app, "township")
    with db.write() as s, pytest.raises(FieldError) as info:
        grading.record_step(s, head, app.uuid, grading.StepCommand("district", True, APPLIED))
    assert info.value.field == "level"
    assert info.value.message.endswith("未达到乙级的以下条件，不能评定为该等级：\n· 调解纠纷数不低于 3 件：实际 2 件")
    with db.write() as s, pytest.raises(FieldError, match="写明理由"):
        grading.record_step(s, head, app.uuid, grading.StepCommand("district", False, APPLIED))
    refused = step(db, head, app, "district", False, opinion="办案数量不足。")
    assert refused.status == "not_granted"
    with db.read() as s:
        assert mediators.detail(s, head, wu)["grade"] == ""


def test_a_mediator_meeting_the_higher_level_too_and_a_lower_grant(db, head, qualified):
    zhou, _wu = qualified
    with db.read() as s:
        ev, result = grading.preview(s, head, zhou, "test-small", "A", START, END)
    assert ev.cases_total == 4 and not result.passed
    assert result.missed_text() == ["调解纠纷数不低于 6 件：实际 4 件", "调解成功率不低于 90%：实际 75%"]
    app = apply(db, head, zhou, level="A")
    step(db, head, app, "committee")
    step(db, head, app, "township")
    granted = step(db, head, app, "district", level="B", notice_from=date(2026, 2, 1))
    assert (granted.granted_name, granted.notice_to) == ("乙级", date(2026, 2, 5))
    with pytest.raises(FieldError, match="已有一份正在办理的评定申请（甲级）"):
        apply(db, head, zhou)


def test_refusals_of_the_workflow(db, head, qualified):
    zhou, wu = qualified
    lawyer = mediatorkit.mediator(db, head, "王律师", "invited")
    with pytest.raises(FieldError, match="特邀调解员不能申请等级评定"):
        apply(db, head, lawyer)
    with pytest.raises(FieldError, match="统计期间不能晚于申请日期"):
        apply(db, head, zhou, window_to=APPLIED + timedelta(days=1))
    with pytest.raises(FieldError, match="找不到评定标准"):
        apply(db, head, zhou, rule_set="nowhere")
    app = apply(db, head, zhou)
    with db.write() as s, pytest.raises(UserError, match="下一步应为：调委会审核"):
        grading.record_step(s, head, app.uuid, grading.StepCommand("district", True, APPLIED))
    with db.write() as s, pytest.raises(FieldError, match="不能早于上一步骤的日期（2026-01-10）"):
        grading.record_step(s, head, app.uuid, grading.StepCommand("committee", True, APPLIED - timedelta(days=1)))
    returned = step(db, head, app, "committee", False, opinion="材料不全，请补充工作总结。")
    assert returned.status == "returned"
    again = apply(db, head, zhou)  # a returned application is done with: apply again
    withdrawn = step(db, head, again, "withdraw", False, opinion="本人撤回。")
    assert withdrawn.status == "withdrawn"
    with db.write() as s, pytest.raises(UserError, match="不能撤回"):
        grading.record_step(s, head, again.uuid, grading.StepCommand("withdraw", False, APPLIED))
    with db.read() as s:
        rows = grading.list_applications(s, head, mediator_uuid=zhou)
    assert sorted(r.status for r in rows) == ["returned", "withdrawn"]
    with db.write() as s:
        d = mediators.detail(s, head, wu)
        mediators.update_mediator(s, head, wu, mediators.command_from(d, status="left", appointment_end=date(2025, 12, 31)))
    with pytest.raises(FieldError, match="已离任"):
        apply(db, head, wu)


def test_objection_upheld_during_the_notice(db, head, qualified):
    zhou, _wu = qualified
    app = apply(db, head, zhou)
    for name in ("committee", "township", "district"):
        step(db, head, app, name)
    final = step(db, head, app, "notice", False, on=date(2026, 2, 1), opinion="公示期间收到实名异议，经核查属实。")
    assert final.status == "not_granted"
    with db.read() as s:
        assert s.scalar(select(MediatorGrade.uuid)) is None


def test_grade_set_by_hand_keeps_history(db, head, qualified):
    zhou, _wu = qualified
    with db.write() as s:
        grading.set_grade(s, head, zhou, "national", "4", date(2025, 6, 30), "2025年度评定（西司〔2025〕18号）")
    with db.write() as s:
        grading.set_grade(s, head, zhou, "", "", date(2025, 12, 1), "受到罢免处理，撤销等级")
    with db.read() as s:
        d = mediators.detail(s, head, zhou)
    assert d["grade"] == "" and [(g["previous"], g["grade"]) for g in d["grades"]] == [("四级", "无等级"), ("无等级", "四级")]
    with db.write() as s, pytest.raises(FieldError, match="依据"):
        grading.set_grade(s, head, zhou, "national", "4", date(2025, 6, 30), " ")


def test_rule_sets_are_edited_by_the_district_and_kept_over_updates(db, head):
    with db.read() as s:
        national = next(r for r in grading.rule_sets(s) if r.code == "national")
    doc = national.rules.as_json()
    doc["levels"][3]["thresholds"][1] = {"metric": "cases_total", "min": 60, "example": False, "note": "区局确认"}
    with db.write() as s, pytest.raises(PermissionDenied, match="区司法局统一制定"):
        grading.save_rule_set(s, head, doc)
    with db.write() as s:
        s.execute(update(Node).values(level="district"))
        saved = grading.save_rule_set(s, head, doc)
    assert saved.edited and saved.version == 2
    assert saved.rules.level("4").thresholds[1].value == 60
    # A newer reference file replaces the sets not edited here and keeps the edited one.
    data = grading_seed.load_document()
    data["version"] = "2099-1"
    for item in data["sets"]:
        item["name"] += "（新版）"
    with db.write() as s:
        assert grading_seed.apply_document(s, data) == ["zhejiang-2017"]
    with db.read() as s:
        by_code = {r.code: r for r in grading.rule_sets(s)}
        row = s.scalar(select(GradingRuleSet).where(GradingRuleSet.code == "national"))
    assert by_code["zhejiang-2017"].name.endswith("（新版）") and not by_code["national"].name.endswith("（新版）")
    assert by_code["national"].rules.level("4").thresholds[1].value == 60 and row.reference_version == ""
    with db.write() as s, pytest.raises(UserError, match="未知的指标"):
        grading.save_rule_set(s, head, {**doc, "basic": [{"metric": "age", "min": 1}]})


def test_an_application_keeps_the_rules_it_was_made_under(db, head, qualified):
    zhou, _wu = qualified
    app = apply(db, head, zhou)
    changed = json.loads(json.dumps(mediatorkit.SMALL_RULES))
    changed["levels"][1]["thresholds"][1]["min"] = 10
    with db.write() as s:
        grading.save_rule_set(s, cli_actor(), changed)
    for name in ("committee", "township"):
        step(db, head, app, name)
    assert step(db, head, app, "district").status == "in_notice"  # judged by the rules applied under
    with db.read() as s:
        stored = json.loads(s.get(GradingApplication, app.uuid).rules)
    assert stored["levels"][1]["thresholds"][1]["min"] == 3


def test_the_districts_edits_travel_down_to_an_office(db, head):
    """services/exchange/ puts rule_sets_document() into a downward bundle; the office takes it."""
    with db.write() as s:
        s.execute(update(Node).values(level="district"))
        doc = next(r for r in grading.rule_sets(s) if r.code == "national").rules.as_json()
        doc["notice_days"] = 10
        grading.save_rule_set(s, head, doc)
        sent = json.loads(json.dumps(grading.rule_sets_document(s), ensure_ascii=False))
        s.execute(update(Node).values(level="township"))
        # As the office: its own copy is the shipped one (version 1).
        row = s.scalar(select(GradingRuleSet).where(GradingRuleSet.code == "national"))
        row.version, row.edited, row.body = 1, False, json.dumps({**doc, "notice_days": 7}, ensure_ascii=False)
    with db.write() as s:
        assert grading.take_rule_sets(s, sent, head.now) == ["national"]
        assert grading.take_rule_sets(s, sent, head.now) == []  # the same bundle again changes nothing
        assert grading.get_rules(s, "national").notice_days == 10
        row = s.scalar(select(GradingRuleSet).where(GradingRuleSet.code == "national"))
        assert row.edited and row.version == 2
