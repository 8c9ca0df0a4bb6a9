"""The desktop program holds the garbage collector off while it starts, as a command does
(startup_gc.py, issue 15), and hands collection to gui/gcguard.py on the way: once the first window
is up, what start-up made is frozen and automatic collection stays off for good (gcguard's timer
collects on the GUI thread; a collection in the runner's thread could destroy Qt objects there)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from xihu_desk import startup_gc

PROBE = """
import gc, sys
seen = {}
from xihu_desk.gui import gcguard
real = gcguard.GuiThreadCollector.__init__
def watch(self, *a, **k):  # the collector when gcguard takes it over: already held off since the start
    seen["at gcguard"] = gc.isenabled()
    real(self, *a, **k)
gcguard.GuiThreadCollector.__init__ = watch
from xihu_desk import app, startup_gc
sys.argv = ["xihu-desk-gui", *sys.argv[1:]]
code = app.main()
print(code, seen["at gcguard"], gc.isenabled(), gc.get_freeze_count() > 10000, startup_gc.held(), file=sys.stderr)
"""


def test_the_program_starts_without_the_collector_and_leaves_it_to_the_gui_thread(data_dir):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", PROBE, "--data-dir", str(data_dir.root), "--startup-check"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, env=env)
    assert done.stderr.strip().splitlines()[-1] == "0 False False True False", done.stderr + done.stdout


@pytest.fixture
def fresh_state(monkeypatch):
    monkeypatch.setattr(startup_gc, "_held", False)
    monkeypatch.setattr(startup_gc, "_handed_over", False)
    was_on, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.enable()
    yield
    if not frozen:
        gc.unfreeze()  # this process's objects back to the collector, as they were
    (gc.enable if was_on else gc.disable)()


def test_a_hold_released_after_the_hand_over_freezes_but_leaves_collection_off(fresh_state):
    startup_gc.hold()
    startup_gc.hand_over()
    gc.disable()  # as gcguard does
    startup_gc.release()
    assert not gc.isenabled() and gc.get_freeze_count() > 0 and not startup_gc.held()


def test_without_a_hand_over_release_turns_collection_back_on(fresh_state):
    startup_gc.hold()
    assert not gc.isenabled()
    startup_gc.release()
    assert gc.isenabled() and not startup_gc.held()
