"""A node whose database key is sealed in the system keyring (issue 21) opens without a prompt,
and keyring's modules load before Qt on the way to the login window: PySide6's import hook makes
every module imported after it dearer (issue 15; keyring: 0.06 s before Qt, 0.14 s after)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.sqlite_only  # the SQLite file's key

# A keyring backend kept in a file, as a system keyring keeps its entries across processes; it is
# named keyring.backends.<name> (store/db_key.py reads only keyring's own backends from a marker).
FAKE = '''
import json, os
from keyring.backend import KeyringBackend

class Keyring(KeyringBackend):
    priority = 50

    def _all(self):
        try:
            with open(os.environ["FAKE_KEYRING_FILE"], encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._all().get(service + "/" + username)

    def set_password(self, service, username, password):
        entries = self._all()
        entries[service + "/" + username] = password
        with open(os.environ["FAKE_KEYRING_FILE"], "w", encoding="utf-8") as f:
            json.dump(entries, f)

    def delete_password(self, service, username):
        pass
'''

FINDER = '''
import importlib.abc, importlib.util, sys

class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name == "keyring.backends.xihu_probe" else None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(FAKE, module.__dict__)

sys.meta_path.insert(0, Finder())
'''

SEAL = FINDER + '''
import keyring, importlib
from xihu_desk.store import db_key
keys = db_key.keys(sys.argv[1])  # sealed in the test's key file so far
keyring.set_keyring(importlib.import_module("keyring.backends.xihu_probe").Keyring())
(__import__("pathlib").Path(sys.argv[1]) / db_key.MARKER).unlink()
marker = db_key.adopt(__import__("pathlib").Path(sys.argv[1]), keys[0], keys[1:])
print("sealed", marker.sealed, marker.backend)
'''

PROBE = FINDER + '''
from xihu_desk import app
code = app.main(["--data-dir", sys.argv[1], "--startup-check"])
order = list(sys.modules)  # in the order they were imported
print("result", code, order.index("keyring") < order.index("PySide6"), "keyring.backends.xihu_probe" in order)
'''


def _run(script: str, root, env) -> str:
    done = subprocess.run(
        [sys.executable, "-c", f"FAKE = {FAKE!r}\n" + script, str(root)],
        capture_output=True, text=True, timeout=120, env=env, encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_key_in_the_keyring_opens_without_a_prompt_and_keyring_loads_before_qt(data_dir, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XIHU_DESK_KEY_STORE="keyring",
               FAKE_KEYRING_FILE=str(tmp_path / "keyring.json"))
    assert "sealed keyring keyring.backends.xihu_probe:Keyring" in _run(SEAL, data_dir.root, env)
    out = _run(PROBE, data_dir.root, env)
    assert "startup-check: LoginDialog" in out, out  # no unlock screen: the same account's key opened it
    assert [x for x in out.splitlines() if x.startswith("result")][-1] == "result 0 True True"
