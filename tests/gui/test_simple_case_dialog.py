"""简易程序（当场调解）: a dispute settled on the spot goes from intake to filed on one screen; the
screen says what filing needs; a refusal keeps what was typed; 转为普通程序 keeps the case's data."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests import casekit
from xihu_desk.gui.cases.simple import SimpleCaseDialog, convert_to_ordinary
from xihu_desk.services import case_queries

from .casegui import pick, tick


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def dialog(qtbot, ctx, db, head) -> SimpleCaseDialog:
    casekit.roster(db, head)
    widget = SimpleCaseDialog(ctx, head)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _fill(qtbot, dialog: SimpleCaseDialog) -> None:
    pick(dialog.dispute_type, "02")
    dialog.summary.setPlainText("楼上空调外机滴水落到楼下阳台，双方在楼道争执。")  # keyClicks types ASCII only
    dialog.set_party(0, "张三", "330106198001010013", "13800000001", "杭州市西湖区曙光路1号")
    dialog.set_party(1, "李四", "11010519491231002X", "13800000002")
    dialog.clauses.setPlainText("李四当日调整空调外机排水管走向。\n双方今后和睦相处。")
    dialog.method.setText("当场自行调整")


def test_a_simple_case_from_intake_to_filed_on_one_screen(qtbot, dialog, ctx, head, runner) -> None:
    needs = dialog.needs_label.text()
    assert "人民调解口头协议登记表" in needs and "当事人身份证明" in needs and "调解记录" not in needs
    _fill(qtbot, dialog)
    assert [dialog.mediator.itemText(i) for i in range(dialog.mediator.count())] == ["吴调解", "周调解"]  # the roster
    dialog.mediator.setCurrentIndex(1)
    tick(qtbot, dialog.file_now)
    pick(dialog.retention, "10y")
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    uuid = created.args[0]
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ctx.db.read() as s:
        d = case_queries.case_detail(s, head, uuid)
    assert d["procedure"] == "simple" and d["status"] == "filed" and d["filing"]["retention"] == "10y"
    assert d["agreement"]["form"] == "oral" and d["agreement"]["performed_on_the_spot"]
    assert [p["name"] for p in d["parties"]] == ["张三", "李四"] and d["mediators"] == ["周调解"]
    assert d["records"] == [] and d["closing_report"] == ""  # not asked under the simple procedure


def test_a_refusal_keeps_what_was_typed(qtbot, dialog, ctx, head) -> None:
    _fill(qtbot, dialog)
    dialog.method.clear()  # the way of performance is required
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "未登记" in dialog.message_label.text(), timeout=10_000)
    assert "履行方式" in dialog.message_label.text()
    assert dialog.isVisible() and dialog.register_button.isEnabled()
    assert dialog.clauses.toPlainText().startswith("李四当日") and dialog.parties.item(0, 1).text() == "张三"
    with ctx.db.read() as s:
        assert case_queries.count_cases(s, head, case_queries.CaseFilter(), dialog.settled_on.date().toPython()) == 0


def test_a_minor_is_sent_to_the_ordinary_intake_where_a_representative_is_recorded(qtbot, dialog, ctx, head) -> None:
    from stdnum.cn import ric

    _fill(qtbot, dialog)
    body = f"330106{dialog.settled_on.date().year() - 16}0101001"  # sixteen on the day
    dialog.set_party(1, "李小四", body + ric.calc_check_digit(body + "0"), "13800000002")
    qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "未登记" in dialog.message_label.text(), timeout=10_000)
    text = dialog.message_label.text()
    assert "法定代理人" in text and "普通程序" in text and dialog.register_button.isEnabled()


def test_conversion_to_ordinary_keeps_the_data(qtbot, dialog, ctx, head, message_mock) -> None:
    _fill(qtbot, dialog)
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    uuid = created.args[0]
    with ctx.db.read() as s:
        before = case_queries.case_detail(s, head, uuid)
    done: list[str] = []
    ask = convert_to_ordinary(ctx, head, dialog.parentWidget() or dialog, uuid, before["case_no"], done.append)
    ask.reason.setText("当事人要求出具书面协议")
    qtbot.mouseClick(ask.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: done == [uuid], timeout=10_000)
    with ctx.db.read() as s:
        after = case_queries.case_detail(s, head, uuid)
    assert after["procedure"] == "ordinary"
    for key in ("case_no", "parties", "agreement", "mediators", "status"):
        assert after[key] == before[key], key
    assert any("已转为普通程序" in m.text and "调解记录" in m.text for m in message_mock.messages)


def test_the_district_setting_in_system_params_changes_what_the_screen_says(qtbot, ctx, db, head, admin) -> None:
    from xihu_desk.gui.pages.system import ParamsTab

    tab = ParamsTab(ctx, admin)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    spin = tab.spins["simple_filing_record"]
    assert spin.text() == "不要求" and tab.spins["simple_filing_id_proofs"].text() == "要求"
    spin.stepUp()
    assert spin.text() == "要求"
    with qtbot.waitSignal(tab.saved, timeout=10_000):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    casekit.roster(db, head)
    dialog = SimpleCaseDialog(ctx, head)
    qtbot.addWidget(dialog)
    assert "人民调解记录" in dialog.needs_label.text()


def test_the_home_page_opens_it_and_the_new_case_opens_in_the_case_area(qtbot, ctx, db, head) -> None:
    from xihu_desk.gui.pages.home import HomePage

    casekit.roster(db, head)
    page = HomePage(ctx, head, "北山街道")
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    opened: list[tuple[str, str]] = []
    page.open_record.connect(lambda kind, uuid: opened.append((kind, uuid)))
    qtbot.mouseClick(page.simple_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(SimpleCaseDialog)
    assert dialog is not None and dialog.isVisible()
    _fill(qtbot, dialog)
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert opened == [("cases", created.args[0])] or opened[0][1] == created.args[0]


def test_the_case_page_opens_it_tags_the_case_and_offers_the_conversion(qtbot, ctx, db, head) -> None:
    from PySide6.QtWidgets import QMenu

    from xihu_desk.gui.cases.model import TITLE
    from xihu_desk.gui.cases.page import CasesPage

    casekit.roster(db, head)
    page = CasesPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    qtbot.waitExposed(page)
    page.simple_action.trigger()
    dialog = page.findChild(SimpleCaseDialog)
    assert dialog is not None and dialog.isVisible()
    _fill(qtbot, dialog)
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    uuid = created.args[0]
    assert uuid in page.dialogs  # the new case opens in its form, which says its procedure
    assert page.dialogs[uuid].facts_label.text().startswith("已结案（简易程序）")
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.data(page.model.index(0, TITLE)).startswith("〔简易〕")
    menu = QMenu()
    page.context_menu(menu, uuid)
    assert "转为普通程序…" in [a.text() for a in menu.actions()]


def test_a_linked_mediator_finds_themself_chosen(qtbot, ctx, db, head, admin) -> None:
    from xihu_desk.domain.roles import Role
    from xihu_desk.services import auth, users

    zhou, _wu = casekit.roster(db, head)
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand("zhou", "周调解", Role.MEDIATOR.value, "Qiantang-2026",
                                                      mediator_uuid=zhou))
    widget = SimpleCaseDialog(ctx, auth.sign_in(db, "zhou", "Qiantang-2026"))
    qtbot.addWidget(widget)
    assert widget.mediator.itemText(0) == "吴调解"  # the roster's first, not the one signed in
    assert widget.mediator.currentData() == zhou and widget.mediator.currentText() == "周调解"
