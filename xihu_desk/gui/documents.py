"""Printing from the screens: a 打印 menu, the document built in the background, a preview (QtPdf)
from which the user prints through the system's printer dialog, saves the PDF, or saves an
editable Word copy (另存为 Word: the same document as .docx, built and recorded as a print of its own).

    menu = print_menu(ctx, actor, parent, lambda: current_case_uuid)   # a QMenu for a 打印 button
    start_print(ctx, actor, parent, "agreement", case_uuid)            # build, then preview

The PDF is built by ``services.printing`` on the runner's database thread (the print is audited in
the same unit of work); a case file reports its pages as it goes and can be cancelled. A refusal
(what is missing, a character the font lacks) comes back as a message naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QMarginsF, QSize, QStandardPaths, Qt
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence, QPainter, QPageLayout, QPageSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.printcode import TITLES
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import Progress
from xihu_desk.services.context import Actor

if TYPE_CHECKING:
    from xihu_desk.services.cases import AgreementInput

# The order of the menu: the documents of a case in the order they arise, then the whole file.
MENU_ORDER = (
    "application",
    "register",
    "notice",
    "record",
    "agreement",
    "oral-agreement",
    "confirmation",
    "followup",
    "closing",
    "casefile",
)
translate = QCoreApplication.translate
PRINT_DPI = 300  # pages go to the printer as images of this resolution (or the printer's, if lower)


def _templates(ctx: AppContext) -> Path | None:
    folder = ctx.data.root / "templates"
    return folder if folder.is_dir() else None


def start_print(
    ctx: AppContext,
    actor: Actor,
    parent: QWidget | None,
    kind: str,
    case_uuid: str,
    *,
    reveal: bool = False,
    on_ready: Callable[[PreviewDialog], None] | None = None,
    draft: bool = False,
    agreement: AgreementInput | None = None,
) -> int:
    """Build the document in the background, then open the preview (returns the runner's op id).
    ``draft``: a 草稿 (no 核验码, not recorded as printed); ``agreement``: the agreement as typed on
    the screen, not yet registered (a draft only)."""
    templates = _templates(ctx)

    def work(session, progress: Progress):
        from xihu_desk.services import printing  # reportlab loads here, off the GUI thread

        def page(n: int) -> None:
            progress.step(done=n, stage=f"已排版 {n} 页")

        return printing.print_document(
            session,
            actor,
            kind,
            case_uuid,
            reveal=reveal,
            templates=templates,
            on_page=page,
            draft=draft,
            agreement=agreement,
        )

    def ready(printed) -> None:
        dialog = PreviewDialog(printed, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.enable_word(
            lambda path: save_word(
                ctx, actor, dialog, kind, case_uuid, path, reveal=reveal, draft=printed.draft, agreement=agreement
            )
        )
        if on_ready is not None:
            on_ready(dialog)
        dialog.show()

    label = f"正在生成{TITLES[kind]}…"
    return ctx.runner.write(work, label=label, parent=parent, on_ok=ready, cancellable=kind == "casefile")


def print_menu(
    ctx: AppContext,
    actor: Actor,
    parent: QWidget,
    case_uuid: Callable[[], str | None],
    draft_agreement: Callable[[], AgreementInput | None] | None = None,
    save_draft: Callable[[Callable[[AgreementInput], None]], None] | None = None,
) -> QMenu:
    """The 打印 menu of a case: one entry a document, whether ID numbers print whole, whether it is a
    draft; with ``draft_agreement`` (the case form) 打印草稿 of the agreement typed but not yet
    registered, for the signing table; with ``save_draft`` that agreement is stored as the case's
    draft first (services/agreement_drafts.py), then printed."""
    menu = QMenu(parent.tr("打印"), parent)
    menu.setObjectName("printMenu")
    reveal = QAction(parent.tr("印出完整证件号码（记入审计日志）"), menu)
    reveal.setObjectName("printReveal")
    reveal.setCheckable(True)
    reveal.setEnabled(actor.can(Perm.REVEAL_ID))
    as_draft = QAction(parent.tr("打印为草稿（每页印“草稿”，无核验码，不登记打印）"), menu)
    as_draft.setObjectName("printAsDraft")
    as_draft.setCheckable(True)
    if draft_agreement is not None:
        signing = menu.addAction(parent.tr("打印草稿：调解协议（尚未登记）…"))
        signing.setObjectName("printDraftAgreement")
        signing.setToolTip(
            parent.tr("按“调解结果”中正在填写的协议内容打印草稿，供当事人签字前核对；登记协议是签字后的另一步")
        )

        def draft_chosen(_checked: bool = False) -> None:
            uuid, typed = case_uuid(), draft_agreement()
            if not uuid:
                return
            if typed is None:
                messages.error(
                    parent,
                    parent.tr(
                        "没有可打印草稿的协议：请在“调解结果”中选择书面协议或口头协议并填写协议内容。"
                        "已登记的协议请直接打印。"
                    ),
                )
                return

            def print_it(saved: AgreementInput) -> None:
                kind = "agreement" if saved.form == "written" else "oral-agreement"
                start_print(ctx, actor, parent, kind, uuid, reveal=reveal.isChecked(), draft=True, agreement=saved)

            if save_draft is not None:
                save_draft(print_it)
            else:
                print_it(typed)

        signing.triggered.connect(draft_chosen)
        menu.addSeparator()
    for kind in MENU_ORDER:
        if kind == "casefile":
            menu.addSeparator()
        action = menu.addAction(TITLES[kind] + "…")
        action.setObjectName(f"print_{kind}")
        action.setData(kind)

        def chosen(_checked: bool = False, kind: str = kind) -> None:
            uuid = case_uuid()
            if uuid:
                start_print(ctx, actor, parent, kind, uuid, reveal=reveal.isChecked(), draft=as_draft.isChecked())

        action.triggered.connect(chosen)
    typical = menu.addAction(parent.tr("典型案例（隐去当事人信息）…"))
    typical.setObjectName("print_typical")

    def write_up(_checked: bool = False) -> None:
        from xihu_desk.gui.cases.typical import open_typical  # the case pages import this module

        uuid = case_uuid()
        if uuid:
            open_typical(ctx, actor, parent, uuid)

    typical.triggered.connect(write_up)
    menu.addSeparator()
    menu.addAction(as_draft)
    menu.addAction(reveal)
    menu.setEnabled(actor.can(Perm.VIEW_CASES))
    return menu


def save_word(
    ctx: AppContext,
    actor: Actor,
    parent: QWidget | None,
    kind: str,
    case_uuid: str,
    path: Path,
    *,
    reveal: bool = False,
    draft: bool = False,
    agreement: AgreementInput | None = None,
) -> int:
    """Write the document as an editable Word copy (.docx) at ``path``, in the background: the same
    record, ID rules and draft marking as the preview; recorded as a print like the PDF (a draft is
    not). The file is written in the unit of work: if it cannot be written, nothing is recorded."""
    templates = _templates(ctx)

    def work(session, _progress: Progress) -> Path:
        from xihu_desk.domain.errors import UserError
        from xihu_desk.services import printing

        printed = printing.print_document(
            session,
            actor,
            kind,
            case_uuid,
            reveal=reveal,
            templates=templates,
            draft=draft,
            word=True,
            agreement=agreement,
        )
        try:
            path.write_bytes(printed.docx)
        except OSError as exc:
            raise UserError(f"无法保存到 {path}：{exc.strerror or exc}。请换一个文件夹或文件名后重试。") from exc
        return path

    def done(saved: Path) -> None:
        messages.info(parent, translate("PreviewDialog", "已保存 Word 文档：%1").replace("%1", str(saved)))

    return ctx.runner.write(
        work, label=f"正在生成{TITLES[kind]}（Word 文档）…", parent=parent, on_ok=done, cancellable=False
    )


class PreviewDialog(QDialog):
    """The document as it will print: page through, zoom, print, save as PDF."""

    def __init__(self, printed, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.printed = printed
        self.setObjectName("printPreview")
        self.setWindowTitle(f"{printed.case_no} {printed.title}")
        # A4 upright, within the screen the dialog opens on (a 1366×768 laptop too), whole page shown
        screen = (parent.screen() if parent is not None else QGuiApplication.primaryScreen()).availableGeometry()
        height = min(980, screen.height() - 60)
        self.resize(min(860, screen.width() - 40, max(480, int(height * 0.8))), height)
        self._bytes = QByteArray(printed.pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("printView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)  # the whole page: how it will look on paper

        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.print_action = QAction(theme.icon("mdi6.printer-outline", theme.ACCENT), self.tr("打印…"), self)
        self.print_action.setObjectName("printAction")
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_dialog)
        self.save_action = QAction(theme.icon("mdi6.file-pdf-box"), self.tr("另存为 PDF…"), self)
        self.save_action.setObjectName("saveAction")
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save_dialog)
        self.word_action = QAction(theme.icon("mdi6.file-word-box"), self.tr("另存为 Word…"), self)
        self.word_action.setObjectName("saveWordAction")
        self.word_action.setToolTip(self.tr("可编辑的 Word 文档（.docx），内容与版式同本文书"))
        self.word_action.triggered.connect(self.save_word_dialog)
        self.word_action.setVisible(False)  # shown once enable_word says how the copy is made
        self._word: Callable[[Path], object] | None = None
        bar.addAction(self.print_action)
        bar.addAction(self.save_action)
        bar.addAction(self.word_action)
        bar.addSeparator()
        zoom = QActionGroup(self)
        for text, mode in (
            (self.tr("适合宽度"), QPdfView.ZoomMode.FitToWidth),
            (self.tr("整页"), QPdfView.ZoomMode.FitInView),
        ):
            action = QAction(text, zoom)
            action.setCheckable(True)
            action.setChecked(mode == self.view.zoomMode())
            action.triggered.connect(lambda _c=False, m=mode: self.view.setZoomMode(m))
            bar.addAction(action)

        code = (
            self.tr("　草稿（无核验码，不登记打印）")
            if getattr(printed, "draft", False)
            else f"　核验码 {printed.code}"
        )
        self.info = QLabel(self.tr("共 %n 页", "", self.document.pageCount()) + code)
        self.info.setObjectName("printInfo")
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(bar, 1)
        top.addWidget(self.info)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addLayout(top)
        box.addWidget(self.view, 1)

    @property
    def pages(self) -> int:
        return self.document.pageCount()

    # -- saving -----------------------------------------------------------------------------------

    def default_path(self) -> str:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder) / self.printed.file_name)

    def save_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("另存为 PDF"), self.default_path(), self.tr("PDF 文件 (*.pdf)")
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            path.write_bytes(self.printed.pdf)
        except OSError as exc:
            messages.error(
                self, self.tr("无法保存到 %1：%2").replace("%1", str(path)).replace("%2", exc.strerror or str(exc))
            )
            return False
        messages.info(self, self.tr("已保存：%1").replace("%1", str(path)))
        return True

    def enable_word(self, save: Callable[[Path], object]) -> None:
        """Offer 另存为 Word: ``save(path)`` builds the .docx and writes it (in the background)."""
        self._word = save
        self.word_action.setVisible(True)

    def default_word_path(self) -> str:
        return str(Path(self.default_path()).with_suffix(".docx"))

    def save_word_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("另存为 Word"), self.default_word_path(), self.tr("Word 文档 (*.docx)")
        )
        if path:
            self.save_word_to(Path(path))

    def save_word_to(self, path: Path) -> object:
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        return self._word(path) if self._word is not None else None

    # -- printing ---------------------------------------------------------------------------------

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(
            QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        )
        printer.setFullPage(True)  # the PDF has its own margins
        printer.setDocName(self.windowTitle())
        printer.setFromTo(1, self.pages)
        printer.setCopyCount(max(1, self.printed.copies))  # 一式 N 份
        return printer

    def print_dialog(self) -> None:
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印 %1").replace("%1", self.printed.title))
        dialog.setMinMax(1, self.pages)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Paint the pages the user chose onto the printer; returns how many were sent."""
        first = printer.fromPage() or 1
        last = printer.toPage() or self.pages
        dpi = min(printer.resolution(), PRINT_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            messages.error(self, self.tr("打印机没有响应，请检查打印机后重试。"))
            return 0
        sent = 0
        try:
            target = printer.pageLayout().fullRectPixels(printer.resolution())
            for number in range(first, last + 1):
                if sent:
                    printer.newPage()
                size_pt = self.document.pagePointSize(number - 1)
                image = self.document.render(
                    number - 1, QSize(round(size_pt.width() * dpi / 72), round(size_pt.height() * dpi / 72))
                )
                painter.drawImage(target, image)
                sent += 1
        finally:
            painter.end()
        return sent


__all__ = ["MENU_ORDER", "PreviewDialog", "print_menu", "start_print"]
