"""Qt Designer forms (forms/*.ui) loaded at run time.

Each form's top level is a plain QWidget that a dialog class embeds, so the dialog keeps its own
signals and behaviour and the form only holds the layout. QUiLoader translates the form's texts
with the form's class name as the translation context, the same context lupdate gives them.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from xihu_desk import paths

W = TypeVar("W", bound=QObject)  # widgets, and layouts too


def load_form(name: str, parent: QWidget) -> QWidget:
    path = paths.forms_dir() / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"无法打开界面文件 {path}")
    try:
        loader = QUiLoader()
        form = loader.load(file, parent)
    finally:
        file.close()
    if form is None:
        raise RuntimeError(f"界面文件 {path} 无法载入：{loader.errorString()}")
    return form


def child(form: QWidget, kind: type[W], name: str) -> W:
    """A named widget of the form; a missing one is a bug in the .ui file."""
    found = form.findChild(kind, name)
    if found is None:
        raise LookupError(f"界面文件中缺少 {kind.__name__} {name}")
    return found
