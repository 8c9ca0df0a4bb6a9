"""数据安全 page and the encrypted database (issue 21): the page says whether the file is encrypted,
where its key is sealed and when the recovery key was set (the facts ``check --json`` reports);
更换恢复密钥 shows the new key once with the sheet and 我已妥善保管, after which the old key opens
no backup made since; a backup no key of this account opens asks for its recovery key, a wrong
one is refused in Chinese with nothing changed, the right one restores; a plain node is encrypted
from the page and its key shown the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain import clock
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.pages.datasafety import DataSafetyTab
from xihu_desk.gui.pages.datasafety_keys import RecoveryCodeDialog
from xihu_desk.gui.recovery_page import RecoveryKeyDialog
from xihu_desk.gui.runner import Runner
from xihu_desk.paths import DataDir
from xihu_desk.services import at_rest, auth, node, settings
from xihu_desk.services.context import cli_actor
from xihu_desk.store import backup, db_key, migrate, recovery_code, sqlfile
from xihu_desk.store.models import AuditEvent

from .helpers import click, wait_op

pytestmark = pytest.mark.sqlite_only  # the SQLite file and its key


def _tab(qtbot, ctx, actor) -> DataSafetyTab:
    tab = DataSafetyTab(ctx, actor)
    qtbot.addWidget(tab)
    tab.resize(1000, 700)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def _forget_keys(monkeypatch) -> None:
    """As on another PC: this process has seen no key (the folder's sealed keys still count)."""
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    monkeypatch.setattr(sqlfile, "_given", [])


def _idle_minutes(ctx: AppContext) -> int:
    with ctx.db.read() as session:
        return settings.get(session, "idle_lock_minutes")


def _set_idle_minutes(ctx: AppContext, admin, minutes: int) -> None:
    with ctx.db.write() as session:
        settings.update(session, admin, {"idle_lock_minutes": minutes})


def test_the_page_says_encrypted_where_the_key_is_and_when_the_recovery_key_was_set(qtbot, ctx, admin) -> None:
    tab = _tab(qtbot, ctx, admin)
    group = tab.encryption
    assert group is not None
    status = at_rest.status(ctx.data)  # the service check --json reports from
    assert group.state.text().startswith("是") and group.sealed.text() == status.sealed
    assert "密钥文件" in group.sealed.text()  # the tests seal keys in files (conftest)
    assert clock.local_today().isoformat() in group.recovery.text()  # node.init: today
    assert group.rekey_button.isVisible() and not group.encrypt_button.isVisible()
    assert tab.restore_file_button.isVisible()


def test_rekey_shows_the_key_once_and_the_old_key_opens_no_later_backup(
    qtbot,
    ctx,
    admin,
    message_mock,
    monkeypatch,
    tmp_path,
) -> None:
    old_key = sqlfile.key_for(ctx.data.database)
    tab = _tab(qtbot, ctx, admin)
    group = tab.encryption
    message_mock.answer = False
    with qtbot.assertNotEmitted(ctx.runner.started):
        click(qtbot, group.rekey_button)
    assert "旧的恢复密钥不能再打开" in message_mock.questions[-1]
    message_mock.answer = True
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, group.rekey_button), timeout=20_000)
    box = group.key_dialog
    assert isinstance(box, RecoveryKeyDialog)
    code = box.panel.key.text()
    assert recovery_code.derive_key(code) == db_key.current_key(ctx.data.root) != old_key
    assert not box.ok.isEnabled()  # 我已妥善保管 first
    box.panel.print_sheet()  # the sheet for the new key, in the print preview
    assert box.panel.preview is not None and box.panel.preview.pages == 1
    box.panel.preview.close()
    box.panel.kept.setChecked(True)
    assert box.ok.isEnabled()
    click(qtbot, box.ok)
    assert group.key_dialog is None
    with ctx.db.read() as session:  # audited by the service the command line's rekey uses
        assert session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "data.rekey")) == admin.name

    # the window goes on with the re-keyed file: a backup from the page, made after the change
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.backup_button), timeout=20_000)
    usb = tmp_path / "usb"
    usb.mkdir()
    later = Path(shutil.copy2(tab.backups[0].path, usb / "after-rekey.sqlite3"))
    _forget_keys(monkeypatch)
    assert not sqlfile.opens(later, old_key) and sqlfile.opens(later, recovery_code.derive_key(code))
    ctx.db.dispose()


def _rekeyed_copy(ctx: AppContext, folder: Path) -> tuple[Path, str]:
    """This node's backup as another PC or account would hold it: encrypted under a recovery key
    no key sealed here stands for."""
    made = backup.make_backup(ctx.data.database, ctx.data.backups, "manual")
    folder.mkdir(exist_ok=True)
    copy = Path(shutil.copy2(made, folder / "other-pc.sqlite3"))
    made.unlink()
    code = recovery_code.new_code()
    conn = sqlfile.connect(copy, key=sqlfile.key_for(copy), isolation_level=None)
    try:
        conn.execute(f"PRAGMA rekey = \"x'{recovery_code.derive_key(code).hex()}'\"")
    finally:
        conn.close()
    return copy, code


def test_a_backup_of_another_pc_asks_for_its_recovery_key(qtbot, ctx, admin, message_mock, monkeypatch, tmp_path) -> None:
    source, code = _rekeyed_copy(ctx, tmp_path / "usb")
    _set_idle_minutes(ctx, admin, 99)  # a change after the backup: gone again once it is restored
    _forget_keys(monkeypatch)
    tab = _tab(qtbot, ctx, admin)
    before = {b.path.name for b in backup.list_backups(ctx.data.backups)}

    assert wait_op(qtbot, ctx.runner, lambda: tab.restore_path(source))
    assert "替换当前全部数据" in message_mock.questions[-1]
    dialog = tab.findChild(RecoveryCodeDialog)
    assert dialog is not None and dialog.isVisible() and not dialog.ok.isEnabled()

    # a slipped character: caught before anything is read
    dialog.code.setText(code[:-1] + ("A" if code[-1] != "A" else "B"))
    with qtbot.assertNotEmitted(ctx.runner.started):
        click(qtbot, dialog.ok)
    assert "抄错" in dialog.error.text()

    # another node's key, well formed: refused off the GUI thread, nothing changed
    dialog.code.setText(recovery_code.new_code().replace("-", " "))
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.ok))  # refused
    assert "恢复密钥打不开备份" in dialog.error.text() and "没有改变" in dialog.error.text()
    assert dialog.isVisible() and _idle_minutes(ctx) == 99
    assert dialog.height() >= dialog.box.heightForWidth(dialog.width())  # the message's lines whole
    assert {b.path.name for b in backup.list_backups(ctx.data.backups)} == before

    # the right key, read from its key file (the grouping the sheet prints), restores
    key_file = tmp_path / "usb" / "恢复密钥.txt"
    key_file.write_text(recovery_code.file_text(code), encoding="utf-8")
    dialog.load_file(key_file)
    assert dialog.code.text() == code
    replaced: list = []
    tab.database_replaced.connect(replaced.append)
    shown = len(message_mock.messages)
    click(qtbot, dialog.ok)
    qtbot.waitUntil(lambda: bool(replaced) or len(message_mock.messages) > shown, timeout=20_000)
    assert replaced, [m.text for m in message_mock.messages[shown:]]
    restored = replaced[0]
    try:
        with restored.db.read() as session:
            assert settings.get(session, "idle_lock_minutes") != 99
    finally:
        restored.db.dispose()
    assert any(b.reason == "before-restore" for b in backup.list_backups(ctx.data.backups))


@pytest.fixture
def plain_ctx(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "plain-office")
    with monkeypatch.context() as m:
        m.setattr(db_key, "create", lambda root: None)  # a node made before issue 21
        opened = migrate.open_database(data)
    with opened.db.write() as session:
        node.init_node(
            session,
            cli_actor(),
            node.InitCommand("330106002", "township", None, "admin", ADMIN_PASSWORD, "王管理"),
        )
    runner = Runner(opened.db, show_after_ms=50)
    yield AppContext(data, runner), auth.sign_in(opened.db, "admin", ADMIN_PASSWORD)
    runner.db.dispose()
    runner.shutdown()


def test_a_plain_node_is_encrypted_from_the_page_and_its_key_shown_to_print(qtbot, plain_ctx, message_mock) -> None:
    ctx, admin = plain_ctx
    tab = _tab(qtbot, ctx, admin)
    group = tab.encryption
    assert group.state.text().startswith("否") and group.encrypt_button.isVisible()
    assert not group.rekey_button.isVisible()
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, group.encrypt_button), timeout=30_000)
    box = tab.findChild(RecoveryKeyDialog)
    assert box is not None and box.isVisible()
    code = box.panel.key.text()
    assert recovery_code.derive_key(code) == db_key.current_key(ctx.data.root)
    assert not box.ok.isEnabled()
    box.panel.print_sheet()  # the node's facts read from the encrypted file the window now uses
    assert box.panel.preview is not None and box.panel.preview.pages == 1
    box.panel.preview.close()
    box.panel.kept.setChecked(True)
    click(qtbot, box.ok)
    assert group.state.text().startswith("是") and group.rekey_button.isVisible()
    assert not group.encrypt_button.isVisible()


def test_another_offices_backup_is_restored_only_once_the_move_is_confirmed(
    qtbot, ctx, admin, message_mock, monkeypatch, tmp_path
) -> None:
    """西溪街道's backup on 北山街道's PC: its own recovery key, then a second question naming both
    offices (the command line's --other-node); declined, nothing changed."""
    other = DataDir(tmp_path / "xixi")
    opened = migrate.open_database(other)
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand("330106004", "township", None, "admin", ADMIN_PASSWORD))
    code = at_rest.take_recovery_code(other.root)
    made = backup.make_backup(other.database, other.backups, "manual")
    opened.db.dispose()
    source = Path(shutil.copy2(made, tmp_path / "usb-xixi.sqlite3"))
    shutil.rmtree(other.root)  # as on another PC: neither its folder nor its key is here
    _forget_keys(monkeypatch)
    tab = _tab(qtbot, ctx, admin)

    assert wait_op(qtbot, ctx.runner, lambda: tab.restore_path(source))
    dialog = tab.findChild(RecoveryCodeDialog)
    dialog.code.setText(code)
    message_mock.answer = False  # the move is declined
    asked = len(message_mock.questions)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.ok))
    moving = message_mock.questions[asked:]
    assert len(moving) == 1 and "西溪街道" in moving[0] and "北山街道" in moving[0] and "接替" in moving[0]
    with ctx.db.read() as session:
        assert node.node_info(session).org_code == "330106002"

    # again: the key typed once is known to this program now, so only the two questions are asked
    message_mock.answer = True
    replaced: list = []
    tab.database_replaced.connect(replaced.append)
    tab.restore_path(source)
    qtbot.waitUntil(lambda: bool(replaced) or bool(message_mock.of("error")), timeout=20_000)
    assert replaced, [m.text for m in message_mock.messages]
    assert tab.findChild(RecoveryCodeDialog) is None or not tab.findChild(RecoveryCodeDialog).isVisible()
    result = replaced[0]
    try:
        assert result.other_node and result.node.org_code == "330106004"
    finally:
        result.db.dispose()
