"""Zhejiang's scheme is the one used when nobody chose another (issue 14, domain.md §4.1): the demo's
earlier grades and its assessment under way, and a roster import's grade that two schemes share."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from xihu_desk.services import demo, mediator_ledger
from xihu_desk.services.context import cli_actor
from xihu_desk.store.mediator_models import GradingApplication, MediatorGrade


def test_the_demo_grades_under_zhejiangs_scheme(db):
    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=5, cases=12, today=date(2026, 11, 20)))
    with db.read() as s:
        schemes = set(s.scalars(select(MediatorGrade.rule_set_code))) | set(
            s.scalars(select(GradingApplication.rule_set_code)))
    assert schemes == {"zhejiang-2017"}


def test_a_grade_two_schemes_share_is_taken_as_zhejiangs(db):
    with db.read() as s:
        code, level, note = mediator_ledger._find_grade(s, "一级", "")
    assert (code, level) == ("zhejiang-2017", "1") and "浙江省" in note
