"""``check`` and backups of a large database: how long they will take (from the file's size),
progress in thousandths to a ``step(done=, stage=, total=)`` object, and a stop asked for through
it (the GUI's 取消, Ctrl-C on the command line) ends the work, leaving no partial backup."""

from __future__ import annotations

import io

import pytest

from xihu_desk.cli.progress import StderrProgress
from xihu_desk.services import maintenance
from xihu_desk.services.context import cli_actor
from xihu_desk.store import backup, dbfile
from xihu_desk.store import progress as estimates


class Stop(Exception):
    """Stands in for the runner's Cancelled."""


class Recorder:
    def __init__(self, stop_at: int | None = None, stage: str = "") -> None:
        self.steps: list[tuple[int, str, int]] = []
        self.stop_at, self.stage = stop_at, stage

    def step(self, done: int | None = None, stage: str | None = None, total: int | None = None) -> None:
        self.steps.append((done or 0, stage or "", total or 0))
        if self.stop_at is not None and len(self.steps) >= self.stop_at and self.stage in (stage or ""):
            raise Stop


@pytest.fixture(autouse=True)
def often(monkeypatch: pytest.MonkeyPatch) -> None:
    """A small test database: SQLite's progress handler called often, the copy in many steps."""
    monkeypatch.setattr(dbfile, "PROGRESS_STEPS", 200)
    monkeypatch.setattr(backup, "STEP_PAGES", 8)


def test_the_estimate_follows_the_file_size(data_dir, db) -> None:
    size = data_dir.database.stat().st_size
    assert maintenance.check_estimate(data_dir) == pytest.approx(size / estimates.CHECK_BYTES_PER_S)
    assert 30 < estimates.check_seconds(2_700_000_000) < 120  # the million-case node: ~45 s measured
    assert maintenance.backup_estimate(data_dir) > maintenance.check_estimate(data_dir)
    assert estimates.duration_text(70) == "约 70 秒" and estimates.duration_text(600) == "约 10 分钟"


def test_check_reports_progress_in_order_to_the_end(data_dir, db) -> None:
    seen = Recorder()
    report = maintenance.check(data_dir, db, progress=seen)
    assert report.ok
    done = [d for d, _, _ in seen.steps]
    assert done == sorted(done) and {t for _, _, t in seen.steps} == {1000}
    stages = [s for _, s, _ in seen.steps]
    assert "正在检查数据库文件…" in stages and stages[-1] == "正在核对案件记录…"
    assert done[-1] >= 1000 * maintenance.CHAIN_SHARE


def test_a_stop_during_the_file_check_ends_the_check(data_dir, db) -> None:
    with pytest.raises(Stop):
        maintenance.check(data_dir, db, progress=Recorder(stop_at=2, stage="检查数据库文件"))


def test_backup_reports_the_copy_then_the_check(data_dir, db) -> None:
    seen = Recorder()
    path = maintenance.backup_now(data_dir, db, cli_actor(), progress=seen)
    backup.verify(path)
    stages = [s for _, s, _ in seen.steps]
    assert stages[0] == "正在复制数据库…" and stages[-1] == "正在校验备份…"
    assert stages.count("正在复制数据库…") > 3  # step by step: the program writes between steps
    done = [d for d, _, _ in seen.steps]
    assert done == sorted(done)


@pytest.mark.parametrize("stage", ["复制", "校验"])
def test_a_cancelled_backup_leaves_no_partial_file(data_dir, db, stage) -> None:
    before = set(data_dir.backups.glob("*")) if data_dir.backups.exists() else set()
    with pytest.raises(Stop):
        maintenance.backup_now(data_dir, db, cli_actor(), progress=Recorder(stop_at=2, stage=stage))
    after = set(data_dir.backups.glob("*")) if data_dir.backups.exists() else set()
    assert after == before  # no backup, no .partial, no -journal


def test_a_cancelled_backup_to_a_chosen_file_leaves_nothing(data_dir, db, tmp_path) -> None:
    target = tmp_path / "out" / "copy.sqlite3"
    target.parent.mkdir()
    with pytest.raises(Stop):
        maintenance.backup_now(data_dir, db, cli_actor(), target, progress=Recorder(stop_at=3, stage="复制"))
    assert list(target.parent.iterdir()) == []


def test_the_command_line_says_how_long_then_progress_on_stderr() -> None:
    out = io.StringIO()
    p = StderrProgress(95.0, "完整检查", 2_700_000_000, out=out, every_s=0)
    p.step(done=100, stage="正在检查数据库文件…", total=1000)
    p.step(done=100, stage="正在检查数据库文件…", total=1000)  # the same line is not repeated
    p.step(done=900, stage="正在核对审计日志…", total=1000)
    lines = out.getvalue().splitlines()
    assert lines == ["完整检查：数据库 2.7 GB，预计需要约 2 分钟，请稍候。", "正在检查数据库文件… 10%", "正在核对审计日志… 90%"]
    quiet = io.StringIO()
    StderrProgress(0.2, "完整检查", 1000, out=quiet).step(done=5, stage="x", total=10)
    assert quiet.getvalue() == ""  # a small database is checked without chatter


# About the SQLite file itself (its pages, its copy, its markers): skipped on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.sqlite_only
