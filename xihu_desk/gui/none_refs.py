"""Keep Python's None alive under PySide6 6.12 on Python 3.11.

With PySide6 6.12.0 on Python 3.11 every Qt method that returns nothing (setText, addItem,
setCurrentIndex ...) hands back None without taking a reference to it, so each call drops one
reference (6.11.3 does not). A fresh process holds some 40,000; filling one combo with the names
of a large roster, or a day of ordinary use, takes them to zero and the process aborts with
"Fatal Python error: none_dealloc". On Python 3.12 and later None is immortal and nothing leaks.

So, where the leak can happen, a reserve of references is held and topped up from the GUI
thread's timer (gcguard) before it runs low: each lost reference costs one list slot (8 bytes)
instead of the process.
"""

from __future__ import annotations

import sys

LOW = 500_000  # top up below this many references: far more than one burst of Qt calls drops
STEP = 1_000_000  # references added at a time (8 MB)
NEEDED = sys.version_info < (3, 12)  # None is immortal from 3.12 (PEP 683)


class NoneReserve:
    def __init__(self) -> None:
        # tuples of None: the collector stops tracking them, so a full collection does not walk them
        self.reserve: list[tuple[None, ...]] = []
        self.check()

    def check(self) -> None:
        """Cheap enough to run every timer tick: one refcount read."""
        if NEEDED and sys.getrefcount(None) < LOW:
            self.reserve.append((None,) * STEP)
