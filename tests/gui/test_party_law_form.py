"""The party editor under the law (issue 14), driven through its widgets: a 16-year-old is refused
without a legal representative (the message at the field), accepted with one, or acting alone on
their own income when the tick has a reason; tags and 送达地址 saved; 未成年人 suggested."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from stdnum.cn import ric

from tests import casekit
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.store.case_models import Party

from .casegui import check, column, head, page, pick  # noqa: F401 - fixtures
from .helpers import click, type_text, wait_op

ADULT = "330106198001010013"


@pytest.fixture
def roster(db, head):  # noqa: F811
    return casekit.roster(db, head)


def _sixteen(dialog: CaseDialog) -> str:
    on = dialog.accepted_on()
    body = f"330106{on.year - 16}0101001"  # 16 on the accepted date (born 1 January)
    return body + ric.calc_check_digit(body + "0")


def _new_case(qtbot, page, roster) -> CaseDialog:  # noqa: F811
    dialog = page.new_case()
    qtbot.waitExposed(dialog)
    intake = dialog.intake
    pick(intake.dispute_type, "02")
    type_text(qtbot, intake.summary, "两家因楼上漏水发生争执。")
    names = column(intake.mediator_table, 0)
    check(intake.mediator_table, names.index("周调解"), 1)
    dialog.show_tab(dialog.parties)
    parties = dialog.parties
    parties.table.setCurrentCell(0, 0)
    type_text(qtbot, parties.name, "张三")
    qtbot.keyClicks(parties.id_number, ADULT)
    qtbot.keyClicks(parties.phone, "13800000001")
    parties.table.setCurrentCell(1, 0)
    type_text(qtbot, parties.name, "王小明")
    qtbot.keyClicks(parties.id_number, _sixteen(dialog))
    return dialog


def _minor(db) -> Party | None:
    with db.read() as s:
        return s.scalar(select(Party).where(Party.name == "王小明"))


def test_sixteen_year_old_refused_without_representative_then_accepted(qtbot, db, runner, page, roster) -> None:  # noqa: F811
    dialog = _new_case(qtbot, page, roster)
    parties, law = dialog.parties, dialog.parties.law
    assert parties.guardian_message.isVisible() and "未满 18 周岁" in parties.guardian_message.text()
    assert "未成年人" in law.tag_hint.text()  # suggested from the age, not ticked
    with qtbot.assertNotEmitted(runner.started):
        click(qtbot, dialog.save_button)
    assert "法定代理人" in parties.errors.message("guardian") and _minor(db) is None
    type_text(qtbot, parties.guardian, "王大明")
    assert not parties.guardian_message.isVisible()
    with qtbot.assertNotEmitted(runner.started):
        click(qtbot, dialog.save_button)
    assert "关系" in parties.errors.message("rep_relation")
    type_text(qtbot, law.rep_relation, "父亲")
    type_text(qtbot, law.rep_phone, "13900000000")
    type_text(qtbot, law.rep_id_number, ADULT)
    type_text(qtbot, law.service_address, "杭州市西湖区灵隐街道8号")
    click(qtbot, law.tag_boxes["03"])
    assert not law.tag_hint.isVisible()
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    minor = _minor(db)
    assert minor is not None and (minor.guardian, minor.rep_relation, minor.rep_phone) == ("王大明", "父亲", "13900000000")
    assert minor.service_address == "杭州市西湖区灵隐街道8号" and minor.tags == "03"


def test_sixteen_year_old_with_own_income_acts_alone_with_a_reason(qtbot, db, runner, page, roster) -> None:  # noqa: F811
    dialog = _new_case(qtbot, page, roster)
    parties, law = dialog.parties, dialog.parties.law
    click(qtbot, law.acts_alone)
    assert not parties.guardian_message.isVisible()  # acting alone: no representative asked for
    with qtbot.assertNotEmitted(runner.started):
        click(qtbot, dialog.save_button)
    assert "写明依据" in parties.errors.message("acts_alone_reason")
    type_text(qtbot, law.acts_alone_reason, "在杭州某餐馆全职工作，月收入 4000 元")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    minor = _minor(db)
    assert minor is not None and minor.acts_alone and minor.guardian == "" and "餐馆" in minor.acts_alone_reason


def test_failed_case_records_routes_and_referral_in_the_outcome_tab(qtbot, db, runner, page, head, roster) -> None:  # noqa: F811
    from datetime import date

    from xihu_desk.domain.cases import Outcome
    from xihu_desk.services import case_queries, cases

    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.close_without_agreement(s, head, ref.uuid, Outcome.FAILED, date(2026, 3, 9), "分歧过大", routes_told=True)
    dialog = page.open_case(ref.uuid)
    qtbot.waitExposed(dialog)
    dialog.show_tab(dialog.outcome)
    box = dialog.outcome.routes_box
    assert box.isVisible() and box.save_button.isVisible()
    click(qtbot, box.routes["litigation"])
    pick(box.referral, "court")
    # no receiving body: the service refuses, the message stands under the field
    assert not wait_op(qtbot, runner, lambda: click(qtbot, box.save_button))
    assert "接收转介的机构" in box.errors.message("referral_body") and box.body_error.isVisible()
    type_text(qtbot, box.body, "杭州市西湖区人民法院")
    assert wait_op(qtbot, runner, lambda: click(qtbot, box.save_button))
    with db.read() as s:
        detail = case_queries.case_detail(s, head, ref.uuid)
    assert detail["told_routes"] == ["诉讼"] and detail["referral"]["body"] == "杭州市西湖区人民法院"
    assert dialog.outcome.routes_box.body.text() == "杭州市西湖区人民法院"  # read again after saving
