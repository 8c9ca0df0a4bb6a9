"""The file pickers of the 统计报表 area behind one seam (style.md §D): tests put a fake in
``page.files`` that answers at once, so no modal file dialog ever opens in a test. Every method
returns ``None`` when the user cancels."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from xihu_desk.domain.filenames import safe_file_name
from xihu_desk.gui import prefs

LAST_FOLDER_KEY = "reports/last_folder"


class FileDialogs(QObject):
    """The real Qt dialogs; the last folder used is remembered on this PC."""

    def _start(self, name: str = "") -> str:
        folder = prefs.get_text(LAST_FOLDER_KEY) or str(Path.home())
        return str(Path(folder) / safe_file_name(name)) if name else folder

    def _chosen(self, path: str, suffix: str = "") -> Path | None:
        if not path:
            return None
        chosen = Path(path)
        if suffix and chosen.suffix.lower() != suffix:
            chosen = chosen.with_name(chosen.name + suffix)
        prefs.set_text(LAST_FOLDER_KEY, str(chosen.parent))
        return chosen

    def save_workbook(self, parent: QWidget, title: str, suggested_name: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            parent, title, self._start(suggested_name), self.tr("Excel 工作簿 (*.xlsx)")
        )
        return self._chosen(path, ".xlsx")

    def open_ledger(self, parent: QWidget) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            parent, self.tr("选择原有的 Excel 台账"), self._start(), self.tr("Excel 工作簿 (*.xlsx);;所有文件 (*)")
        )
        return self._chosen(path)

    def open_platform_export(self, parent: QWidget) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            parent,
            self.tr("选择从省平台导出的案件表"),
            self._start(),
            self.tr("Excel 工作簿 (*.xlsx);;所有文件 (*)"),
        )
        return self._chosen(path)

    def save_pdf(self, parent: QWidget, title: str, suggested_name: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            parent, title, self._start(suggested_name), self.tr("PDF 文件 (*.pdf)")
        )
        return self._chosen(path, ".pdf")

    def open_rules(self, parent: QWidget) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            parent, self.tr("选择补贴规则文件"), self._start(), self.tr("规则文件 (*.toml);;所有文件 (*)")
        )
        return self._chosen(path)

    def show_folder(self, folder: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
