"""`bootstrap.py test` runs the suite on SQLite and then on PostgreSQL; `--db` picks one."""

from __future__ import annotations

import os

import pytest

import bootstrap
from tests import pg_server


class FakeServer:
    port = 5999
    folder = "/tmp/xihu-pg-fake"
    url = "postgresql://xihu_test@127.0.0.1:5999/postgres"
    stopped = False

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def runs(monkeypatch):
    """The suites run (label, the test server URL they were given), each exiting with codes[label]."""
    done: list[tuple[str, str | None]] = []
    codes = {"SQLite": 0, "PostgreSQL": 0}

    def fake_pytest(label, rest, env):
        done.append((label, env.get("XIHU_DESK_TEST_PG")))
        return codes[label]

    monkeypatch.setattr(bootstrap, "_pytest", fake_pytest)
    monkeypatch.setenv("XIHU_DESK_TEST_PG", "postgresql://someone@elsewhere/x")
    return done, codes


def test_without_db_both_suites_run_and_the_server_is_stopped(runs, monkeypatch):
    done, _codes = runs
    server = FakeServer()
    monkeypatch.setattr(bootstrap, "postgres_server", lambda: server)
    assert bootstrap.run_tests(*bootstrap._pop_db([])) == 0
    # the SQLite run never reaches a server the caller's environment named
    assert done == [("SQLite", None), ("PostgreSQL", FakeServer.url)]
    assert server.stopped


def test_a_failed_sqlite_run_fails_the_command_and_postgresql_still_reports(runs, monkeypatch):
    done, codes = runs
    codes["SQLite"] = 1
    monkeypatch.setattr(bootstrap, "postgres_server", FakeServer)
    assert bootstrap.run_tests("both", []) == 1
    assert [label for label, _ in done] == ["SQLite", "PostgreSQL"]


def test_a_failed_postgresql_run_fails_the_command(runs, monkeypatch):
    _done, codes = runs
    codes["PostgreSQL"] = 1
    monkeypatch.setattr(bootstrap, "postgres_server", FakeServer)
    assert bootstrap.run_tests("both", []) == 1


def test_no_postgresql_skips_with_one_line_and_the_sqlite_code(runs, monkeypatch, capsys):
    done, codes = runs
    monkeypatch.setattr(pg_server, "bin_dir", lambda: None)
    monkeypatch.setattr(bootstrap.shutil, "which", lambda name: None)  # no apt-get to install it with
    assert bootstrap.run_tests("both", []) == 0
    codes["SQLite"] = 3
    assert bootstrap.run_tests("both", []) == 3
    assert [label for label, _ in done] == ["SQLite", "SQLite"]
    skipped = [line for line in capsys.readouterr().out.splitlines() if "PostgreSQL tests skipped" in line]
    assert len(skipped) == 2 and "apt-get install postgresql" in skipped[0]


@pytest.mark.parametrize(("argv", "ran"), [
    (["--db", "sqlite"], ["SQLite"]),
    (["--db=postgresql"], ["PostgreSQL"]),
    (["--db", "postgres"], ["PostgreSQL"]),
])
def test_db_runs_one_backend(runs, monkeypatch, argv, ran):
    done, _codes = runs
    monkeypatch.setattr(bootstrap, "postgres_server", FakeServer)
    assert bootstrap.run_tests(*bootstrap._pop_db([*argv, "-k", "x"])) == 0
    assert [label for label, _ in done] == ran


def test_an_unknown_backend_is_a_usage_error(runs):
    assert bootstrap.run_tests("mysql", []) == 2
    assert runs[0] == []


def test_both_backends_run_on_every_core_unless_told(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert bootstrap._spread(["tests/test_x.py"]) == ["-n", "4"]
    assert bootstrap._spread(["-n", "0"]) == []
    assert bootstrap._spread(["--pdb"]) == []


def test_database_names_carry_the_process_and_a_token(monkeypatch):
    """pytest-xdist workers share one server: names differ by pid, and by a per-process token when
    a restarted worker gets a pid again."""
    first = pg_server._next_name()
    assert first.startswith(f"t{os.getpid()}{pg_server._TOKEN}_")
    assert pg_server._next_name() != first
    monkeypatch.setattr(pg_server, "_TOKEN", "beef")
    assert pg_server._next_name().startswith(f"t{os.getpid()}beef_")
