"""A command started as a process of its own holds the garbage collector off while it starts and
turns it back on, with what start-up made frozen, once its database is open (startup_gc.py,
issue 15); cli.main called in a process that is not its own leaves the collector alone."""

from __future__ import annotations

import gc
import io
import subprocess
import sys
from contextlib import redirect_stdout

from xihu_desk import cli, startup_gc

PROBE = """
import gc, sys
seen = {}
from xihu_desk.store import migrate
opened = migrate.open_database
def watch(*a, **k):  # the collector while the database opens: still held off
    seen["while opening"] = gc.isenabled()
    return opened(*a, **k)
migrate.open_database = watch
from xihu_desk import cli
sys.argv = ["xihu-desk", *sys.argv[1:]]
code = cli.main()
print(code, seen["while opening"], gc.isenabled(), gc.get_freeze_count() > 10000, file=sys.stderr)
"""


def test_a_command_process_starts_without_the_collector_and_ends_with_it(data_dir):
    done = subprocess.run([sys.executable, "-c", PROBE, "case", "list", "--json", "--data-dir", str(data_dir.root)],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.stderr.strip().splitlines()[-1] == "0 False True True", done.stderr


def test_cli_main_in_a_host_process_leaves_the_collector_alone(data_dir):
    # compared with its state before: a test process that ran GUI tests first has the collector off
    # for good (gui/gcguard.py collects on the GUI thread instead), and that must stay as it was too
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    with redirect_stdout(io.StringIO()):
        assert cli.main(["case", "list", "--json", "--data-dir", str(data_dir.root)]) == 0
    assert gc.isenabled() == enabled and gc.get_freeze_count() == frozen and not startup_gc.held()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        startup_gc.hold()
        startup_gc.release()
        assert not gc.isenabled() and not startup_gc.held()
    finally:
        gc.enable()


AFTER = """
import gc, sys
from xihu_desk import cli
sys.argv = ["xihu-desk", *sys.argv[1:]]
code = cli.main()
print(code, gc.isenabled(), file=sys.stderr)
"""


def test_commands_that_open_no_database_the_usual_way_still_end_the_hold(data_dir, tmp_path):
    # restore and unlock never call open_data, which ends the hold for the others; a long restore
    # must not run its whole course without the collector
    for words in (["restore", str(tmp_path / "无此备份.sqlite3")], ["unlock", "--recovery-key-file", str(tmp_path / "无")]):
        done = subprocess.run([sys.executable, "-c", AFTER, *words, "--data-dir", str(data_dir.root)],
                              capture_output=True, text=True, encoding="utf-8", timeout=120)
        assert done.stderr.strip().splitlines()[-1] == "1 True", (words, done.stderr)
