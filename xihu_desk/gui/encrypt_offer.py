"""At start, an administrator of a node whose database file is still plain is offered to encrypt
it once (issue 21, services/encrypt_node.py): a backup first, the conversion with progress, then
the recovery key shown once to write down, and the session starts again on the encrypted file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QWidget

from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops
from xihu_desk.services import at_rest, encrypt_node, maintenance


def tr(text: str) -> str:
    return QCoreApplication.translate("EncryptOffer", text)


def due(ctx: Any, actor: Any) -> bool:
    """A plain SQLite file and someone who may convert it (backup and restore rights)."""
    data = ctx.data
    if data.server or not data.database.is_file() or not actor.can(Perm.MANAGE_DATA):
        return False
    return not at_rest.status(data).encrypted


def offer(parent: QWidget, ctx: Any, actor: Any, on_reopened: Callable[[Any], None]) -> bool:
    """Ask, and convert when the administrator agrees; ``on_reopened(OpenResult)`` afterwards.
    False when nothing was started (declined, or not due)."""
    if not due(ctx, actor):
        return False
    seconds = at_rest.conversion_seconds(ctx.data)  # the file's size: nothing read on this thread
    question = tr(
        "本节点的数据库文件尚未加密：电脑丢失、送修或备份 U 盘遗失时，当事人的姓名、身份证号码和电话可能被人读取。\n\n"
        "现在加密吗？程序先做一次备份，再转换数据库（预计{t}，期间不能操作），转换后显示恢复密钥，"
        "请抄下或打印后锁入保险柜。以后也可以用命令 xihu-desk encrypt 加密。"
    ).format(t=maintenance.duration_text(seconds))
    if not messages.confirm(parent, question, tr("加密数据库")):
        return False

    def done(result: encrypt_node.Encrypted) -> None:
        # the window's reads (the sheet's node facts) go to the encrypted file from here on
        ops.use_database(ctx, result.opened.db)
        show_code(parent, result.result, ctx, lambda: on_reopened(result.opened))

    ops.call(
        ctx,
        actor,
        encrypt_node.encrypt_and_reopen,
        with_data=True,
        with_progress=True,
        label=tr("正在加密数据库…"),
        parent=parent,
        cancellable=False,
        on_ok=done,
    )
    return True


def code_box(parent: QWidget | None, result: encrypt_node.EncryptResult, ctx: Any) -> QDialog:
    """The recovery key, once, in the wizard's panel (large fixed-pitch key, 打印恢复密钥单,
    保存为文件, 我已妥善保管 before 确定), then what was done. ``ctx`` already on the encrypted file."""
    from xihu_desk.gui.recovery_page import RecoveryKeyDialog

    return RecoveryKeyDialog(
        ctx,
        result.recovery_code,
        tr("数据库已加密"),
        tr("下面是本节点的恢复密钥，只显示这一次：换电脑恢复备份、或本账户的密钥丢失时要用它。"),
        result.text(),
        parent,
    )


def show_code(
    parent: QWidget | None, result: encrypt_node.EncryptResult, ctx: Any, then: Callable[[], None]
) -> QDialog:
    """The box, open (not modal-blocking); ``then()`` once it is closed: at start the program
    signs in again on the encrypted file, which closes the window the box stands on."""
    box = code_box(parent, result, ctx)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda _code: then())
    box.open()
    return box
