"""Look and feel: Fusion, a restrained light palette, a Chinese UI font, one icon set, text size.

Font sizes appear only here: the application font carries the text-size setting (100–150 %) and
the style sheet's few larger sizes are computed from it, so every screen follows the setting.
Widgets ask for a size by a dynamic property, e.g. ``label.setProperty("kind", "title")``.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_API", "pyside6")  # qtawesome goes through QtPy; pick our binding

from PySide6.QtGui import QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from xihu_desk import paths

ACCENT = "#1f5f99"
ACCENT_DARK = "#174a78"
ACCENT_SOFT = "#e3edf7"
TEXT = "#1f2933"
MUTED = "#5f6b7a"
BORDER = "#d5dbe3"
WINDOW = "#f3f5f8"
DANGER = "#b42318"
SUCCESS = "#1e7b34"
SIDEBAR = "#e9edf2"


def font_families() -> list[str]:
    if sys.platform == "win32":
        return ["Microsoft YaHei UI", "Microsoft YaHei", "SimHei"]
    if sys.platform == "darwin":
        return ["PingFang SC", "Heiti SC"]
    return ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Droid Sans Fallback"]


BASE_POINT_SIZE = 10.0  # YaHei and Noto CJK at 10 pt read well for older eyes at 100 %


def palette() -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colours = {
        role.Window: WINDOW,
        role.WindowText: TEXT,
        role.Base: "#ffffff",
        role.AlternateBase: "#f7f9fb",
        role.Text: TEXT,
        role.Button: "#f8f9fb",
        role.ButtonText: TEXT,
        role.Highlight: ACCENT,
        role.HighlightedText: "#ffffff",
        role.ToolTipBase: "#ffffff",
        role.ToolTipText: TEXT,
        role.PlaceholderText: "#8a94a3",
        role.Link: ACCENT,
        role.Light: "#ffffff",
        role.Midlight: "#eceff3",
        role.Mid: "#c3cad3",
        role.Dark: "#9aa5b1",
        role.Shadow: "#6b7785",
    }
    for r, c in colours.items():
        p.setColor(r, QColor(c))
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#9aa5b1"))
    p.setColor(group.Inactive, role.Highlight, QColor(ACCENT))
    p.setColor(group.Inactive, role.HighlightedText, QColor("#ffffff"))
    return p


def style_sheet(scale: int) -> str:
    base = BASE_POINT_SIZE * scale / 100

    def pt(factor: float) -> str:
        return f"{base * factor:.1f}pt"

    def icon(px: int) -> int:
        return px * scale // 100

    return f"""
QLabel[kind="title"] {{ font-size: {pt(1.6)}; font-weight: bold; color: {TEXT}; }}
QLabel[kind="subtitle"] {{ font-size: {pt(1.15)}; font-weight: bold; color: {TEXT}; }}
QLabel[kind="muted"] {{ color: {MUTED}; }}
QLabel[kind="figure"] {{ font-size: {pt(2.4)}; font-weight: bold; color: {ACCENT}; }}
QLabel[kind="big-icon"] {{ padding: 4px; }}
QLabel[state="error"] {{ color: {DANGER}; }}
QLabel[state="ok"] {{ color: {SUCCESS}; }}
QLabel[state="hint"] {{ color: {MUTED}; }}
QFrame[kind="card"] {{ background: #ffffff; border: 1px solid {BORDER}; border-radius: 6px; }}
QFrame[kind="card"] QLabel {{ background: transparent; border: none; }}
QFrame[kind="banner"] {{ background: {ACCENT}; }}
QFrame[kind="banner"] QLabel {{ color: #ffffff; }}
QListWidget#navList {{
    background: {SIDEBAR}; border: none; border-right: 1px solid {BORDER}; outline: 0;
    font-size: {pt(1.1)}; padding-top: 6px;
}}
QListWidget#navList::item {{ padding: 10px 12px; margin: 1px 6px; border-radius: 4px; color: {TEXT}; }}
QListWidget#navList::item:hover {{ background: #dde4ec; }}
QListWidget#navList::item:selected {{ background: {ACCENT}; color: #ffffff; }}
QStatusBar {{ background: {SIDEBAR}; border-top: 1px solid {BORDER}; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 0 8px; }}
QPushButton {{ padding: 5px 14px; }}
QAbstractButton, QTabBar {{ icon-size: {icon(16)}px; }}
QToolBar {{ qproperty-iconSize: {icon(20)}px {icon(20)}px; }}
QPushButton[kind="primary"] {{
    background: {ACCENT}; color: #ffffff; border: 1px solid {ACCENT_DARK}; border-radius: 3px; padding: 6px 18px;
}}
QPushButton[kind="primary"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[kind="primary"]:disabled {{ background: #9fb6cc; border-color: #9fb6cc; }}
QPushButton:default:!disabled {{
    border: 2px solid {ACCENT}; border-radius: 3px; background: {ACCENT_SOFT}; padding: 4px 13px;
}}
QPushButton[kind="primary"]:default:!disabled {{ border: 2px solid {ACCENT_DARK}; background: {ACCENT}; padding: 5px 17px; }}
QPushButton[kind="primary"]:default:hover {{ background: {ACCENT_DARK}; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; background: #ffffff; top: -1px; }}
QTabBar::tab {{ padding: 7px 16px; }}
QTableView {{ gridline-color: #e6eaef; selection-background-color: {ACCENT}; }}
QHeaderView::section {{ background: #eef1f5; border: none; border-right: 1px solid {BORDER};
    border-bottom: 1px solid {BORDER}; padding: 5px 6px; }}
QGroupBox {{ font-weight: bold; }}
"""


def apply(app: QApplication, scale: int) -> None:
    """Once, at start: the style, the palette and the text size.

    Icons grow with the text through the style sheet (icon-size), not through a Python
    QProxyStyle: with PySide6 6.12 on Python 3.11 every null pointer passed into a Python
    override drops a reference to None, and pixelMetric is called thousands of times per
    paint, so a day's use would end in "Fatal Python error: none_dealloc"."""
    app.setStyle("Fusion")
    app.setPalette(palette())
    apply_text_scale(app, scale)


def apply_text_scale(app: QApplication, scale: int) -> None:
    """Any time: every window re-lays itself out in the new size (the style sheet re-polishes)."""
    font = QFont()
    font.setFamilies(font_families())
    font.setPointSizeF(BASE_POINT_SIZE * scale / 100)
    app.setFont(font)
    app.setStyleSheet(style_sheet(scale))


def icon(name: str, color: str = MUTED, active: str | None = None) -> QIcon:
    """An icon from the one set we use (Material Design Icons via qtawesome). qtawesome and its
    fonts load on the first icon (a third of a second): after the login window (issue 15)."""
    import qtawesome

    return qtawesome.icon(
        name, color=color, color_active=active or color, color_selected="#ffffff", color_disabled="#b5bec9"
    )


def preload_icons() -> None:
    """Load qtawesome and its fonts now, while the GUI thread would idle (the sign-in's password
    check runs on the DB thread), so the main window that follows does not wait for them."""
    icon("mdi6.scale-balance")


START_ICONS = {ACCENT: "accent", "#ffffff": "white"}


def start_icon(color: str = ACCENT) -> QIcon:
    """The program's scale symbol, ``icon("mdi6.scale-balance", color)`` as a picture rendered
    beforehand (packaging/make_start_icons.py): the login window and the window icon show it
    without loading the icon fonts (issue 15)."""
    return QIcon(str(paths.resources_dir() / "icons" / f"scale-balance-{START_ICONS[color]}.png"))
