"""Translators: Qt's own strings in Chinese, and ours from resources/translations.

The interface is written in Simplified Chinese, so Qt's standard texts (button boxes, context
menus, the calendar) are put in Chinese too, whatever the system locale, and the default locale
is zh_CN so dates and numbers read the Chinese way. Our own .qm is loaded for the system locale
if one exists (e.g. a future xihu_desk_en.qm); the strings in the code are already Chinese.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from xihu_desk import paths

log = logging.getLogger(__name__)


def install(app: QApplication) -> list[QTranslator]:
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qtbase = QTranslator(app)
    if qtbase.load("qtbase_zh_CN", qt_dir):
        app.installTranslator(qtbase)
        installed.append(qtbase)
    else:
        log.info("未找到 Qt 的中文翻译 qtbase_zh_CN（%s）", qt_dir)
    ours = QTranslator(app)
    folder = paths.resources_dir() / "translations"
    if ours.load(QLocale.system(), "xihu_desk", "_", str(folder)):
        app.installTranslator(ours)
        installed.append(ours)
    return installed
