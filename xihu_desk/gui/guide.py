"""帮助 → 使用指南: the user guide shipped with the program (resources/guide/user-guide.md), shown
in a plain reader window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from xihu_desk import paths


def guide_file() -> Path:
    return paths.resources_dir() / "guide" / "user-guide.md"


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle(self.tr("使用指南"))
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideText")
        self.browser.setOpenExternalLinks(False)
        try:
            self.browser.setMarkdown(guide_file().read_text(encoding="utf-8"))
        except OSError as exc:
            self.browser.setPlainText(
                self.tr("找不到使用指南文件（{path}：{why}）。请重新安装程序。").format(
                    path=guide_file(), why=exc.strerror or exc
                )
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.browser, 1)
        box.addWidget(buttons)
        screen = (parent.screen() if parent is not None else QApplication.primaryScreen()).availableGeometry()
        self.resize(min(820, screen.width() - 40), min(900, screen.height() - 60))
