"""首次设置 end to end: typed into the real pages, finished into a real database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import Runner
from xihu_desk.gui.wizard import PAGE_ADMIN, PAGE_DONE, PAGE_RECOVERY, PAGE_SUMMARY, PAGE_UNIT, SetupWizard
from xihu_desk.store import migrate
from xihu_desk.store.models import AuditEvent, Node, User

from .helpers import click, type_text, wait_op

STRONG = "Beishan-2026"


@pytest.fixture
def fresh(empty_data_dir):  # noqa: ANN001, ANN201
    opened = migrate.open_database(empty_data_dir)
    runner = Runner(opened.db, show_after_ms=50)
    yield AppContext(empty_data_dir, runner)
    runner.shutdown()
    opened.db.dispose()


def open_wizard(qtbot, ctx: AppContext) -> SetupWizard:  # noqa: ANN001
    wizard = SetupWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def next_button(wizard: SetupWizard):  # noqa: ANN201
    return wizard.button(QWizard.WizardButton.NextButton)


def test_wizard_end_to_end(qtbot, fresh, message_mock) -> None:  # noqa: ANN001
    wizard = open_wizard(qtbot, fresh)
    click(qtbot, next_button(wizard))
    assert wizard.currentId() == PAGE_UNIT
    unit = wizard.unit_page
    # 13 units: 10 streets and 2 towns for townships, the district for the district level.
    assert unit.org.count() == 12
    assert unit.org.itemText(0) == "北山街道（330106002）"
    unit.org.setCurrentIndex(unit.org.findData("330106109"))  # 三墩镇
    assert unit.parent_combo.currentText() == "西湖区（330106）"
    click(qtbot, next_button(wizard))
    assert wizard.currentId() == PAGE_ADMIN

    admin = wizard.admin_page
    qtbot.keyClicks(admin.username, "wangli")
    type_text(qtbot, admin.display_name, "王丽")
    qtbot.keyClicks(admin.password, "abc12")
    assert admin.password_hint.text() == "密码至少需要 8 位。"
    assert not next_button(wizard).isEnabled()
    admin.password.clear()
    qtbot.keyClicks(admin.password, "wangli-2026A")
    assert admin.password_hint.text() == "密码不能包含用户名。"
    admin.password.clear()
    qtbot.keyClicks(admin.password, STRONG)
    assert "符合要求" in admin.password_hint.text()
    qtbot.keyClicks(admin.confirm, STRONG + "x")
    assert admin.match_hint.text() == "两次输入的密码不一致。"
    assert not next_button(wizard).isEnabled()
    qtbot.keyClick(admin.confirm, Qt.Key.Key_Backspace)
    assert next_button(wizard).isEnabled()
    click(qtbot, next_button(wizard))

    assert wizard.currentId() == PAGE_SUMMARY
    summary = wizard.summary_page.summary.text()
    assert "三墩镇（330106109）" in summary and "wangli" in summary
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.text() == "开始初始化"
    assert wait_op(qtbot, fresh.runner, lambda: click(qtbot, commit))
    if wizard.currentId() == PAGE_RECOVERY:  # an encrypted node: its recovery key, shown once (test_recovery_page)
        wizard.recovery_page.kept.setChecked(True)
        click(qtbot, next_button(wizard))
    assert wizard.currentId() == PAGE_DONE
    shown = wizard.done_page.fingerprint.text()

    with fresh.db.read() as session:
        node = session.get(Node, 1)
        assert (node.org_code, node.level, node.parent_code) == ("330106109", "township", "330106")
        assert node.fingerprint == shown and len(shown) > 20
        user = session.scalar(select(User).where(User.username == "wangli"))
        assert (user.display_name, user.role) == ("王丽", "admin")
        init = session.scalar(select(AuditEvent).where(AuditEvent.action == "node.init"))
        assert init.actor.startswith("setup:")
    assert message_mock.messages == []
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert not wizard.isVisible()


def test_levels_fill_units_and_parent(qtbot, fresh) -> None:  # noqa: ANN001
    wizard = open_wizard(qtbot, fresh)
    wizard.next()
    unit = wizard.unit_page
    unit.findChild(type(unit.levels.button(0)), "level_district").click()
    assert [unit.org.itemText(i) for i in range(unit.org.count())] == ["西湖区（330106）"]
    assert not unit.parent_combo.isEnabled() and unit.parent_code() is None
    unit.findChild(type(unit.levels.button(0)), "level_community").click()
    unit.org.setCurrentIndex(unit.org.findData("330106005"))
    assert unit.parent_code() == "330106005"  # a community point reports to its own street's office
    assert unit.parent_combo.isEnabled()


def test_refusal_keeps_what_was_typed(qtbot, fresh, message_mock) -> None:  # noqa: ANN001
    from xihu_desk.services import node
    from xihu_desk.services.context import cli_actor

    wizard = open_wizard(qtbot, fresh)
    wizard.next()
    wizard.next()
    qtbot.keyClicks(wizard.admin_page.username, "wangli")
    type_text(qtbot, wizard.admin_page.display_name, "王丽")
    qtbot.keyClicks(wizard.admin_page.password, STRONG)
    qtbot.keyClicks(wizard.admin_page.confirm, STRONG)
    wizard.next()
    # Someone initialised this folder from the command line meanwhile: the service refuses.
    with fresh.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand("330106002", "township", None, "cli", STRONG))
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert not wait_op(qtbot, fresh.runner, lambda: click(qtbot, commit))
    assert message_mock.single("error").text == "本数据目录已初始化，不能再次初始化。如需重建，请换一个数据目录。"
    assert wizard.currentId() == PAGE_SUMMARY
    assert "已初始化" in wizard.summary_page.status.text()
    assert wizard.admin_page.username.text() == "wangli"
    assert wizard.admin_page.password.text() == STRONG
    assert commit.isEnabled()
