"""The cyclic garbage collector held off while a command starts (issue 15).

Starting a command imports SQLAlchemy, the models and the services: several hundred thousand
objects that live as long as the process and none of them garbage. Left on, the collector walks
them again and again while they pile up (a full collection each time the long-lived objects grew
by a quarter), about a tenth of a command's start-up. So a command-line process holds it off until
its database is open, then moves everything made so far to the permanent generation (gc.freeze:
never walked again) and turns it back on for the work, which may be long (an import, a check).

Only a process started for one command holds it (cli.main with no argv): a test or another host
calling cli.main keeps its collector as it is.

The desktop program holds it too (app.main, from program start until its first window is up), but
there gui/gcguard.py takes collection over on the way: automatic collection is off for good and a
timer collects on the GUI thread. Once handed over (``hand_over``), ``release`` only freezes what
start-up made (so the GUI thread's collections never walk it) and leaves automatic collection off.
"""

from __future__ import annotations

import gc

_held = False
_handed_over = False  # gui/gcguard.py collects from now on: never turn automatic collection back on


def hold() -> None:
    """Stop automatic collection until ``release`` (no effect when it is already off)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Start-up is over: freeze what it made and collect automatically again, unless collection was
    handed over (idempotent)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        if not _handed_over:
            gc.enable()


def hand_over() -> None:
    """Another collector owns collection for the rest of the process (gui/gcguard.py)."""
    global _handed_over
    _handed_over = True


def held() -> bool:
    return _held
