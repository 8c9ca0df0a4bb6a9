"""A full disk in the program (issue 12): a file written outside the database (an export, a PDF)
or a unit of work that hits SQLITE_FULL gives the one 磁盘已满 message, never the crash dialog."""

from __future__ import annotations

import errno

import pytest
from sqlalchemy import text

from xihu_desk.gui import crash


@pytest.fixture
def crashes(monkeypatch):  # noqa: ANN001, ANN201
    seen: list[BaseException] = []
    monkeypatch.setattr(crash, "report", lambda exc, *_a, **_k: seen.append(exc))
    return seen


def _run(qtbot, runner, work) -> None:  # noqa: ANN001
    with qtbot.waitSignal(runner.finished, timeout=10000):
        runner.call(work)


def test_no_space_for_a_file_is_one_message(qtbot, runner, message_mock, crashes, tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "usb" / "报表.xlsx"

    def work(_progress):  # noqa: ANN001, ANN202
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    _run(qtbot, runner, work)
    assert not crashes
    shown = message_mock.single("error").text
    assert shown.startswith("磁盘已满：") and str(target.parent) in shown and "恢复" not in shown


@pytest.mark.sqlite_only  # SQLITE_FULL through PRAGMA max_page_count: the SQLite file's own limit
def test_sqlite_full_in_a_unit_of_work_is_one_message(qtbot, runner, db, message_mock, crashes) -> None:  # noqa: ANN001
    def work(_progress):  # noqa: ANN001, ANN202
        with db.write() as s:
            s.execute(text("CREATE TABLE filler (x BLOB)"))
            pages = s.execute(text("PRAGMA page_count")).scalar()
            s.execute(text(f"PRAGMA max_page_count = {pages + 1}"))
            s.execute(text("INSERT INTO filler VALUES (randomblob(100000))"))

    _run(qtbot, runner, work)
    assert not crashes
    assert message_mock.single("error").text.startswith("磁盘已满：")
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'filler'")).scalar() == 0
