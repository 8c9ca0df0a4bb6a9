"""Python's cyclic garbage collector runs only on the GUI thread.

Left automatic, the collector runs in whichever thread happens to allocate when a threshold is
crossed, including the runner's database thread. If the garbage it finds holds Qt objects (a
closed dialog, a model), their C++ side is destroyed on that thread and the process crashes
(seen as "Fatal Python error: Segmentation fault ... Garbage-collecting" in a worker). So the
automatic collector is switched off and a timer on the GUI thread collects instead, generation
by generation as the thresholds say, the way long-running PyQt applications do it.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from xihu_desk import startup_gc
from xihu_desk.gui.none_refs import NoneReserve

INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.none_refs = NoneReserve()  # PySide6 6.12 on Python 3.11 drops a None reference per void call
        startup_gc.hand_over()  # a start-up hold ending later must not turn automatic collection back on
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)

    def check(self) -> None:
        self.none_refs.check()
        counts = gc.get_count()
        if counts[0] > self.threshold[0]:
            generation = 0
            if counts[1] > self.threshold[1]:
                generation = 2 if counts[2] > self.threshold[2] else 1
            gc.collect(generation)


_collector: GuiThreadCollector | None = None


def install(app: QObject) -> GuiThreadCollector:
    """Once per process, on the GUI thread, after the QApplication exists."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector(app)
    return _collector
