"""登录: success, refusals under the fields, and the lockout after five wrong passwords."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from xihu_desk.gui import prefs
from xihu_desk.gui.login import LoginDialog
from xihu_desk.store.models import AuditEvent, User

from .conftest import ADMIN_PASSWORD
from .helpers import click, wait_op


def open_login(qtbot, ctx) -> LoginDialog:  # noqa: ANN001
    dialog = LoginDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def sign_in(qtbot, ctx, dialog: LoginDialog, password: str) -> bool:  # noqa: ANN001
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    return wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.login_button))


def test_login_success(qtbot, ctx) -> None:  # noqa: ANN001
    dialog = open_login(qtbot, ctx)
    assert dialog.org_label.text() == "北山街道（330106002）"
    assert dialog.level_label.text() == "街道（镇）司法所"
    qtbot.keyClicks(dialog.username, "admin")
    with qtbot.waitSignal(dialog.signed_in) as signed:
        assert sign_in(qtbot, ctx, dialog, ADMIN_PASSWORD)
    actor = signed.args[0]
    assert (actor.name, actor.display_name) == ("admin", "王管理")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert prefs.get_text(prefs.LAST_USERNAME_KEY) == "admin"  # offered next time


def test_empty_fields_are_refused_before_asking(qtbot, ctx) -> None:  # noqa: ANN001
    dialog = open_login(qtbot, ctx)
    with qtbot.assertNotEmitted(ctx.runner.started):
        click(qtbot, dialog.login_button)
    assert dialog.error_label.text() == "请输入用户名。"


def test_lockout_after_five_wrong_passwords(qtbot, ctx) -> None:  # noqa: ANN001
    dialog = open_login(qtbot, ctx)
    qtbot.keyClicks(dialog.username, "admin")
    assert not sign_in(qtbot, ctx, dialog, "Wrong-pass-1")
    assert dialog.error_label.text() == "用户名或密码不正确。再错 4 次账户将被锁定。"
    assert dialog.password.text() == ""  # cleared for the next try; the user name stays
    assert dialog.username.text() == "admin"
    for _ in range(4):
        assert not sign_in(qtbot, ctx, dialog, "Wrong-pass-1")
    assert dialog.error_label.text() == "密码连续错误 5 次，账户已锁定 15 分钟。"
    # Locked: even the right password is refused now.
    assert not sign_in(qtbot, ctx, dialog, ADMIN_PASSWORD)
    assert dialog.error_label.text().startswith("该账户因多次输入错误密码已锁定")
    assert dialog.isVisible()
    with ctx.db.read() as session:
        user = session.scalar(select(User).where(User.username == "admin"))
        assert user.locked_until is not None
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "admin")).all()
        assert actions.count("user.login_failed") == 4 and actions.count("user.locked") == 1
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "user.login")) == 0  # the right password did not get in
