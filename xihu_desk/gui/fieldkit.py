"""Small helpers every form uses: code-list combo boxes and writing a form through the runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from xihu_desk.domain.errors import FieldError
from xihu_desk.gui import ops
from xihu_desk.gui.context import AppContext


def fill_combo(combo: QComboBox, items: list[tuple[Any, str]] | dict[Any, str], blank: str | None = None) -> None:
    """(code, label) items; ``blank`` adds a first item whose code is ''. Keeps the choice it had."""
    current = combo.currentData() if combo.count() else ""
    combo.blockSignals(True)
    combo.clear()
    if blank is not None:
        combo.addItem(blank, "")
    for code, text in (items.items() if isinstance(items, dict) else items):
        combo.addItem(text, code)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


def submit(ctx: AppContext, parent: QWidget, work: Callable[[Any], Any], on_ok: Callable[[Any], None],
           on_refused: Callable[[str | None, str], None], label: str = "") -> int:
    """Run ``work(session)`` as one unit of work on the runner. A refusal comes back with the field
    the service named (FieldError.field) or None, and the message; nothing typed is touched."""
    caught: dict[str, str] = {}

    def guarded(session: Any) -> Any:
        try:
            return work(session)
        except FieldError as exc:
            caught["field"] = exc.field  # read on the GUI thread after delivery
            raise

    return ops.write_unit(ctx, guarded, label=label, parent=parent, cancellable=False, on_ok=on_ok,
                          on_error=lambda message: on_refused(caught.get("field"), message))
