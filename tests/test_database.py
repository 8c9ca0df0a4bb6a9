"""Migrations, pragmas, transactions, the newer-database guard, reference data."""

from __future__ import annotations


import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from xihu_desk.domain.errors import StorageError
from xihu_desk.paths import DataDir
from xihu_desk.store import migrate
from xihu_desk.store import schema  # noqa: F401 - all tables on the metadata
from xihu_desk.store.base import Base
from xihu_desk.store.models import Meta, OrgUnit


def _not_fts(obj, name, type_, reflected, compare_to):
    from xihu_desk.store.pg import SERVER_ONLY_INDEXES  # PostgreSQL's search indexes (0014_pg_search)

    return not (type_ == "table" and name.startswith("case_fts")) and not (
        type_ == "index" and name in SERVER_ONLY_INDEXES
    )


def test_empty_database_migrates_to_head_and_matches_the_models(empty_data_dir: DataDir):
    opened = migrate.open_database(empty_data_dir)
    try:
        assert opened.migrated_from is None and opened.backup is None
        assert migrate.current_revision(opened.db) == migrate.head_revision()
        with opened.db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_object": _not_fts})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
        with opened.db.read() as s:
            codes = set(s.scalars(select(OrgUnit.code)))
        assert len(codes) == 13 and "330106002" in codes and "330106110" in codes
        assert opened.reference_loaded == ["org_units", "codes", "workdays", "grading_rules", "committee_codes"]
    finally:
        opened.db.dispose()


def test_reopening_loads_reference_data_only_once(data_dir: DataDir):
    opened = migrate.open_database(data_dir)
    try:
        assert opened.reference_loaded == []
        with opened.db.read() as s:
            assert s.scalar(select(Meta.value).where(Meta.key == "reference.org_units")) == "2022-nbs-1"
    finally:
        opened.db.dispose()


@pytest.mark.sqlite_only
def test_wal_and_full_sync_and_foreign_keys(db):
    with db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_failed_unit_of_work_leaves_nothing(db):
    with pytest.raises(RuntimeError):
        with db.write() as s:
            s.add(Meta(key="half", value="written"))
            s.flush()
            raise RuntimeError("boom")
    with db.read() as s:
        assert s.get(Meta, "half") is None


def test_savepoint_rolls_back_inside_a_transaction(db):
    """The pysqlite fix makes SAVEPOINT real (reliability.md §1.6)."""
    with db.write() as s:
        s.add(Meta(key="outer", value="1"))
        nested = s.begin_nested()
        s.add(Meta(key="inner", value="2"))
        s.flush()
        nested.rollback()
    with db.read() as s:
        assert s.get(Meta, "outer") is not None
        assert s.get(Meta, "inner") is None


def test_database_newer_than_the_app_is_refused(data_dir: DataDir):
    from xihu_desk.store.engine import make_engine

    engine = make_engine(data_dir.url)  # plain SQL on either backend (an encrypted file opens with its key)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('9999_future')"))
    engine.dispose()
    with pytest.raises(StorageError, match="比本程序新"):
        migrate.open_database(data_dir)


@pytest.mark.sqlite_only
def test_corrupt_database_opens_read_only(data_dir: DataDir):
    raw = bytearray(data_dir.database.read_bytes())
    # Damage a b-tree page in the middle of the file, keep the header intact.
    page = 4096 * 3
    raw[page : page + 200] = b"\xff" * 200
    for suffix in ("-wal", "-shm"):
        data_dir.database.with_name(data_dir.database.name + suffix).unlink(missing_ok=True)
    data_dir.database.write_bytes(bytes(raw))
    opened = migrate.open_database(data_dir)
    try:
        assert opened.problems
        with pytest.raises(StorageError, match="禁止写入"):
            with opened.db.write():
                pass
    finally:
        opened.db.dispose()
