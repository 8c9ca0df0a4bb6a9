"""用户管理 through the real dialogs: create, edit (committee kept), reset password, unlock."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from xihu_desk.domain.errors import UserError
from xihu_desk.gui.pages.users import PasswordDialog, UserDialog, UsersTab
from xihu_desk.services import auth, committees, users
from xihu_desk.store.models import AuditEvent, User

from .helpers import click, type_text, wait_op

PASSWORD = "Qiantang-2026"


@pytest.fixture
def users_tab(main_window) -> UsersTab:  # noqa: ANN001
    main_window.go("settings")
    tab = main_window.pages["settings"].users
    assert main_window.pages["settings"].tabs.currentWidget() is tab
    return tab


def test_admin_creates_a_user(qtbot, users_tab, main_window, ctx) -> None:  # noqa: ANN001
    assert users_tab.model.rowCount() == 1
    click(qtbot, users_tab.new_button)
    dialog = users_tab.dialog
    assert isinstance(dialog, UserDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "新建用户"
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.username, "lihua")
    type_text(qtbot, dialog.display_name, "李华")
    dialog.role.setCurrentIndex(dialog.role.findData("mediator"))
    assert "查看案件" in dialog.role_hint.text()
    dialog.committee.setCurrentIndex(dialog.committee.findText("北山街道人民调解委员会"))
    qtbot.keyClicks(dialog.password, "short1A")
    assert dialog.check.hint.text() == "密码至少需要 8 位。"
    assert not dialog.save_button.isEnabled()
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.confirm, PASSWORD)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    assert not dialog.isVisible()

    with ctx.db.read() as session:
        user = session.scalar(select(User).where(User.username == "lihua"))
        assert (user.display_name, user.role, user.active) == ("李华", "mediator", True)
        assert user.committee_uuid is not None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                        AuditEvent.entity_id == user.uuid))
        assert event.actor == "admin" and event.summary == "新建用户 lihua（调解员）"
    assert auth.sign_in(ctx.db, "lihua", PASSWORD).name == "lihua"
    assert users_tab.model.rowCount() == 2
    assert users_tab.selected().username == "lihua"
    assert main_window.statusBar().currentMessage() == "已新建用户 lihua"


def test_refused_save_keeps_the_form(qtbot, users_tab, ctx) -> None:  # noqa: ANN001
    click(qtbot, users_tab.new_button)
    dialog = users_tab.dialog
    qtbot.keyClicks(dialog.username, "admin")  # taken
    type_text(qtbot, dialog.display_name, "另一个")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.confirm, PASSWORD)
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    assert dialog.isVisible()
    assert dialog.error_label.text() == "用户名“admin”已存在。"
    assert dialog.display_name.text() == "另一个" and dialog.password.text() == PASSWORD
    assert dialog.save_button.isEnabled()


def test_edit_keeps_committee_and_reset_and_unlock(qtbot, users_tab, ctx, admin) -> None:  # noqa: ANN001
    with ctx.db.write() as session:
        own = committees.list_committees(session)[0].uuid
        users.create_user(session, admin, users.UserCommand("lihua", "李华", "mediator", PASSWORD,
                                                            committee_uuid=own))
    for _ in range(5):
        with pytest.raises(UserError):
            auth.sign_in(ctx.db, "lihua", "Wrong-pass-9")
    users_tab.refresh()
    row = next(i for i, r in enumerate(users_tab.model.rows) if r.username == "lihua")
    assert users_tab.model.index(row, 3).data() == "已锁定"
    users_tab.view.selectRow(row)

    # Edit the name: the committee shown is the stored one and stays after saving.
    click(qtbot, users_tab.edit_button)
    dialog = users_tab.dialog
    assert dialog.username.isReadOnly() and not dialog.password.isVisible()
    assert dialog.committee.currentData() == own
    dialog.display_name.clear()
    type_text(qtbot, dialog.display_name, "李华华")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    with ctx.db.read() as session:
        user = session.scalar(select(User).where(User.username == "lihua"))
        assert (user.display_name, user.committee_uuid) == ("李华华", own)

    # Unlock.
    assert users_tab.unlock_button.isEnabled()
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, users_tab.unlock_button))
    assert users_tab.model.index(row, 3).data() == "正常"

    # Reset the password.
    click(qtbot, users_tab.password_button)
    dialog = users_tab.dialog
    assert isinstance(dialog, PasswordDialog) and not dialog.old_password.isVisible()
    qtbot.keyClicks(dialog.password, "Xixi-wetland-9")
    qtbot.keyClicks(dialog.confirm, "Xixi-wetland-9")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    assert auth.sign_in(ctx.db, "lihua", "Xixi-wetland-9").name == "lihua"
    with ctx.db.read() as session:
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "admin")).all()
    assert {"user.update", "user.unlock", "user.password"} <= set(actions)


def test_change_own_password_needs_the_old_one(qtbot, main_window, ctx) -> None:  # noqa: ANN001
    from .conftest import ADMIN_PASSWORD

    main_window.change_own_password()
    dialog = main_window.dialog
    assert dialog.windowTitle() == "修改我的密码" and dialog.old_password.isVisible()
    qtbot.keyClicks(dialog.old_password, "not-the-old-1A")
    qtbot.keyClicks(dialog.password, "Xixi-wetland-9")
    qtbot.keyClicks(dialog.confirm, "Xixi-wetland-9")
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    assert dialog.error_label.text() == "原密码不正确。"
    dialog.old_password.clear()
    qtbot.keyClicks(dialog.old_password, ADMIN_PASSWORD)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    assert auth.sign_in(ctx.db, "admin", "Xixi-wetland-9").name == "admin"
    assert main_window.statusBar().currentMessage() == "密码已修改"
