"""The legality-review log through its services: numbering, the clock (补正, extension), the
opinion and what follows, the rules that refuse, reminders on the home page, the calendar update."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import casekit, reviewkit
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.services import home, review_queries, reviews
from xihu_desk.services.review_queries import ReviewFilter
from xihu_desk.store.models import AuditEvent
from xihu_desk.store.review_models import ReviewItem


@pytest.fixture
def shen(db):
    return reviewkit.reviewer(db)


def detail(db, actor, uuid, today=None):
    with db.read() as s:
        return review_queries.review_detail(s, actor, uuid, today)


def test_numbers_are_gapless_per_office_and_year(db, shen):
    first = reviewkit.register(db, shen)
    second = reviewkit.register(db, shen, title="关于村级工程招投标的合同", item_type="agreement")
    older = reviewkit.register(db, shen, received_on=date(2025, 12, 30), complete_on=date(2025, 12, 31))
    assert [first.number, second.number] == ["（2026）北山合审字第0001号", "（2026）北山合审字第0002号"]
    assert older.number == "（2025）北山合审字第0001号"
    with pytest.raises(FieldError):  # a refused registration uses no number
        reviewkit.register(db, shen, title=" ")
    assert reviewkit.register(db, shen).number == "（2026）北山合审字第0003号"
    d = detail(db, shen, first.uuid)
    assert d["type"] == "行政规范性文件" and d["limit_days"] == 7 and d["status"] == "reviewing"
    assert d["due_on"] == "2026-02-28"  # 02-13, 02-14 (worked Sat), Spring Festival, 02-24 … 02-28 (worked Sat)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "review.register")) == 4


def test_mediator_may_not_register_and_district_only_reads(db):
    mediator = casekit.cli_like()
    from dataclasses import replace

    from xihu_desk.domain.roles import Role
    plain = replace(mediator, role=Role.MEDIATOR, all_rights=False)
    with db.write() as s, pytest.raises(PermissionDenied, match="编辑合法性审查"):
        reviews.register(s, plain, reviewkit.command())


@pytest.mark.parametrize(("overrides", "field"), [
    ({"item_type": "nonsense"}, "item_type"),
    ({"unit": ""}, "unit"),
    ({"complete_on": date(2026, 2, 1)}, "complete_on"),
    ({"received_on": date(2026, 5, 1), "complete_on": None}, "received_on"),
    ({"case_no": "（2026）北山人调字第9999号"}, "case_no"),
])
def test_bad_registration_names_the_field(db, shen, overrides, field):
    with pytest.raises(FieldError) as info:
        reviewkit.register(db, shen, **overrides)
    assert info.value.field == field


def test_supplement_pause_extension_opinion_and_afterwards(db, shen):
    ref = reviewkit.register(db, shen, item_type="major_decision", title="关于实施垃圾分类积分奖励的决策")
    assert detail(db, shen, ref.uuid)["due_on"] == "2026-03-11"  # 15 working days
    with db.write() as s:
        reviews.ask_supplement(s, shen, ref.uuid, date(2026, 2, 24), "风险评估报告、征求意见汇总")
    d = detail(db, shen, ref.uuid)
    assert d["status"] == "paused" and d["due_on"] is None and d["paused"]
    assert d["remaining_days"] == 12  # 02-13, 02-14, 02-24 counted before the clock stopped
    with db.write() as s, pytest.raises(UserError, match="补正中"):
        reviews.record_opinion(s, shen, ref.uuid, reviews.OpinionInput(date(2026, 2, 27), "lawful"))
    with db.write() as s:
        c = reviews.supplement_received(s, shen, ref.uuid, date(2026, 2, 27))
    assert c.due_on == date(2026, 3, 16)  # 02-28 (worked Saturday) restarts the count
    with db.write() as s, pytest.raises(FieldError, match="负责人"):
        reviews.extend(s, shen, ref.uuid, reviews.ExtensionInput(5, "", "需专家论证", date(2026, 3, 2)))
    with db.write() as s, pytest.raises(FieldError, match="1–10"):
        reviews.extend(s, shen, ref.uuid, reviews.ExtensionInput(11, "王所长", "需专家论证", date(2026, 3, 2)))
    with db.write() as s:
        reviews.extend(s, shen, ref.uuid, reviews.ExtensionInput(5, "王所长", "需专家论证", date(2026, 3, 2)))
    d = detail(db, shen, ref.uuid)
    assert d["due_on"] == "2026-03-23" and d["extension"]["approver"] == "王所长" and d["total_days"] == 20
    with db.write() as s, pytest.raises(FieldError, match="主要问题"):
        reviews.record_opinion(s, shen, ref.uuid, reviews.OpinionInput(date(2026, 3, 2), "lawful_amended"))
    with db.write() as s:
        reviews.record_opinion(s, shen, ref.uuid, reviews.OpinionInput(
            date(2026, 3, 2), "lawful_amended", "北山合审意〔2026〕1号", "第五条奖励标准缺乏依据", 2))
    d = detail(db, shen, ref.uuid)
    assert d["status"] == "opinion" and d["opinion"]["on_time"] and d["opinion"]["working_days"] == 5  # 02-13 02-14 02-24 | 02-28 03-02
    assert d["opinion"]["conclusion_label"] == "修改后合法" and d["clock"] == ""
    other = reviewkit.register(db, shen)
    with db.write() as s, pytest.raises(FieldError, match="已用于"):
        reviews.record_opinion(s, shen, other.uuid, reviews.OpinionInput(date(2026, 3, 2), "lawful", "北山合审意〔2026〕1号"))

    with db.write() as s, pytest.raises(FieldError, match="理由"):
        reviews.record_after(s, shen, ref.uuid, reviews.AfterInput(adoption="partly"))
    with db.write() as s, pytest.raises(FieldError, match="规范性文件"):
        reviews.record_after(s, shen, ref.uuid, reviews.AfterInput(issued_on=date(2026, 3, 2), filing_submitted_on=date(2026, 3, 2)))
    with db.write() as s:
        reviews.record_after(s, shen, ref.uuid, reviews.AfterInput("partly", "奖励标准已按意见修改，积分上限未改", date(2026, 3, 2),
                                                                   date(2026, 3, 2)))
        reviews.archive(s, shen, ref.uuid, date(2026, 3, 2))
    d = detail(db, shen, ref.uuid)
    assert d["status"] == "archived" and d["adoption_label"] == "部分采纳" and d["archived"]["on"] == "2026-03-02"
    with db.write() as s, pytest.raises(UserError, match="已归档"):
        reviews.link_case(s, shen, ref.uuid, "")
    with db.read() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == ref.uuid).order_by(AuditEvent.seq)))
    assert actions == ["review.register", "review.pause", "review.resume", "review.extend", "review.opinion",
                       "review.after", "review.archive"]


def test_material_incomplete_at_first_then_completed_by_the_supplement(db, shen):
    ref = reviewkit.register(db, shen, complete_on=None)
    d = detail(db, shen, ref.uuid)
    assert d["status"] == "waiting" and d["clock"] == "材料齐全后起算" and d["due_on"] is None
    with db.write() as s, pytest.raises(UserError, match="材料尚未齐全"):
        reviews.record_opinion(s, shen, ref.uuid, reviews.OpinionInput(date(2026, 3, 2), "lawful"))
    with db.write() as s:
        reviews.ask_supplement(s, shen, ref.uuid, date(2026, 2, 11), "制定说明")
        reviews.supplement_received(s, shen, ref.uuid, date(2026, 2, 24))
    d = detail(db, shen, ref.uuid)
    assert d["complete_on"] == "2026-02-24" and d["due_on"] == "2026-03-04" and d["status"] == "reviewing"


def test_unlawful_may_not_be_deliberated_and_returned_items_stop(db, shen):
    ref = reviewkit.register(db, shen, item_type="agreement")
    with db.write() as s:
        reviews.record_opinion(s, shen, ref.uuid, reviews.OpinionInput(date(2026, 2, 25), "unlawful", "", "主体不适格", 1))
    with db.write() as s, pytest.raises(FieldError, match="不合法"):
        reviews.record_after(s, shen, ref.uuid, reviews.AfterInput(adoption="adopted", issued_on=date(2026, 2, 27)))
    gone = reviewkit.register(db, shen)
    with db.write() as s:
        reviews.ask_supplement(s, shen, gone.uuid, date(2026, 2, 24), "依据")
        reviews.return_item(s, shen, gone.uuid, date(2026, 3, 2), "送审单位撤回")
    d = detail(db, shen, gone.uuid)
    assert d["status"] == "returned" and d["returned"]["reason"] == "送审单位撤回" and d["pauses"][0]["received_on"] == "2026-03-02"
    assert not d["overdue"] and d["remaining_days"] is None or d["status"] == "returned"


def test_link_to_a_case(db, shen):
    head = reviewkit.head(db)
    roster = casekit.roster(db, head)
    from xihu_desk.services import cases

    with db.write() as s:
        case = cases.open_case(s, head, casekit.intake(db, roster))
    ref = reviewkit.register(db, shen, item_type="other", title="村规民约修订（停车）", case_no=case.case_no)
    assert detail(db, shen, ref.uuid)["case"]["case_no"] == case.case_no
    with db.write() as s:
        reviews.link_case(s, shen, ref.uuid, "")
    assert detail(db, shen, ref.uuid)["case"] is None


def test_office_limits_apply_to_new_items_only(db, shen):
    old = reviewkit.register(db, shen)
    with db.write() as s:
        assert reviews.set_limits(s, shen, {"normative": 10})["normative"] == 10
        with pytest.raises(FieldError):
            reviews.set_limits(s, shen, {"normative": 0})
    new = reviewkit.register(db, shen)
    assert detail(db, shen, old.uuid)["limit_days"] == 7 and detail(db, shen, new.uuid)["limit_days"] == 10


def test_reminders_on_the_home_page_and_the_list_filters(db, shen):
    head = reviewkit.head(db, date(2026, 2, 25))
    soon = reviewkit.register(db, shen, item_type="enforcement", title="即将到期的处罚决定")  # due 02-26
    late = reviewkit.register(db, shen, item_type="enforcement", title="已超期的处罚决定",
                              received_on=date(2026, 2, 2), complete_on=date(2026, 2, 2))  # due 02-09
    fine = reviewkit.register(db, shen, item_type="major_decision", title="期限还长的决策")
    with db.read() as s:
        summary = home.summary(s, head, date(2026, 2, 25))
        overdue = review_queries.list_reviews(s, head, ReviewFilter(overdue=True), date(2026, 2, 25))
        soon_rows = review_queries.list_reviews(s, head, ReviewFilter(due_soon=True), date(2026, 2, 25))
        everything = review_queries.count_reviews(s, head, ReviewFilter(status="open"), date(2026, 2, 25))
    items = [d for d in summary.due if d.area == "reviews"]
    assert [(d.record_uuid, d.overdue) for d in items] == [(late.uuid, True), (soon.uuid, False)]
    assert "已超期" in items[0].title and "剩余 1 个工作日" in items[1].title
    assert [r.uuid for r in overdue] == [late.uuid] and [r.uuid for r in soon_rows] == [soon.uuid]
    assert everything == 3 and fine.uuid not in {d.record_uuid for d in items}
    assert any(f.label == "在审事项" and f.value == 3 for f in summary.figures)


def test_unknown_year_is_flagged_everywhere_until_the_district_calendar_arrives(db):
    shen = reviewkit.reviewer(db, date(2026, 12, 30))
    ref = reviewkit.register(db, shen, received_on=date(2026, 12, 28), complete_on=date(2026, 12, 28),
                             item_type="enforcement")
    d = detail(db, shen, ref.uuid)
    assert d["due_on"] == "2027-01-04" and d["calendar_fallback"] == [2027]
    assert any("2027 年的法定节假日安排尚未收录" in w for w in d["warnings"])
    with db.read() as s:
        notes = [x for x in home.summary(s, reviewkit.head(db, date(2026, 12, 30)), date(2026, 12, 30)).due
                 if "周一至周五" in x.title]
    assert len(notes) == 1 and notes[0].area == "reviews"
    update = {"kind": "workdays", "version": "2027-区局-1", "years": {"2027": {"holidays": [["2027-01-01", "元旦"]]}}}
    with db.write() as s:
        assert reviews.apply_calendar_update(s, shen, update) == [2027]
    d = detail(db, shen, ref.uuid)
    assert d["due_on"] == "2027-01-05" and d["calendar_fallback"] == [] and not any("周一至周五" in w for w in d["warnings"])
    with db.read() as s:
        assert s.scalar(select(ReviewItem.due_on).where(ReviewItem.uuid == ref.uuid)) == date(2027, 1, 5)
    with db.write() as s, pytest.raises(UserError, match="工作日历文件有误"):
        reviews.apply_calendar_update(s, shen, {"kind": "workdays", "years": {"2027": {"holidays": ["x"]}}})


def test_statistics_service_counts_the_register(db, shen):
    a = reviewkit.register(db, shen)
    b = reviewkit.register(db, shen, item_type="agreement", title="合同")
    reviewkit.register(db, shen, item_type="agreement", title="仍在审查的合同")
    with db.write() as s:
        reviews.record_opinion(s, shen, a.uuid, reviews.OpinionInput(date(2026, 2, 25), "lawful"))
        reviews.record_after(s, shen, a.uuid, reviews.AfterInput("adopted"))
        reviews.record_opinion(s, shen, b.uuid, reviews.OpinionInput(date(2026, 3, 2), "unlawful", "", "违法", 1))
        reviews.record_after(s, shen, b.uuid, reviews.AfterInput("not_adopted", "送审单位另行处理"))
    with db.read() as s:
        st = review_queries.statistics(s, shen, date(2026, 1, 1), date(2026, 12, 31))
    assert (st.total, st.reviewed, st.unlawful, st.pending, st.adopted, st.adoption_known) == (3, 2, 1, 1, 1, 2)
    assert st.timed == 2 and st.on_time == 1  # b: due 02-26 (5 days), opinion 03-02
    assert st.by_type == {"normative": 1, "agreement": 2}
