"""典型案例: a closed case written up for the district's collection, parties anonymised. The
mediator types the 案例评析 (and may give a title); the other sections come from the case and are
shown as they will print. Saving stores the mediator's text; 导出 writes a Word copy or a PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.filenames import safe_file_name
from xihu_desk.domain.errors import UserError
from xihu_desk.gui import messages, ops
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import fit_to_screen, save_bytes
from xihu_desk.services import typical_cases
from xihu_desk.services.context import Actor


def open_typical(ctx: AppContext, actor: Actor, parent: QWidget, case_uuid: str) -> TypicalDialog | None:
    """The dialog of the case, or a message when the case cannot be written up (not closed)."""
    try:
        up = ops.read(ctx, actor, typical_cases.write_up, case_uuid)
    except UserError as exc:
        messages.error(parent, exc.message)
        return None
    host = parent
    while isinstance(host, QMenu) and (above := host.parentWidget()) is not None:
        host = above  # a right-click menu is deleted when it closes: not a parent to keep
    dialog = TypicalDialog(ctx, actor, case_uuid, up, host.window())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


class TypicalDialog(QDialog):
    def __init__(self, ctx: AppContext, actor: Actor, case_uuid: str, up, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.case_uuid = ctx, actor, case_uuid
        self.setObjectName("typicalDialog")
        self.setWindowTitle(self.tr("典型案例：%1").replace("%1", up.case_no))
        note = QLabel(
            self.tr(
                "当事人姓名已替换为“张某”“某公司”等，证件号码、电话、住址和具体日期已隐去；"
                "调解员和调委会照常署名。请核对文中是否还有其他人的真实姓名。"
            )
        )
        note.setWordWrap(True)
        self.title = QLineEdit(up.own_title)
        self.title.setObjectName("typicalTitle")
        self.title.setMaxLength(typical_cases.TITLE_LENGTH)
        self.title.setPlaceholderText(up.title)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("typicalPreview")
        self.preview.setReadOnly(True)
        self.analysis = QPlainTextEdit(up.analysis)
        self.analysis.setObjectName("typicalAnalysis")
        self.analysis.setPlaceholderText(self.tr("本案的典型意义、调解方法和经验，由承办调解员撰写"))
        form = QFormLayout()
        form.addRow(self.tr("标题："), self.title)
        form.addRow(self.tr("案情、过程和结果\n（按案件生成）："), self.preview)
        form.addRow(self.tr("案例评析："), self.analysis)
        self.saved = QLabel()
        self.saved.setObjectName("typicalSaved")
        buttons = QDialogButtonBox()
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("typicalSave")
        self.word_button = QPushButton(self.tr("导出 Word…"))
        self.word_button.setObjectName("typicalWord")
        self.pdf_button = QPushButton(self.tr("导出 PDF…"))
        self.pdf_button.setObjectName("typicalPdf")
        for b in (self.save_button, self.word_button, self.pdf_button):
            buttons.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        close = QPushButton(self.tr("关闭"))
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.close)
        self.save_button.clicked.connect(lambda: self.save())
        self.word_button.clicked.connect(lambda: self.export_dialog(word=True))
        self.pdf_button.clicked.connect(lambda: self.export_dialog(word=False))
        box = QVBoxLayout(self)
        box.addWidget(note)
        box.addLayout(form, 1)
        box.addWidget(self.saved)
        box.addWidget(buttons)
        self.show_write_up(up)
        fit_to_screen(self, 52, 34)

    def show_write_up(self, up) -> None:
        self.up = up
        shown = [f"【{heading}】\n" + "\n".join(paragraphs) for heading, paragraphs in up.sections[:3]]
        self.preview.setPlainText("\n\n".join(shown))
        when = typical_cases.saved_at_local(up)
        self.saved.setText(
            self.tr("评析由 %1 于 %2 保存").replace("%1", up.saved_by).replace("%2", when)
            if when
            else self.tr("案例评析尚未保存")
        )

    def _typed(self) -> tuple[str, str]:
        return self.analysis.toPlainText(), self.title.text()

    def _unchanged(self) -> bool:
        return self._typed() == (self.up.analysis, self.up.own_title)

    def save(self, then=None) -> None:
        """Store what is typed (one unit of work), then ``then()``; a refusal keeps the text."""
        analysis, title = self._typed()

        def done(up) -> None:
            self.show_write_up(up)
            if then is not None:
                then()

        ops.write(
            self.ctx,
            self.actor,
            typical_cases.save,
            self.case_uuid,
            analysis,
            title,
            on_ok=done,
            on_error=lambda message: messages.error(self, message),
            label=self.tr("正在保存案例评析…"),
            parent=self,
        )

    def export_dialog(self, *, word: bool) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name = safe_file_name(f"典型案例 {self.up.title}{'.docx' if word else '.pdf'}")  # the title is typed
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("导出典型案例"),
            str(Path(folder) / name),
            self.tr("Word 文档 (*.docx)") if word else self.tr("PDF 文件 (*.pdf)"),
        )
        if path:
            self.export_to(Path(path), word=word)

    def export_to(self, path: Path, *, word: bool) -> None:
        """Save what is typed if it changed, then write the file (built on the DB thread)."""

        def build() -> None:
            ops.read(
                self.ctx,
                self.actor,
                typical_cases.document,
                self.case_uuid,
                word=word,
                on_ok=lambda result: self._written(path, result[1]),
                on_error=lambda message: messages.error(self, message),
                label=self.tr("正在生成典型案例…"),
                parent=self,
            )

        if self._unchanged():
            build()
        else:
            self.save(then=build)

    def _written(self, path: Path, data: bytes) -> None:
        if save_bytes(self, str(path), data):
            self.saved.setText(self.tr("已导出：%1").replace("%1", str(path)))
