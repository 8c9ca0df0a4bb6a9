"""The reviewer's checklist (主体、权限、内容、程序, 公平竞争审查 where it applies) and the minimum and
maximum review time of normative documents (issue 19; domain.md §8), both configurable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import reviewkit
from xihu_desk.domain import reviews as rules
from xihu_desk.domain.errors import FieldError
from xihu_desk.services import review_queries, reviews, settings
from xihu_desk.store.models import AuditEvent
from xihu_desk.store.review_models import ReviewItem


def _answers(**overrides):
    base = {"subject": ("pass", "街道办事处为制定主体"), "authority": ("pass", ""), "content": ("pass", ""),
            "procedure": ("pass", "已征求意见")}
    base.update(overrides)
    return base


def test_checklist_is_stored_shown_and_travels_with_the_item(db):
    shen = reviewkit.reviewer(db)
    ref = reviewkit.register(db, shen)  # a normative document: 公平竞争审查 applies
    with db.write() as s:
        reviews.save_checklist(s, shen, ref.uuid, _answers(content=("fail", "第五条设定罚款，超越权限"),
                                                            fair_competition=("pass", "未限制经营者")))
    with db.read() as s:
        d = review_queries.review_detail(s, shen, ref.uuid)
        item = s.get(ReviewItem, ref.uuid)
        assert item.version == 2  # a change of the item: it travels in the next bundle
        actions = s.scalars(select(AuditEvent.action)).all()
    rows = {c["key"]: c for c in d["checklist"]}
    assert list(rows) == ["subject", "authority", "content", "procedure", "fair_competition"]
    assert rows["content"]["answer_label"] == "不符合" and "超越权限" in rows["content"]["note"]
    assert rows["fair_competition"]["answer"] == "pass" and d["fair_competition_applies"]
    assert "review.checklist" in actions


def test_checklist_rules(db):
    shen = reviewkit.reviewer(db)
    enforcement = reviewkit.register(db, shen, item_type="enforcement", title="关于违建拆除的决定")
    with db.write() as s:
        with pytest.raises(FieldError, match="写明问题"):
            reviews.save_checklist(s, shen, enforcement.uuid, _answers(subject=("fail", "")))
        with pytest.raises(FieldError, match="不能选“不适用”"):
            reviews.save_checklist(s, shen, enforcement.uuid, _answers(procedure=("na", "")))
        with pytest.raises(FieldError, match="不适用于此类事项"):  # not asked of enforcement decisions by default
            reviews.save_checklist(s, shen, enforcement.uuid, _answers(fair_competition=("pass", "")))
        reviews.save_checklist(s, shen, enforcement.uuid, {"subject": ("pass", "")})  # the rest may wait
        reviews.set_review_rules(s, shen, fair_types=[*rules.DEFAULT_FAIR_COMPETITION_TYPES, "enforcement"])
        reviews.save_checklist(s, shen, enforcement.uuid, _answers(fair_competition=("na", "不涉及市场主体")))
        d = review_queries.review_detail(s, shen, enforcement.uuid)
    assert d["checklist"][-1]["answer_label"] == "不适用"


def test_normative_documents_keep_within_the_minimum_and_maximum(db):
    shen = reviewkit.reviewer(db, date(2026, 3, 20))
    with db.write() as s:
        assert reviews.normative_bounds(s) == (5, 15)
        with pytest.raises(FieldError, match="5–15"):
            reviews.set_limits(s, shen, {"normative": 20})
        reviews.set_limits(s, shen, {"enforcement": 20})  # other types: only the general range
    ref = reviewkit.register(db, shen, received_on=date(2026, 3, 2), complete_on=date(2026, 3, 2))  # 7 working days by default
    with db.write() as s:
        with pytest.raises(FieldError, match="最多还能延长 8"):
            reviews.extend(s, shen, ref.uuid, reviews.ExtensionInput(9, "王所长", "材料复杂", date(2026, 3, 3)))
        reviews.extend(s, shen, ref.uuid, reviews.ExtensionInput(8, "王所长", "材料复杂", date(2026, 3, 3)))
        # three working days after the materials were complete: before the minimum of five
        warning = reviews.opinion_timing_warning(s, shen, ref.uuid, date(2026, 3, 5))
        assert "不少于 5 个工作日" in warning and "只有 3 个工作日" in warning
        assert reviews.opinion_timing_warning(s, shen, ref.uuid, date(2026, 3, 10)) == ""
        reviews.set_review_rules(s, shen, bounds=(3, 20))  # configurable
        assert settings.get_all(s)  # the node's other settings still read (the table holds integers)
        assert reviews.opinion_timing_warning(s, shen, ref.uuid, date(2026, 3, 5)) == ""
        reviews.set_review_rules(s, shen, bounds=(5, 15))
        reviews.record_opinion(s, shen, ref.uuid, reviews.OpinionInput(date(2026, 3, 5), "lawful", "意见1"))
        d = review_queries.review_detail(s, shen, ref.uuid)
        with pytest.raises(FieldError):
            reviews.set_review_rules(s, shen, bounds=(10, 5))
    assert any("不少于 5 个工作日" in w for w in d["warnings"]) and d["normative_bounds"] == [5, 15]
