"""Per-PC preferences in QSettings (window sizes, column widths, text size, last user name).

Node-wide settings that an administrator sets live in the database (services/settings.py); these
are only about this PC's screen. An INI file keeps them in one readable place on every platform;
tests point QSettings at a temporary folder with QSettings.setPath.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QSplitter, QWidget

from xihu_desk import APP_NAME

ORGANIZATION = "XihuDesk"
TEXT_SCALE_KEY = "display/text_scale"
TEXT_SCALE_MIN, TEXT_SCALE_MAX, TEXT_SCALE_DEFAULT = 100, 150, 100
LAST_USERNAME_KEY = "login/last_username"


def qsettings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


def text_scale() -> int:
    try:
        raw = qsettings().value(TEXT_SCALE_KEY, TEXT_SCALE_DEFAULT)  # str from the .ini file
        value = int(raw) if isinstance(raw, (int, float, str)) else TEXT_SCALE_DEFAULT
    except (TypeError, ValueError):
        value = TEXT_SCALE_DEFAULT
    return min(max(value, TEXT_SCALE_MIN), TEXT_SCALE_MAX)


def set_text_scale(percent: int) -> None:
    qsettings().setValue(TEXT_SCALE_KEY, min(max(int(percent), TEXT_SCALE_MIN), TEXT_SCALE_MAX))


def get_text(key: str, default: str = "") -> str:
    value = qsettings().value(key, default)
    return value if isinstance(value, str) else default


def set_text(key: str, value: str) -> None:
    qsettings().setValue(key, value)


def _bytes(key: str) -> QByteArray | None:
    value = qsettings().value(key)
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_geometry(key: str, widget: QWidget) -> None:
    qsettings().setValue(f"{key}/geometry", widget.saveGeometry())


def restore_geometry(key: str, widget: QWidget) -> bool:
    state = _bytes(f"{key}/geometry")
    return state is not None and widget.restoreGeometry(state)


def save_state(key: str, thing: QSplitter | QHeaderView) -> None:
    qsettings().setValue(f"{key}/state", thing.saveState())


def restore_state(key: str, thing: QSplitter | QHeaderView) -> bool:
    state = _bytes(f"{key}/state")
    return state is not None and thing.restoreState(state)
