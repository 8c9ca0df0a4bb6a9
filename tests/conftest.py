"""Test set-up: headless Qt, cheap password hashing, a template database migrated once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Database keys are sealed in files of a throwaway folder, never in the tester's own keyring
# (store/db_key.py); command-line subprocesses inherit both settings.
os.environ.setdefault("XIHU_DESK_KEY_STORE", "file")
os.environ.setdefault("XIHU_DESK_KEY_DIR", tempfile.mkdtemp(prefix="xihu-keys-"))

import pytest
from argon2 import PasswordHasher

from xihu_desk.paths import DataDir
from xihu_desk.services import auth
from tests import pg_server

# Real Argon2id with small parameters keeps the suite fast; production uses the defaults.
auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))

ADMIN_PASSWORD = "Xihu-2026-Beishan"

# `bootstrap.py test --db postgresql` runs the suite against a throwaway server (tests/pg_server.py):
# every test gets its own database, copied from a template made once through migrations and init.
PG = os.environ.get(pg_server.ENV)


@pytest.fixture(scope="session")
def template_node(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A township node (北山街道) made once through the real migrations and init."""
    from xihu_desk.services import node
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate

    root = tmp_path_factory.mktemp("template") / "data"
    if PG:  # the template database: each test's database is made from it (CREATE DATABASE … TEMPLATE)
        pg_server.point_at(root, pg_server.create_database(PG))
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None,
            admin_username="admin", admin_password=ADMIN_PASSWORD, admin_display_name="王管理"))
    opened.db.dispose()
    return root


@pytest.fixture
def data_dir(template_node: Path, tmp_path: Path) -> Iterator[DataDir]:
    """A fresh copy of the template node for one test."""
    target = tmp_path / "data"
    _copytree(template_node, target)
    _own_key_entry(target)
    if PG:
        pool = _pool(template_node)
        url = pool.take()
        pg_server.point_at(target, url)
        yield DataDir(target)
        _close(url)
        pool.give(url)
        return
    yield DataDir(target)


def _own_key_entry(root: Path) -> None:
    """A copy of the template gets its own sealed key entry: copies of a folder share its entry
    (store/db_key.py), and a test that seals another key there (a restore of another office's
    backup) would otherwise change the first sealed key of every later test's copy."""
    from xihu_desk.store import db_key

    if db_key.read_marker(root) is None:
        return
    keys = db_key.keys(root)
    (root / db_key.MARKER).unlink()
    db_key.adopt(root, keys[0], keys[1:])


@pytest.fixture
def db(data_dir: DataDir):
    from xihu_desk.store import migrate

    opened = migrate.open_database(data_dir)
    yield opened.db
    opened.db.dispose()


@pytest.fixture
def empty_data_dir(tmp_path: Path) -> Iterator[DataDir]:
    root = tmp_path / "empty"
    if PG:  # an empty database on the test server, named by the folder's setting file
        url = pg_server.create_database(PG)
        pg_server.point_at(root, url)
        yield DataDir(root)
        _drop(url)
        return
    yield DataDir(root)


_POOLS: dict[str, pg_server.Pool] = {}


def _pool(template_node: Path) -> pg_server.Pool:
    template = pg_server.url_in(template_node)
    assert PG and template
    return _POOLS.setdefault(template, pg_server.Pool(PG, template))


_copytree = shutil.copytree


def _copy_node(src, dst, *args, **kwargs):
    """A node folder copied by a test (a session's demo node, a second office) gets its own copy of
    the database too, as copying the folder copies the SQLite file; never the same database."""
    done = _copytree(src, dst, *args, **kwargs)
    url = pg_server.url_in(Path(dst))
    if url is not None:
        _close(url)
        pg_server.point_at(Path(dst), pg_server.copy_database(PG, url))
    return done


if PG:
    shutil.copytree = _copy_node  # type: ignore[assignment]


def _close(url: str) -> None:
    """Close this process's connections to the test's database."""
    from xihu_desk.store import pg

    pg.dispose_engines(url)


def _drop(url: str) -> None:
    _close(url)
    pg_server.drop_database(PG, url)


def pytest_configure(config: pytest.Config) -> None:
    if PG:  # a connection the garbage collector closes: SQLite is silent about it, psycopg warns
        config.addinivalue_line("filterwarnings", "ignore:.*was deleted while still open:ResourceWarning")
    config.addinivalue_line(
        "markers", "sqlite_only: about the SQLite file itself (damage, its backup copy, FTS5); skipped on PostgreSQL"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG:
        return
    skip = pytest.mark.skip(reason="SQLite only (the file, its backup copy or FTS5)")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)
