"""The architecture rules of design.md §3, checked."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import xihu_desk

PACKAGE = Path(xihu_desk.__file__).parent


def _modules_outside_gui() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="xihu_desk."):
        if info.name.startswith("xihu_desk.gui") or info.name in ("xihu_desk.app", "xihu_desk.__main__"):
            continue
        names.append(info.name)
    return names


def test_every_module_outside_gui_imports_with_pyside6_blocked():
    modules = _modules_outside_gui()
    assert "xihu_desk.services.node" in modules and "xihu_desk.cli" in modules
    code = (
        "import sys, importlib\n"
        "sys.modules['PySide6'] = None\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any(m.startswith('PySide6.') for m in sys.modules), 'Qt was imported'\n"
        "print('ok', len(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_sessions_are_made_only_in_uow():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "uow.py" and path.parent.name == "store":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bsessionmaker\(|\bSession\(", text):
            offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []


def test_qt_is_imported_only_in_gui_and_app():
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "PySide6" in p.read_text(encoding="utf-8")
        and not (p.relative_to(PACKAGE).parts[0] == "gui" or p.name == "app.py")
    ]
    assert offenders == []
