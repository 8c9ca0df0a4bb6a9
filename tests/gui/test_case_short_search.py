"""A 1–2 character search (漏水) matches the start of party names only; the list says so and offers
to look through the cases' text, which then finds the case."""

from __future__ import annotations

from tests import casekit
from xihu_desk.services import cases

from .casegui import head, page  # noqa: F401 - fixtures
from .helpers import click


def test_a_short_word_says_it_matched_names_and_offers_the_text(qtbot, db, head, page) -> None:  # noqa: ANN001, F811
    roster = casekit.roster(db, head)
    with db.write() as session:
        cases.open_case(session, head, casekit.intake(db, roster))  # 两家因楼上漏水发生争执。
    page.search.setText("漏水")
    page.apply_filter()
    assert page.model.rowCount() == 0
    assert page.short_hint.isVisible() and "姓名" in page.short_hint.text()
    assert page.scan_button.isVisible() and "漏水" in page.scan_button.text()
    click(qtbot, page.scan_button)
    assert page.model.rowCount() == 1
    assert "案情" in page.short_hint.text() and not page.scan_button.isVisible()
    page.search.setText("张")  # a new word: by name first again (张三 is a party)
    page.apply_filter()
    assert page.model.rowCount() == 1 and page.scan_button.isVisible() and "1 件" in page.short_hint.text()
    page.search.setText("楼上漏水")  # three or more: the text index, no hint
    page.apply_filter()
    assert page.model.rowCount() == 1 and not page.short_hint.isVisible() and not page.scan_button.isVisible()
