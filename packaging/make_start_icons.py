"""Render the scale symbol the login window shows (Material Design Icons "scale-balance" through
qtawesome) once, as resources/icons/scale-balance-accent.png and scale-balance-white.png, so the
program reaches its login window without loading the icon fonts (gui/theme.start_icon, issue 15).

    .venv/bin/python packaging/make_start_icons.py

The files are checked in; tests/gui/test_start_icons.py holds them equal to a fresh rendering.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtGui import QGuiApplication, QImage

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZE = 256  # scaled down smoothly for the window icon and the 40 px logo
COLOURS = {"accent": "#1f5f99", "white": "#ffffff"}  # xihu_desk/gui/theme.py ACCENT and the banner's text


def render(colour: str, size: int = SIZE) -> QImage:
    import qtawesome

    return qtawesome.icon("mdi6.scale-balance", color=colour).pixmap(size, size).toImage()


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (pixmaps need the application)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, colour in COLOURS.items():
        path = OUT / f"scale-balance-{name}.png"
        render(colour).save(str(path), "PNG")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
