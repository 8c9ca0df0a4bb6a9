"""Every command against a data folder it cannot use as it is (the task of red-teaming the command
line): no folder, an empty file, a garbage file, a file with damaged pages, a database another
process holds in a write transaction. Each command ends with 0 (a read that could proceed), 1
with one Chinese line on stderr, or 2 (usage), never a traceback; --json leaves stdout empty on a
failure (design.md §10: one JSON document on stdout and nothing else there, the line on stderr);
and the database file stays byte-identical.

The walk is the contract test's (every leaf of the parser, its required arguments filled in). One
damaged copy is made per kind and copied per test (cheap: the template node is small)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.test_cli_contract import LEAVES
from tests.test_damaged_database import flip_pages
from xihu_desk import cli
from xihu_desk.store import dbfile, sqlfile

pytestmark = pytest.mark.sqlite_only

# `gui` opens a window; every other command is walked.
WALKED = [(w, r) for w, r in LEAVES if w != ("gui",)]
IDS = [" ".join(w) for w, _ in WALKED]

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SAYS_DAMAGED = re.compile("数据库(文件)?已损坏|数据库已损坏|打不开数据库文件")


def _checkpointed(data_root: Path) -> None:
    db = data_root / "xihu-desk.sqlite3"
    with closing(sqlfile.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for p in dbfile.companions(db):
        p.unlink()


def _empty(db: Path) -> None:
    db.write_bytes(b"")


def _garbage(db: Path) -> None:
    db.write_bytes(b"\x00garbage, not SQLite\xff" * 5000)


def _pages(db: Path) -> None:
    flip_pages(db, 2, 3)


DAMAGES = {"empty": _empty, "garbage": _garbage, "pages": _pages}


@pytest.fixture(scope="module")
def damaged_templates(template_node, tmp_path_factory) -> dict[str, Path]:
    """One damaged copy of the template node per kind."""
    made: dict[str, Path] = {}
    for name, damage in DAMAGES.items():
        root = tmp_path_factory.mktemp(f"hostile-{name}") / "data"
        shutil.copytree(template_node, root)
        _checkpointed(root)
        damage(root / "xihu-desk.sqlite3")
        made[name] = root
    return made


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse: usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def _one_chinese_line(err: str) -> bool:
    lines = [line for line in err.splitlines() if line.strip()]
    return len(lines) == 1 and bool(CHINESE.search(lines[0])) and "Traceback" not in err


# the commands whose --json document is the verdict, failure included (README, 命令行)
REPORTS = {("check",), ("print", "verify"), ("bundle", "import")}


def _check_outcome(code: int, out: str, err: str, *, json_asked: bool, may_read: bool = False,
                   words: tuple[str, ...] = ()) -> None:
    """1 with one Chinese line (2 for usage); 0 only where a read may proceed (a file whose damage
    the read does not reach opens read-only; a reader does not wait for another's write)."""
    assert code in ((0, 1, 2) if may_read else (1, 2)), (code, out, err)
    assert "Traceback" not in err and "内部错误" not in err, err
    if json_asked and out:  # a report whose verdict is the failure (README): one document
        assert code == 0 or words in REPORTS, (words, out)
        json.loads(out)
    elif code == 1:
        assert _one_chinese_line(err), err


@pytest.mark.parametrize("json_asked", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("kind", sorted(DAMAGES))
@pytest.mark.parametrize("words,required", WALKED, ids=IDS)
def test_every_command_on_a_damaged_database(capsys, damaged_templates, tmp_path, monkeypatch,
                                             kind, words, required, json_asked):
    root = tmp_path / "data"
    shutil.copytree(damaged_templates[kind], root)
    monkeypatch.chdir(tmp_path)  # the walk's file arguments (x.xlsx) are relative
    db = root / "xihu-desk.sqlite3"
    before = db.read_bytes()
    code, out, err = _run(capsys, [*words, *required, "--data-dir", str(root)] + (["--json"] if json_asked else []))
    _check_outcome(code, out, err, json_asked=json_asked, may_read=kind == "pages", words=words)
    assert db.read_bytes() == before


@pytest.mark.parametrize("words,required", WALKED, ids=IDS)
def test_every_command_without_a_data_folder(capsys, tmp_path, monkeypatch, words, required):
    root = tmp_path / "nowhere"
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, [*words, *required, "--data-dir", str(root)])
    _check_outcome(code, out, err, json_asked=False)
    assert not (root / "xihu-desk.sqlite3").exists()


_LOCKER = """
import sys
from xihu_desk.store import sqlfile
conn = sqlfile.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE locker_probe (x)")
print("held", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@pytest.fixture(scope="module")
def locked_node(template_node, tmp_path_factory):
    """A node whose database another process holds in an open write transaction (one for the
    module: no command may change the file, so the walk shares it)."""
    root = tmp_path_factory.mktemp("hostile-locked") / "data"
    shutil.copytree(template_node, root)
    _checkpointed(root)
    locker = subprocess.Popen([sys.executable, "-c", _LOCKER, str(root / "xihu-desk.sqlite3")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "held"
        yield root
    finally:
        locker.communicate("", timeout=30)


@pytest.fixture
def short_busy_wait(monkeypatch):
    """SQLite's wait for a busy file cut from the program's 10 s to 0.2 s, so the walk stays fast;
    the command's handling of the refusal is what is tested."""
    from sqlalchemy import event

    from xihu_desk.store import engine as store_engine

    real = store_engine._configure_sqlite

    def configure(engine):
        real(engine)

        @event.listens_for(engine, "connect")
        def shorter(dbapi_conn, _record):  # runs after the program's own
            dbapi_conn.execute("PRAGMA busy_timeout = 200")

    monkeypatch.setattr(store_engine, "_configure_sqlite", configure)


@pytest.mark.parametrize("json_asked", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("words,required", WALKED, ids=IDS)
def test_every_command_on_a_database_locked_by_another_process(capsys, locked_node, short_busy_wait, tmp_path,
                                                              monkeypatch, words, required, json_asked):
    monkeypatch.chdir(tmp_path)
    db = locked_node / "xihu-desk.sqlite3"
    before = db.read_bytes()
    started = time.monotonic()
    code, out, err = _run(capsys, [*words, *required, "--data-dir", str(locked_node)]
                          + (["--json"] if json_asked else []))
    _check_outcome(code, out, err, json_asked=json_asked, may_read=True, words=words)
    assert not SAYS_DAMAGED.search(err), err
    assert db.read_bytes() == before
    assert time.monotonic() - started < 15


# ---------------------------------------------------------------- a read-only data folder

# The walk run in one child process as an account that may read the folder but not write it (the
# tests run as root here, whom file modes do not stop; elsewhere as the tester, who owns the copy).
_WALKER = """
import contextlib, io, json, os, sys
os.chdir(sys.argv[2])
from xihu_desk import cli
results = {}
for line in sys.stdin:
    argv = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = exc.code
    results[" ".join(argv)] = [int(code or 0), out.getvalue(), err.getvalue()]
print(json.dumps(results))
"""


def _argv(words, required, root: Path, json_asked: bool) -> list[str]:
    return [*words, *required, "--data-dir", str(root)] + (["--json"] if json_asked else [])


@pytest.fixture(scope="module")
def read_only_walk(template_node):
    """Every command run against a read-only copy of the node: {argv: (code, out, err)} and the
    database's bytes before and after."""
    import os
    import tempfile

    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if sys.platform == "win32":
        pytest.skip("POSIX file modes make the folder read-only here; Windows needs ACLs")
    base = Path(tempfile.mkdtemp(prefix="xihu-readonly-"))
    base.chmod(0o755)
    root = base / "data"
    shutil.copytree(template_node, root)
    _checkpointed(root)
    keys = base / "keys"  # the sealed key where the other account can read it
    shutil.copytree(os.environ["XIHU_DESK_KEY_DIR"], keys)
    work = base / "work"
    work.mkdir()
    env = {**os.environ, "XIHU_DESK_KEY_DIR": str(keys), "HOME": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
    user = {}
    if as_root:
        for p in [keys, *keys.rglob("*"), work]:
            os.chown(p, 65534, 65534)
        user = {"user": 65534, "group": 65534, "extra_groups": []}
    for p in [root, *root.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    db = root / "xihu-desk.sqlite3"
    before = db.read_bytes()
    lines = "".join(json.dumps(_argv(w, r, root, j)) + "\n" for w, r in WALKED for j in (True, False))
    try:
        done = subprocess.run([sys.executable, "-c", _WALKER, str(root), str(work)], input=lines, text=True,
                              capture_output=True, env=env, timeout=300, cwd=str(Path(__file__).parent.parent),
                              **user)
        assert done.returncode == 0, done.stderr
        yield json.loads(done.stdout.splitlines()[-1]), before, db.read_bytes(), root
    finally:
        for p in [root, *root.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("json_asked", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("words,required", WALKED, ids=IDS)
def test_every_command_in_a_read_only_data_folder(read_only_walk, words, required, json_asked):
    results, before, after, root = read_only_walk
    code, out, err = results[" ".join(_argv(words, required, root, json_asked))]
    _check_outcome(code, out, err, json_asked=json_asked, may_read=True, words=words)
    assert not SAYS_DAMAGED.search(err), err  # a folder it may not write is not a damaged file
    assert after == before
