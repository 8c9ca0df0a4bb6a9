"""The file pickers and the file manager, behind one seam (style.md §D).

The exchange page asks ``FileDialogs`` for every path it needs and to show a folder; tests put a
fake in ``page.files`` that answers at once, so no modal file dialog ever opens in a test.
Every method returns ``None`` when the user cancels.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from xihu_desk.gui import prefs

LAST_FOLDER_KEY = "exchange/last_folder"


class FileDialogs(QObject):
    """The real Qt dialogs; the last folder used is remembered on this PC (often the USB stick)."""

    def _start(self, name: str = "") -> str:
        folder = prefs.get_text(LAST_FOLDER_KEY) or str(Path.home())
        return str(Path(folder) / name) if name else folder

    def _chosen(self, path: str, folder: bool = False) -> Path | None:
        if not path:
            return None
        chosen = Path(path)
        prefs.set_text(LAST_FOLDER_KEY, str(chosen if folder else chosen.parent))
        return chosen

    def save_key(self, parent: QWidget, suggested_name: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            parent, self.tr("保存本节点公钥文件"), self._start(suggested_name), self.tr("公钥文件 (*.json)")
        )
        return self._chosen(path)

    def open_key(self, parent: QWidget) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            parent, self.tr("选择对方交来的公钥文件"), self._start(), self.tr("公钥文件 (*.json);;所有文件 (*)")
        )
        return self._chosen(path)

    def export_folder(self, parent: QWidget) -> Path | None:
        path = QFileDialog.getExistingDirectory(parent, self.tr("选择保存数据包的文件夹（例如 U 盘）"), self._start())
        return self._chosen(path, folder=True)

    def open_bundle(self, parent: QWidget) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            parent, self.tr("选择要导入的数据包"), self._start(), self.tr("数据包 (*.xdb);;所有文件 (*)")
        )
        return self._chosen(path)

    def open_receipt(self, parent: QWidget) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            parent,
            self.tr("选择上级交回的回执文件"),
            self._start(),
            self.tr("回执文件 (*_receipt.json *.json);;所有文件 (*)"),
        )
        return self._chosen(path)

    def show_folder(self, folder: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
