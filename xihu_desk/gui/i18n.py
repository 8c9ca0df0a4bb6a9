"""Translators: Qt's own strings in Chinese, and ours from resources/translations.

The interface is written in Simplified Chinese, so Qt's standard texts (button boxes, context
menus, the calendar) are put in Chinese too, whatever the system locale, and the default locale
is zh_CN so dates and numbers read the Chinese way. Our own .qm is loaded for the system locale
if one exists (e.g. a future xihu_desk_en.qm); the strings in the code are already Chinese.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from xihu_desk import paths

log = logging.getLogger(__name__)


def qt_translation_dirs() -> list[Path]:
    """Where Qt's own translations may be: the folder Qt reports, then where PySide6 keeps them
    (PySide6/Qt/translations on Linux and in the packaged program, PySide6/translations on
    Windows), so a packaged or relocated Qt that reports a wrong folder still speaks Chinese."""
    import PySide6

    pyside = Path(PySide6.__file__).resolve().parent
    found = [
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        pyside / "Qt" / "translations",
        pyside / "translations",
    ]
    return list(dict.fromkeys(found))


def install(app: QApplication) -> list[QTranslator]:
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed: list[QTranslator] = []
    qtbase = QTranslator(app)
    folders = qt_translation_dirs()
    if any(qtbase.load("qtbase_zh_CN", str(folder)) for folder in folders):
        app.installTranslator(qtbase)
        installed.append(qtbase)
    else:
        log.warning("未找到 Qt 的中文翻译 qtbase_zh_CN（%s）", "；".join(str(f) for f in folders))
    # Qt 6 changed some of its dialogs' texts ("&Look in:", "Page &Set:") and qtbase_zh_CN lags
    # behind: those few are translated here, looked up before qtbase (installed later).
    extra = QTranslator(app)
    if extra.load("qt_extra_zh_CN", str(paths.resources_dir() / "translations")):
        app.installTranslator(extra)
        installed.append(extra)
    ours = QTranslator(app)
    folder = paths.resources_dir() / "translations"
    if ours.load(QLocale.system(), "xihu_desk", "_", str(folder)):
        app.installTranslator(ours)
        installed.append(ours)
    return installed
