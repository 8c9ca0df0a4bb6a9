"""The encrypted database (issue 21): after init, demo and backup no file of the data folder and
no backup holds a party's name, ID number or phone; a backup restores on a second data folder (as
on another PC, with another account's keys) only with the recovery key; a wrong or missing key
gives a Chinese message and changes nothing; a lost sealed key is replaced from the recovery key;
a new recovery key stops the old one; a plain node is converted once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN_PASSWORD
from xihu_desk import cli
from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import at_rest, encrypt_node, maintenance, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import db_key, migrate, recovery_code, sqlfile
from xihu_desk.store.case_models import Party

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def node_with_demo(tmp_path, capsys) -> tuple[DataDir, Path, Path]:
    """init (the recovery key into a file outside the data folder), demo, backup -o FILE."""
    home = tmp_path / "office"
    password = tmp_path / "pw.txt"
    password.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    key_file = tmp_path / "usb" / "恢复密钥.txt"
    code, out, err = run(capsys, "init", "--data-dir", str(home), "--org", "330106002", "--level", "township",
                         "--admin", "wang", "--password-file", str(password), "--recovery-key-file", str(key_file))
    assert code == 0, err
    assert "数据库已加密" in out and key_file.is_file()
    code, _out, err = run(capsys, "demo", "--data-dir", str(home), "--cases", "30")
    assert code == 0, err
    saved = tmp_path / "usb" / "backup.sqlite3"
    code, _out, err = run(capsys, "backup", "--data-dir", str(home), "-o", str(saved))
    assert code == 0, err
    return DataDir(home), saved, key_file


def _personal(data: DataDir) -> set[str]:
    """Every party's name, ID number and phone, read through the app."""
    opened = migrate.open_database(data)
    try:
        with opened.db.read() as session:
            rows = session.execute(select(Party.name, Party.id_number, Party.phone)).all()
    finally:
        opened.db.dispose()
    return {v for row in rows for v in row if v}


def _leaks(files: list[Path], secrets: set[str]) -> list[str]:
    found = []
    for path in files:
        raw = path.read_bytes()
        for secret in secrets:
            needles = [secret.encode("utf-8")]
            # a two-character name is 4 bytes in UTF-16: random ciphertext matches that by chance
            # once in a few MB, so UTF-16 is searched for the longer values
            if len(secret) >= 3:
                needles += [secret.encode("utf-16-le"), secret.encode("utf-16-be")]
            if any(n in raw for n in needles):
                found.append(f"{path.name}: {secret}")
    return found


def test_no_file_of_the_folder_nor_the_backup_holds_personal_data(node_with_demo):
    data, saved, _key_file = node_with_demo
    secrets = _personal(data)
    assert len(secrets) > 60 and any(len(s) == 18 for s in secrets)  # names, ID numbers and phones
    files = [p for p in data.root.rglob("*") if p.is_file()] + [saved]
    assert any(p.suffix == ".sqlite3" for p in files)
    assert _leaks(files, secrets) == []
    assert sqlfile.is_encrypted(data.database) and sqlfile.is_encrypted(saved)
    # the key is in none of the folder's files either
    key = db_key.current_key(data.root)
    assert key is not None and _leaks(files, {key.hex(), key.hex().upper()}) == []


def test_a_backup_restores_elsewhere_only_with_the_recovery_key(node_with_demo, tmp_path, monkeypatch, capsys):
    data, saved, key_file = node_with_demo
    names = _personal(data)
    # another PC: another account's sealed keys, a new data folder, and this process forgets the keys
    monkeypatch.setenv(db_key.ENV_DIR, str(tmp_path / "other-account-keys"))
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    monkeypatch.setattr(sqlfile, "_given", [])
    second = tmp_path / "new-pc"

    code, out, err = run(capsys, "restore", str(saved), "--data-dir", str(second))
    assert code == 1 and err.count("\n") == 1 and "--recovery-key-file" in err and "没有改变" in err
    assert not DataDir(second).database.exists()

    wrong = tmp_path / "wrong.txt"
    wrong.write_text(recovery_code.new_code() + "\n", encoding="utf-8")
    code, out, err = run(capsys, "restore", str(saved), "--data-dir", str(second), "--recovery-key-file", str(wrong))
    assert code == 1 and "恢复密钥打不开" in err and "没有改变" in err
    assert not DataDir(second).database.exists()

    typo = tmp_path / "typo.txt"
    right = recovery_code.read_file(key_file)
    typo.write_text(right[:-3] + ("A" if right[-3] != "A" else "B") + right[-2:], encoding="utf-8")
    code, out, err = run(capsys, "restore", str(saved), "--data-dir", str(second), "--recovery-key-file", str(typo))
    assert code == 1 and "抄错" in err

    code, out, err = run(capsys, "restore", str(saved), "--data-dir", str(second), "--recovery-key-file", str(key_file))
    assert code == 0, err
    monkeypatch.setattr(sqlfile, "_given", [])  # what opens it now is the key sealed for this account
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    assert _personal(DataDir(second)) == names
    code, out, err = run(capsys, "check", "--data-dir", str(second), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["encrypted"] is True and doc["key_sealed"] == "file"


def test_check_says_encrypted_and_where_the_key_is_sealed(data_dir, capsys):
    code, out, _err = run(capsys, "check", "--data-dir", str(data_dir.root))
    assert code == 0 and "加密：是" in out and "密钥文件" in out
    code, out, _err = run(capsys, "check", "--data-dir", str(data_dir.root), "--json")
    doc = json.loads(out)
    assert doc["encrypted"] is True and doc["key_sealed"] == "file" and doc["key_sealed_where"]


def test_the_recovery_code_is_given_once_and_only_outside_the_data_folder(tmp_path):
    data = DataDir(tmp_path / "n")
    opened = migrate.open_database(data)
    opened.db.dispose()
    with pytest.raises(UserError, match="不能保存在数据目录"):
        at_rest.write_recovery_file(data, data.root / "key.txt", "X")
    code = at_rest.take_recovery_code(data.root)
    assert code and recovery_code.derive_key(code) == db_key.current_key(data.root)
    assert at_rest.take_recovery_code(data.root) is None
    assert len(code.replace("-", "")) == 25
    with pytest.raises(UserError, match="抄错"):
        recovery_code.normalise(code[:5] + ("Q" if code[5] != "Q" else "R") + code[6:])
    assert recovery_code.normalise(code.lower().replace("O", "0")) == code.replace("-", "")


def test_a_lost_sealed_key_is_replaced_from_the_recovery_key(tmp_path, monkeypatch, capsys):
    data = DataDir(tmp_path / "n")
    migrate.open_database(data).db.dispose()
    code = at_rest.take_recovery_code(data.root)
    assert code
    marker = db_key.read_marker(data.root)
    (db_key.key_dir() / f"{marker.key_id}.json").unlink()  # a new Windows profile, a wiped keyring
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    with pytest.raises(StorageError, match="unlock --recovery-key-file"):
        migrate.open_database(data)
    key_file = tmp_path / "k.txt"
    key_file.write_text(code, encoding="utf-8")
    code_, _out, err = run(capsys, "unlock", "--data-dir", str(data.root), "--recovery-key-file", str(key_file))
    assert code_ == 0, err
    monkeypatch.setattr(sqlfile, "_given", [])
    migrate.open_database(data).db.dispose()


def test_a_new_recovery_key_replaces_the_old_one(data_dir, tmp_path, monkeypatch, capsys):
    old_backup = maintenance.backup_now(data_dir, migrate.open_database(data_dir).db, cli_actor())
    old_key = db_key.current_key(data_dir.root)
    target = tmp_path / "new-key.txt"
    code, _out, err = run(capsys, "rekey", "--data-dir", str(data_dir.root), "--recovery-key-file", str(target))
    assert code == 0, err
    new_code = recovery_code.read_file(target)
    assert db_key.current_key(data_dir.root) == recovery_code.derive_key(new_code) != old_key
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    monkeypatch.setattr(sqlfile, "_given", [])
    assert sqlfile.key_for(data_dir.database) == recovery_code.derive_key(new_code)
    assert sqlfile.key_for(old_backup) == old_key  # older backups still open here
    opened = migrate.open_database(data_dir)
    with opened.db.read() as session:
        from xihu_desk.store.models import AuditEvent

        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "data.rekey")).first() is not None
    opened.db.dispose()


def test_a_plain_node_is_encrypted_once_after_a_backup(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "old-office")
    monkeypatch.setattr(db_key, "create", lambda root: None)  # a node made before issue 21: plain
    opened = migrate.open_database(data)
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None,
            admin_username="admin", admin_password=ADMIN_PASSWORD, admin_display_name="王管理"))
    monkeypatch.undo()
    assert not sqlfile.is_encrypted(data.database)
    steps = []

    class Progress:
        def step(self, done=None, stage=None, total=None):
            steps.append(done)

    result = encrypt_node.encrypt(data, opened.db, cli_actor(), progress=Progress())
    assert sqlfile.is_encrypted(data.database) and result.rows > 100 and steps and steps[-1] == 1000
    assert recovery_code.derive_key(result.recovery_code) == db_key.current_key(data.root)
    assert not sqlfile.is_encrypted(result.backup) and result.backup in result.plain_backups
    assert not list(data.root.glob("*.partial"))
    again = migrate.open_database(data)
    with again.db.read() as session:
        assert node.is_initialised(session)
    with pytest.raises(UserError, match="已经加密"):
        encrypt_node.encrypt(data, again.db, cli_actor())
    # the plain backups go only once an encrypted one exists
    with pytest.raises(UserError, match="还没有加密的备份"):
        at_rest.remove_plain_backups(data, cli_actor())
    again = migrate.open_database(data)
    maintenance.backup_now(data, again.db, cli_actor())
    again.db.dispose()
    assert at_rest.remove_plain_backups(data, cli_actor()) == result.plain_backups
    assert at_rest.plain_backups(data) == []


def test_sqlcipher_errors_are_storage_errors_and_check_names_its_sqlite(data_dir, capsys):
    from sqlcipher3 import dbapi2

    from xihu_desk.store import uow

    assert uow.storage_error(dbapi2.OperationalError("database is locked")) is not None
    code, out, _err = run(capsys, "check", "--data-dir", str(data_dir.root), "--json")
    assert code == 0 and json.loads(out)["sqlite_version"] == dbapi2.sqlite_version


def test_the_programs_connections_keep_more_decrypted_pages(db):
    # a page read again from SQLite's cache is not decrypted again (benchmarks/encrypted_node.py)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -sqlfile.ENGINE_CACHE_KIB
