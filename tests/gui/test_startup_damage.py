"""The start-up offer of the newest good backup for every kind of damage (issues 11 and 12):
damaged pages, zero bytes, garbage, a record Alembic cannot read; declining keeps the program
read-only when the file can be read and ends it when it cannot; never a crash dialog."""

from __future__ import annotations

import pytest

from xihu_desk.gui.controller import AppController
from xihu_desk.gui.runner import Runner
from xihu_desk.store import backup, dbfile, migrate, sqlfile

from .conftest import ADMIN_PASSWORD
from .helpers import click, wait_op


def _drop_companions(path) -> None:  # noqa: ANN001
    for p in dbfile.companions(path):
        p.unlink()


def damage(path, how: str) -> None:  # noqa: ANN001
    _drop_companions(path)
    if how in ("one_table", "node_table"):  # followup: the start-up does not read it; node: it does
        conn = sqlfile.connect(path)
        table = "followup" if how == "one_table" else "node"
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        conn.close()
        raw = bytearray(path.read_bytes())
        for i in range(4096 * (root - 1), 4096 * root):
            raw[i] ^= 0xFF
        path.write_bytes(bytes(raw))
    elif how == "pages":
        raw = bytearray(path.read_bytes())
        for i in range(4096, 4096 * 5):
            raw[i] ^= 0xFF
        path.write_bytes(bytes(raw))
    elif how == "zero":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(b"not a database \xff\x00" * 4000)
    elif how == "alembic":
        conn = sqlfile.connect(path)
        conn.execute("UPDATE alembic_version SET version_num = CAST(X'FF8E' AS TEXT) || version_num")
        conn.commit()
        conn.close()


@pytest.fixture(autouse=True)
def crashes(monkeypatch):  # noqa: ANN001, ANN201
    """What would have gone to the crash dialog (a bug): must stay empty."""
    from xihu_desk.gui import crash

    seen: list[BaseException] = []
    monkeypatch.setattr(crash, "report", lambda exc, *_a, **_k: seen.append(exc))
    return seen


class Quits:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def _controller(data_dir, quits):  # noqa: ANN001, ANN202
    opened = migrate.open_database(data_dir)
    assert opened.problems and opened.db.write_blocked
    return AppController(data_dir, opened, runner=Runner(opened.db, show_after_ms=50), quit_app=quits)


def _close(c) -> None:  # noqa: ANN001
    for widget in (c.window, c.login, c.wizard):
        if widget is not None:
            widget.hide()
    c.shutdown()


@pytest.mark.parametrize("how", ["pages", "one_table", "zero", "garbage", "alembic"])
def test_the_offer_restores_and_the_administrator_signs_in(qtbot, data_dir, message_mock, crashes, how) -> None:  # noqa: ANN001
    good = backup.make_backup(data_dir.database, data_dir.backups, "manual")
    damage(data_dir.database, how)
    damaged_bytes = data_dir.database.read_bytes()
    quits = Quits()
    c = _controller(data_dir, quits)
    try:
        with qtbot.waitSignal(c.ctx.runner.finished, timeout=20000) as done:
            c.start()
        assert done.args[1] is True
        assert "数据库完整性检查未通过" in message_mock.questions[0]
        assert message_mock.of("info")[-1].text.startswith("已从备份恢复")
        assert not crashes and not message_mock.of("error")
        assert c.ctx.db.write_blocked is None and c.ctx.db.read_blocked is None and c.login is not None
        assert dbfile.inspect(data_dir.database, full=True).state == "ok"
        kept = list(data_dir.backups.glob("damaged-*"))
        assert len(kept) == 1 and (kept[0] / data_dir.database.name).read_bytes() == damaged_bytes
        assert str(kept[0]) in message_mock.of("info")[-1].text
        qtbot.keyClicks(c.login.username, "admin")
        qtbot.keyClicks(c.login.password, ADMIN_PASSWORD)
        assert wait_op(qtbot, c.ctx.runner, lambda: click(qtbot, c.login.login_button))
        assert c.window is not None and good.exists() and quits.count == 0
    finally:
        _close(c)


def test_declining_with_a_readable_database_opens_read_only(qtbot, data_dir, message_mock, crashes) -> None:  # noqa: ANN001
    backup.make_backup(data_dir.database, data_dir.backups, "manual")
    damage(data_dir.database, "one_table")
    message_mock.answer = False
    quits = Quits()
    c = _controller(data_dir, quits)
    try:
        c.start()
        assert c.login is not None and quits.count == 0 and c.ctx.db.write_blocked
        assert not crashes
        assert "取消" in message_mock.questions[0] and "只读" in message_mock.questions[0]
    finally:
        _close(c)


@pytest.mark.parametrize("with_backup", [True, False])
def test_an_unreadable_database_never_opens_and_never_crashes(qtbot, data_dir, message_mock, crashes, with_backup) -> None:  # noqa: ANN001
    if with_backup:
        backup.make_backup(data_dir.database, data_dir.backups, "manual")
    damage(data_dir.database, "zero")
    message_mock.answer = False  # declined (when there is something to decline)
    quits = Quits()
    c = _controller(data_dir, quits)
    try:
        c.start()
        assert quits.count == 1 and c.login is None and c.wizard is None  # not a new node: no set-up wizard
        assert not crashes
        if not with_backup:
            assert "没有找到完好的备份" in message_mock.of("warning")[-1].text
        assert data_dir.database.stat().st_size == 0  # left as it was
    finally:
        _close(c)


def test_declining_when_nothing_can_be_read_ends_with_a_message(qtbot, data_dir, message_mock, crashes) -> None:  # noqa: ANN001
    backup.make_backup(data_dir.database, data_dir.backups, "manual")
    damage(data_dir.database, "node_table")  # the schema can be read, the node cannot
    message_mock.answer = False
    quits = Quits()
    c = _controller(data_dir, quits)
    try:
        c.start()
        assert quits.count == 1 and c.login is None and not crashes
        assert "程序将退出" in message_mock.messages[-1].text, message_mock.messages
    finally:
        _close(c)


# About the SQLite file itself (its pages, its copy, its markers): skipped on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.sqlite_only
