"""Before a server database is upgraded to a newer schema, a verified pg_dump is taken into the
data folder's backups/ (as SQLite copies its file); without one the upgrade is refused and the
database left as it is (issue 17)."""

from __future__ import annotations

import pytest

from tests.conftest import PG
from xihu_desk.domain.errors import StorageError
from xihu_desk.services import maintenance
from xihu_desk.store import migrate, pg

pytestmark = pytest.mark.skipif(not PG, reason="needs the PostgreSQL test server (bootstrap.py test --db postgresql)")


@pytest.fixture
def newer_program(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The program's schema head one step past the database's; the upgrade records what existed then."""
    upgrades: list[list[str]] = []
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999_newer")
    return upgrades


def test_a_verified_dump_comes_before_the_upgrade(data_dir, newer_program, monkeypatch) -> None:
    def upgrade(db) -> None:
        newer_program.append(sorted(p.name for p in data_dir.backups.glob(f"*{pg.DUMP_SUFFIX}")))

    monkeypatch.setattr(migrate, "upgrade", upgrade)
    opened = migrate.open_database(data_dir)
    try:
        assert len(newer_program) == 1 and len(newer_program[0]) == 1  # the dump existed before the upgrade
        assert opened.backup is not None and opened.backup.name.endswith("-before-migrate.pgdump")
        assert any(" audit_event " in line for line in pg.listing(opened.backup))
        listed = maintenance.list_backups(data_dir)
        assert [b.reason_label for b in listed] == ["升级数据库前"]  # the 数据安全 page lists it
    finally:
        opened.db.dispose()


def test_no_dump_no_upgrade(data_dir, newer_program, monkeypatch) -> None:
    monkeypatch.setattr(migrate, "upgrade", lambda db: newer_program.append(["upgraded"]))

    def no_tool(name: str) -> str:
        raise StorageError(f"没有找到 PostgreSQL 的 {name} 程序。")

    monkeypatch.setattr(pg, "tool", no_tool)
    with pytest.raises(StorageError) as refused:
        migrate.open_database(data_dir)
    assert "升级前必须先备份" in refused.value.message and "没有找到" in refused.value.message
    assert newer_program == []  # the database was not touched
    assert not list(data_dir.backups.glob("*.partial"))
