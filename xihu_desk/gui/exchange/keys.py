"""The keys on the exchange page: this node's public key exported to a file for the other office, and
the other office's key enrolled after its fingerprint is compared by telephone (nothing is saved
before that call)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from xihu_desk.domain.errors import UserError
from xihu_desk.domain.levels import Level
from xihu_desk.gui import messages, ops
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange.dialogs import FingerprintDialog, fingerprint_text
from xihu_desk.gui.exchange.files import FileDialogs
from xihu_desk.services import exchange
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange import Enrolled
from xihu_desk.services.node import NodeInfo


class KeyExchange(QObject):
    """Export and enrol keys for ``page`` (its dialogs and messages open over it)."""

    enrolled = Signal(object)  # Enrolled: the other office's key is saved

    def __init__(
        self, ctx: AppContext, actor: Actor, info: NodeInfo, page: QWidget, files: Callable[[], FileDialogs]
    ) -> None:
        super().__init__(page)
        self.ctx, self.actor, self.info, self.page, self.files = ctx, actor, info, page, files
        self.enrol_dialog: FingerprintDialog | None = None

    def tr(self, text: str) -> str:  # type: ignore[override]  # the page's catalogue context
        return QCoreApplication.translate("ExchangePage", text)

    def export_key(self) -> None:
        name = f"{self.info.org_code}_{self.info.org_name}_公钥.json"
        path = self.files().save_key(self.page, name)
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(".json")
        cannot_write = self.tr("无法写入公钥文件：{path}（{reason}）")

        def work(session: Any, actor: Actor) -> tuple[Path, str]:
            doc = exchange.export_key(session, actor)
            try:
                path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
            except OSError as exc:
                raise UserError(cannot_write.format(path=path, reason=exc.strerror or exc)) from None
            return path, doc["fingerprint"]

        ops.read(self.ctx, self.actor, work, parent=self.page, on_ok=self._key_exported)

    def _key_exported(self, done: tuple[Path, str]) -> None:
        path, fingerprint = done
        messages.info(
            self.page,
            self.tr(
                "本节点公钥文件已保存：\n{path}\n\n指纹：\n{fingerprint}\n\n请把文件交给对方登记，"
                "对方登记时请电话核对这串指纹。"
            ).format(path=path, fingerprint=fingerprint_text(fingerprint)),
            self.tr("公钥已导出"),
        )

    def enrol_key(self) -> None:
        path = self.files().open_key(self.page)
        if path is None:
            return
        unreadable = self.tr("无法读取公钥文件：{path}").format(path=path)
        not_a_key = self.tr("这不是西湖司法所工作台的节点密钥文件。")

        def work(session: Any, actor: Actor) -> tuple[dict[str, Any], Enrolled]:
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise UserError(unreadable) from None
            if not isinstance(doc, dict):
                raise UserError(not_a_key)
            # every check the service makes, nothing saved before the phone call
            return doc, exchange.enrol(session, actor, doc, dry_run=True)

        ops.read(self.ctx, self.actor, work, parent=self.page, on_ok=self._ask_fingerprint)

    def _ask_fingerprint(self, found: tuple[dict[str, Any], Enrolled]) -> None:
        doc, enrolled = found
        try:
            level_label = Level(str(doc.get("level"))).label
        except ValueError:
            level_label = str(doc.get("level"))
        self.enrol_dialog = FingerprintDialog(enrolled, level_label, self.page)
        self.enrol_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.enrol_dialog.accepted.connect(lambda: self._enrol(doc))
        self.enrol_dialog.finished.connect(lambda _code: setattr(self, "enrol_dialog", None))
        self.enrol_dialog.open()

    def _enrol(self, doc: dict[str, Any]) -> None:
        ops.write(self.ctx, self.actor, exchange.enrol, doc, parent=self.page, on_ok=self._enrolled)

    def _enrolled(self, done: Enrolled) -> None:
        self.enrolled.emit(done)
