"""Bundles on the exchange page: written out (upward to the parent, downward to a child), their
receipts taken back, and bundles read in — a dry run shown first, then the import and its receipt.
Every service here opens its own units of work, so each runs through ops.call off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from xihu_desk.gui import messages, ops
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange import text
from xihu_desk.gui.exchange.dialogs import ImportDialog
from xihu_desk.gui.exchange.files import FileDialogs
from xihu_desk.services import exchange
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange import ExportResult, ImportResult, ReceiptResult

UP, DOWN = "up", "down"


class BundleExchange(QObject):
    """The bundle operations of ``page``; ``show_result(side, html, folder, folder_text)`` puts an
    outcome in that side's box, ``changed`` asks the page to read its lists again."""

    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        page: QWidget,
        files: Callable[[], FileDialogs],
        show_result: Callable[[str, str, Path | None, str], None],
    ) -> None:
        super().__init__(page)
        self.ctx, self.actor, self.page, self.files = ctx, actor, page, files
        self._show = show_result
        self.import_dialog: ImportDialog | None = None
        self._import_op: int | None = None
        ctx.runner.finished.connect(self._op_finished)

    def tr(self, text: str) -> str:  # type: ignore[override]  # the page's catalogue context
        return QCoreApplication.translate("ExchangePage", text)

    def show_result(self, side: str, html: str, folder: Path | None = None, folder_text: str = "") -> None:
        self._show(side, html, folder, folder_text)

    # bundles out: upward to the parent, downward to a child

    def export(self, side: str, to: str | None) -> None:
        folder = self.files().export_folder(self.page)
        if folder is None:
            return
        ops.call(
            self.ctx,
            self.actor,
            exchange.export_bundle,
            folder,
            to=to,
            with_data=True,
            with_progress=True,
            label=self.tr("正在生成数据包…"),
            parent=self.page,
            on_ok=lambda result: self._exported(side, result),
            on_error=lambda message: self._failed(side, message),
        )

    def _exported(self, side: str, result: ExportResult) -> None:
        self.show_result(
            side, text.export_html(result, downward=side == DOWN), result.file.parent, self.tr("打开数据包所在文件夹")
        )
        self.changed.emit()
        note = self.tr("已生成第 {sequence} 号数据包：\n{file}").format(sequence=result.sequence, file=result.file)
        if result.quarantined:
            messages.warning(
                self.page,
                note
                + "\n\n"
                + self.tr("有 {n} 条记录自检未通过，没有放进数据包，已列入隔离清单。").format(
                    n=len(result.quarantined)
                ),
                self.tr("数据包已生成"),
            )
        else:
            messages.info(self.page, note, self.tr("数据包已生成"))

    def take_receipt(self, side: str = UP) -> None:
        path = self.files().open_receipt(self.page)
        if path is None:
            return
        ops.call(
            self.ctx,
            self.actor,
            exchange.take_receipt,
            path,
            label=self.tr("正在登记回执…"),
            parent=self.page,
            cancellable=False,
            on_ok=lambda result: self._receipt_taken(side, result),
            on_error=lambda message: self._failed(side, message),
        )

    def _receipt_taken(self, side: str, result: ReceiptResult) -> None:
        self.show_result(side, text.receipt_html(result))
        self.changed.emit()
        note = self.tr("已登记第 {sequence} 号数据包的回执：对方确认 {n} 条，未接收 {m} 条。").format(
            sequence=result.sequence, n=result.acknowledged, m=len(result.not_taken)
        )
        if result.rebase is not None:
            note = result.rebase.text() + "\n\n" + self.tr("请重新导出数据包交给上级。")
        messages.info(self.page, note, self.tr("回执已登记"))

    def _failed(self, side: str, message: str) -> None:
        self.show_result(side, text.error_html(message))
        messages.error(self.page, message)

    # bundles in: dry run, confirm, import, receipt

    def import_bundle(self, side: str = DOWN) -> None:
        path = self.files().open_bundle(self.page)
        if path is None:
            return
        ops.call(
            self.ctx,
            self.actor,
            exchange.preview_import,
            path,
            with_data=True,
            with_progress=True,
            label=self.tr("正在核对数据包…"),
            parent=self.page,
            on_ok=lambda result: self._previewed(side, path, result),
            on_error=lambda message: self._refused(side, message),
        )

    def _previewed(self, side: str, path: Path, result: ImportResult) -> None:
        dialog = ImportDialog(path, self.page)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.confirmed.connect(lambda: self._confirm_import(side, dialog))
        dialog.open_folder.connect(self._open_folder)
        dialog.finished.connect(lambda _code: setattr(self, "import_dialog", None))
        self.import_dialog = dialog
        if result.result == "already-imported":  # nothing to decide; the receipt was written again
            dialog.show_done(result)
            self._show_imported(side, result)
        else:
            dialog.show_preview(result)
        dialog.open()

    def _open_folder(self, folder: Path | None) -> None:
        if folder:
            self.files().show_folder(folder)

    def _confirm_import(self, side: str, dialog: ImportDialog) -> None:
        self._import_op = ops.call(
            self.ctx,
            self.actor,
            exchange.import_bundle,
            dialog.bundle,
            with_data=True,
            with_progress=True,
            label=self.tr("正在导入数据包…"),
            parent=dialog,
            on_ok=lambda result: self._imported(side, dialog, result),
            on_error=lambda message: self._import_failed(side, dialog, message),
        )

    def _imported(self, side: str, dialog: ImportDialog, result: ImportResult) -> None:
        dialog.show_done(result)
        self._show_imported(side, result)

    def _show_imported(self, side: str, result: ImportResult) -> None:
        html = text.import_html(result)
        if result.receipt:
            html += text.paragraph(self.tr("回执已写入：{path}。请把回执交回报送单位。").format(path=result.receipt))
        self.show_result(side, html, result.receipt.parent if result.receipt else None, self.tr("打开回执所在文件夹"))
        self.changed.emit()

    def _import_failed(self, side: str, dialog: ImportDialog, message: str) -> None:
        dialog.show_refused(message)
        self._refused(side, message)

    def _refused(self, side: str, message: str) -> None:
        self.show_result(side, text.refused_html(message))
        self.changed.emit()  # a fork refused just now is listed with what to do
        messages.error(self.page, self.tr("{message}\n\n没有写入任何数据。").format(message=message), self.tr("未导入"))

    def _op_finished(self, op_id: int, ok: bool) -> None:
        if op_id != self._import_op:
            return
        self._import_op = None
        dialog = self.import_dialog
        if not ok and dialog is not None and dialog.stage == "importing":  # cancelled: nothing written
            dialog.back_to_preview()
