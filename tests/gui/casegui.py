"""Fixtures and helpers for the tests of the 案件 screens (tests/gui/test_cases_*.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QTableWidget

from tests import casekit
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.paths import DataDir
from xihu_desk.services import demo
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate

DEMO_CASES = 60


@pytest.fixture(scope="session")
def demo_template(template_node: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template node with demo cases in every stage, filled once for the session."""
    root = tmp_path_factory.mktemp("cases-demo") / "data"
    shutil.copytree(template_node, root)
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as session:
        demo.fill(session, cli_actor(), demo.DemoCommand(cases=DEMO_CASES))
    opened.db.dispose()
    return root


@pytest.fixture
def head(db):  # noqa: ANN001, ANN201
    """A 所长 account: edits and files cases."""
    return casekit.head_actor(db)


@pytest.fixture
def page(qtbot, ctx, head) -> CasesPage:  # noqa: ANN001
    widget = CasesPage(ctx, head)
    qtbot.addWidget(widget)
    widget.resize(1180, 700)
    widget.show()
    qtbot.waitExposed(widget)
    # the first screen paints the rows, then reads the selected case's summary (gui/listpage.py)
    qtbot.waitUntil(lambda: widget.preview_open.isVisible() or not widget.model.rowCount(), timeout=3000)
    return widget


def pick(combo: QComboBox, code: object) -> None:
    """Choose an item of a code-list combo box the way a click on it would."""
    index = combo.findData(code)
    assert index >= 0, f"{combo.objectName()}: no item {code!r}"
    combo.setCurrentIndex(index)


def shown_dialog(qtbot, dialog: CaseDialog) -> CaseDialog:  # noqa: ANN001
    qtbot.waitExposed(dialog)
    return dialog


def cell_editor(view: QAbstractItemView) -> QLineEdit:
    """The line edit a table opens to edit a cell."""
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert editors, "no cell is being edited"
    return editors[0]


def column(table: QTableWidget, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def tick(qtbot, box: QAbstractButton) -> None:  # noqa: ANN001
    """Click a check box or radio button on its indicator (a wide box ignores clicks past its text)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def check(table: QTableWidget, row: int, col: int) -> None:
    """Tick a check box in a table cell, as a click on it does."""
    table.item(row, col).setCheckState(Qt.CheckState.Checked)
