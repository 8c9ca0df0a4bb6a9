"""unlock with a recovery code that is not this node's, on an account that lost the sealed key:
the message says the code is wrong (not that the key is lost and unlock should be run), and
nothing is sealed."""

from __future__ import annotations

import pytest

from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import at_rest
from xihu_desk.store import db_key, migrate, recovery_code, sqlfile

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself


def test_a_wrong_code_on_a_lost_key_is_called_wrong_and_seals_nothing(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "n")
    migrate.open_database(data).db.dispose()
    right = at_rest.take_recovery_code(data.root)
    marker = db_key.read_marker(data.root)
    (db_key.key_dir() / f"{marker.key_id}.json").unlink()  # a new Windows profile, a wiped keyring
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    monkeypatch.setattr(sqlfile, "_given", [])
    with pytest.raises(UserError) as caught:
        at_rest.unlock(data, recovery_code.new_code())
    assert caught.value.message == db_key.WRONG_RECOVERY
    assert not (db_key.key_dir() / f"{marker.key_id}.json").exists()
    at_rest.unlock(data, right)  # the right one still works after
    assert db_key.current_key(data.root) == recovery_code.derive_key(right)
