"""The database key at start-up (issue 21): looked up once per start (the engine takes the key
dbfile.inspect found), and a key sealed in the system keyring is read through the backend the
marker names, without keyring's discovery of every backend (about 0.2 s before the first window)."""

from __future__ import annotations

import json
from typing import ClassVar

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import text

from xihu_desk.store import db_key, migrate, sqlfile

pytestmark = pytest.mark.sqlite_only  # the SQLite file's key


class FakeKeyring(KeyringBackend):
    """A keyring that keeps its entries in memory (shared by every instance, as a real store is)."""

    priority = 50  # type: ignore[assignment]
    entries: ClassVar[dict[tuple[str, str], str]] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        self.entries.pop((service, username), None)


@pytest.fixture
def fake_keyring(monkeypatch):
    monkeypatch.setenv(db_key.ENV_STORE, "keyring")
    monkeypatch.setattr(db_key, "_BACKENDS", __name__)  # this test module may be named
    before = keyring.get_keyring()
    keyring.set_keyring(FakeKeyring())
    yield
    keyring.set_keyring(before)
    FakeKeyring.entries.clear()


def test_the_engine_takes_the_key_the_start_found(data_dir, monkeypatch):
    lookups = []
    real = sqlfile.key_for
    monkeypatch.setattr(sqlfile, "key_for", lambda path: lookups.append(path) or real(path))
    opened = migrate.open_database(data_dir)
    try:
        with opened.db.read() as s:
            assert s.execute(text("SELECT count(*) FROM node")).scalar() == 1
    finally:
        opened.db.dispose()
    assert lookups == [data_dir.database]  # inspect's; the engine's connections use the same key


def test_a_key_in_the_keyring_is_read_without_discovering_backends(tmp_path, fake_keyring, monkeypatch):
    db_key.create(tmp_path)
    marker = json.loads((tmp_path / db_key.MARKER).read_text(encoding="utf-8"))
    assert marker["sealed"] == "keyring" and marker["backend"] == f"{__name__}:FakeKeyring"
    key = db_key.current_key(tmp_path)

    def discovery():
        raise AssertionError("keyring.get_keyring() ran")

    monkeypatch.setattr(keyring, "get_keyring", discovery)
    assert db_key.current_key(tmp_path) == key


def test_a_marker_without_the_backend_learns_it_once(tmp_path, fake_keyring):
    db_key.create(tmp_path)
    key = db_key.current_key(tmp_path)
    path = tmp_path / db_key.MARKER
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["backend"]  # as written before the backend was named
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert db_key.current_key(tmp_path) == key  # through discovery
    assert json.loads(path.read_text(encoding="utf-8"))["backend"] == f"{__name__}:FakeKeyring"


def test_a_marker_cannot_make_the_program_import_another_module(monkeypatch):
    assert db_key._named_backend("os:getcwd") is None
    assert db_key._named_backend("keyring.backends.fail:Keyring; import os") is None


PROBE = """
import io, json, sys
from contextlib import redirect_stdout
from xihu_desk import cli
with redirect_stdout(io.StringIO()):
    code = cli.main(json.loads(sys.argv[1]))
print(code, ",".join(m for m in ("keyring", "jeepney", "secretstorage", "importlib_metadata") if m in sys.modules))
"""


def test_a_reading_command_on_a_file_sealed_node_loads_no_keyring(data_dir):
    """The key file is found without keyring (tests seal keys in files: conftest.py)."""
    import subprocess
    import sys

    argv = ["case", "list", "--json", "--data-dir", str(data_dir.root)]
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True, text=True,
                          timeout=120, encoding="utf-8")
    assert done.stdout.splitlines()[-1].strip() == "0", done.stdout + done.stderr  # exit 0, none loaded
