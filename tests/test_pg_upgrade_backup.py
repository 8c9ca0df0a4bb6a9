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


def test_desks_starting_together_on_an_empty_database_make_one_schema(empty_data_dir) -> None:
    """Several desks opened at once (an office's first morning): one makes the schema, the others wait for it."""
    import threading

    opened, failed = [], []

    def start() -> None:
        try:
            opened.append(migrate.open_database(empty_data_dir))
        except Exception as exc:  # what the desk would have shown
            failed.append(exc)

    desks = [threading.Thread(target=start) for _ in range(3)]
    for desk in desks:
        desk.start()
    for desk in desks:
        desk.join(120)
    try:
        assert failed == [] and len(opened) == 3
        assert sum(o.migrated_from is None and o.backup is None for o in opened) == 3
        assert pg.current_revision(opened[0].db.engine) == migrate.head_revision()
    finally:
        for o in opened:
            o.db.dispose()
