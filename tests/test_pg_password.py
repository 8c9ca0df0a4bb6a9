"""One way a desk reads its PostgreSQL password (issue 17): the command line's password file, the
wizard's typed password and the keyring's answer are held in one place (dbserver), which both the
connections (store/pg.py) and pg_dump / pg_restore read; the keyring is asked once per server."""

from __future__ import annotations

import sys
import types

import pytest

from xihu_desk import dbserver
from xihu_desk.store import pg

URL = dbserver.normalize("postgresql://xihu@10.0.0.5:5432/xihu")


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setattr(dbserver, "_known", {})
    dbserver.choose(None)
    yield
    dbserver.choose(None)


def test_the_typed_password_reaches_pg_dump_too() -> None:
    dbserver.use_password(URL, "typed-pw")
    _plain, env = pg._libpq(URL)
    assert env["PGPASSWORD"] == "typed-pw"
    assert dbserver.known_password(dbserver.display(URL)) == "typed-pw"  # the same server however written


def test_the_keyring_is_asked_once(monkeypatch) -> None:
    asked: list[tuple[str, str]] = []

    def get_password(service: str, user: str) -> str:
        asked.append((service, user))
        return "from-keyring"

    monkeypatch.setitem(sys.modules, "keyring", types.SimpleNamespace(get_password=get_password))
    assert dbserver.known_password(URL) is None  # not asked for what the process does not hold
    assert dbserver.password(URL) == "from-keyring"
    assert dbserver.password(URL) == "from-keyring"
    assert pg._libpq(URL)[1]["PGPASSWORD"] == "from-keyring"
    assert asked == [(dbserver.KEYRING_SERVICE, "xihu@10.0.0.5:5432/xihu")]


def test_the_command_lines_password_file_comes_first() -> None:
    dbserver.use_password(URL, "typed-pw")
    dbserver.choose(URL, "file-pw")
    assert dbserver.password(URL) == "file-pw"
