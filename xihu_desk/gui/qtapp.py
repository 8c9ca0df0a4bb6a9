"""The running application, typed: Qt declares ``QApplication.instance()`` as an optional QCoreApplication."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # only before app.py made it, or in a core-only process
        raise RuntimeError("no QApplication is running")
    return app
