"""rekey re-encrypts with the key that opens the file (found where every other opening finds it,
store/sqlfile.key_for), not with the first key sealed for the folder, which need not be it: a
folder's sealed entry also keeps former keys, and a copy of a data folder shares its entry."""

from __future__ import annotations

import pytest

from xihu_desk.paths import DataDir
from xihu_desk.services import at_rest
from xihu_desk.services.context import cli_actor
from xihu_desk.store import db_key, migrate, recovery_code, sqlfile

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself


def test_rekey_when_the_files_key_is_not_the_first_sealed(tmp_path):
    data_dir = DataDir(tmp_path / "n")  # its own sealed entry (copies of the template share one)
    migrate.open_database(data_dir).db.dispose()
    real = sqlfile.key_for(data_dir.database)
    other = recovery_code.derive_key(recovery_code.new_code())
    db_key.adopt(data_dir.root, other, [real])  # sealed first: a key that does not open this file
    written = at_rest.replace_recovery_key(data_dir, None, cli_actor(), tmp_path / "new.txt")
    new = recovery_code.derive_key(recovery_code.read_file(written))
    assert sqlfile.opens(data_dir.database, new)
    assert db_key.current_key(data_dir.root) == new
