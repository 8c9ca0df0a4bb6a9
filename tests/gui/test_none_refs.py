"""PySide6 6.12 on Python 3.11 drops a reference to None at every Qt call that returns nothing;
the GUI thread's collector keeps a reserve so a large roster's filter combo cannot abort the
process with "Fatal Python error: none_dealloc" (issue 15, found at 20,000 mediators)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QApplication, QComboBox

from xihu_desk.gui import gcguard, none_refs


@pytest.mark.skipif(not none_refs.NEEDED, reason="None is immortal from Python 3.12")
def test_the_collector_keeps_none_referenced_through_a_large_combo(styled_app: QApplication) -> None:
    collector = gcguard.install(styled_app)
    assert sys.getrefcount(None) >= none_refs.LOW  # installed: the reserve is there before any page
    combo = QComboBox()
    for i in range(60_000):  # more than a fresh process holds (about 40,000 without the reserve)
        combo.addItem(f"调解员{i}", f"u{i}")
    collector.check()  # the next timer tick
    assert sys.getrefcount(None) >= none_refs.LOW
    combo.clear()
    combo.deleteLater()


def test_a_reserve_running_low_is_topped_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(none_refs, "NEEDED", True)
    reserve = none_refs.NoneReserve()
    monkeypatch.setattr(none_refs, "LOW", sys.getrefcount(None) + 10)  # as if calls had dropped many
    monkeypatch.setattr(none_refs, "STEP", 1000)
    before = len(reserve.reserve)
    reserve.check()
    assert len(reserve.reserve) == before + 1
    reserve.check()  # above the mark again: nothing more
    assert len(reserve.reserve) == before + 1
