"""The cyclic garbage collector held off while a command starts (issue 15).

Starting a command imports SQLAlchemy, the models and the services: several hundred thousand
objects that live as long as the process and none of them garbage. Left on, the collector walks
them again and again while they pile up (a full collection each time the long-lived objects grew
by a quarter), about a tenth of a command's start-up. So a command-line process holds it off until
its database is open, then moves everything made so far to the permanent generation (gc.freeze:
never walked again) and turns it back on for the work, which may be long (an import, a check).

Only a process started for one command holds it (cli.main with no argv): a test or another host
calling cli.main keeps its collector as it is.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Stop automatic collection until ``release`` (no effect when it is already off)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Start-up is over: freeze what it made and collect automatically again (idempotent)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


def held() -> bool:
    return _held
