"""数据安全 → 数据库加密 (issue 21): whether the file is encrypted, where its key is sealed and
when the recovery key was set (services/data_security.overview, the facts ``check --json``
reports); 加密数据库… on a plain node (gui/encrypt_offer.py); 更换恢复密钥… (``rekey``) with the
new key shown once; and, before a restore, the recovery key a backup of another PC needs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.errors import UserError
from xihu_desk.gui import encrypt_offer, messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.unlock_code import RecoveryCodeField
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import at_rest, data_security, maintenance
from xihu_desk.services.context import Actor


class EncryptionGroup(QGroupBox):
    changed = Signal(str)  # a line for the status bar

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("数据库加密"), parent)
        self.ctx, self.actor = ctx, actor
        self.view: data_security.Overview | None = None
        grid = QGridLayout(self)
        self.state = QLabel()
        self.state.setObjectName("encryptionState")
        self.sealed = label("", wrap=True)
        self.sealed.setObjectName("keySealed")
        self.recovery = label("", wrap=True)
        self.recovery.setObjectName("recoverySetAt")
        for row, (name, value) in enumerate(
            (
                (self.tr("数据库加密："), self.state),
                (self.tr("密钥保存在："), self.sealed),
                (self.tr("恢复密钥："), self.recovery),
            )
        ):
            grid.addWidget(label(name), row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
        grid.setColumnStretch(1, 1)
        self.encrypt_button = QPushButton(theme.icon("mdi6.database-lock-outline"), self.tr("加密数据库…"))
        self.encrypt_button.setObjectName("encryptDatabase")
        self.rekey_button = QPushButton(theme.icon("mdi6.key-change"), self.tr("更换恢复密钥…"))
        self.rekey_button.setObjectName("replaceRecoveryKey")
        buttons = QVBoxLayout()  # beside the facts, not under them: the page is tall at 150 %
        buttons.addWidget(self.encrypt_button)
        buttons.addWidget(self.rekey_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 0, 2, 3, 1)
        self.encrypt_button.clicked.connect(self.encrypt)
        self.rekey_button.clicked.connect(self.rekey)
        self.key_dialog: QDialog | None = None  # the new key's box, while it is open

    def refresh(self) -> None:
        view = self.view = ops.read(self.ctx, self.actor, data_security.overview, self.ctx.data)
        status = view.status
        if status is None:  # cannot be: the page hides this group on a server
            return
        if status.encrypted:
            show_state(self.state, "ok", self.tr("是（SQLCipher）"))
            self.sealed.setText(status.sealed or self.tr("（未知）"))
            self.recovery.setText(
                self.tr("设定于 {at}；换电脑恢复备份、本账户的密钥丢失时要用它").format(
                    at=view.recovery_set_at.strftime("%Y-%m-%d %H:%M")
                )
                if view.recovery_set_at
                else self.tr("设定日期不详")
            )
        else:
            show_state(self.state, "error", self.tr("否：电脑丢失或送修时，当事人的个人信息可能被读取"))
            self.sealed.setText(self.tr("—（数据库未加密）"))
            self.recovery.setText(self.tr("—（加密后生成）"))
        self.encrypt_button.setVisible(not status.encrypted)
        self.encrypt_button.setEnabled(view.may_manage)
        self.rekey_button.setVisible(status.encrypted)
        self.rekey_button.setEnabled(view.may_manage)
        tip = "" if view.may_manage else self.tr("只有管理员可以操作。")
        self.encrypt_button.setToolTip(tip)
        self.rekey_button.setToolTip(tip)

    # -- 加密数据库 (the offer made at start, from here) -------------------------------------------

    def encrypt(self) -> None:
        encrypt_offer.offer(self, self.ctx, self.actor, self._encrypted)

    def _encrypted(self, _opened: Any) -> None:
        self.refresh()
        self.changed.emit(self.tr("数据库已加密。"))

    # -- 更换恢复密钥 ---------------------------------------------------------------------------------

    def rekey(self) -> None:
        seconds = at_rest.conversion_seconds(self.ctx.data)  # its backup carries no attachments
        question = self.tr(
            "更换恢复密钥：程序先备份，再把数据库改用新密钥加密（预计{t}，期间不能操作）。\n\n"
            "更换后旧的恢复密钥不能再打开本节点，也打不开以后的备份；更换前的备份在其他电脑上仍要用旧的恢复密钥。"
            "新的恢复密钥只显示一次，请打印后锁入保险柜，并销毁旧的恢复密钥单。\n\n确定更换吗？"
        ).format(t=maintenance.duration_text(seconds))
        if not messages.confirm(self, question, self.tr("更换恢复密钥")):
            return
        ops.call(
            self.ctx,
            self.actor,
            data_security.rekey_and_reopen,
            with_data=True,
            label=self.tr("正在更换恢复密钥（预计{t}，期间不能操作）…").format(t=maintenance.duration_text(seconds)),
            parent=self,
            cancellable=False,
            on_ok=self._rekeyed,
        )

    def _rekeyed(self, done: data_security.Rekeyed) -> None:
        from xihu_desk.gui.recovery_page import RecoveryKeyDialog

        ops.use_database(self.ctx, done.opened.db)  # the old engine's connections carried the old key
        self.refresh()
        self.changed.emit(self.tr("已更换恢复密钥。"))
        dialog = RecoveryKeyDialog(
            self.ctx,
            done.code,
            self.tr("新的恢复密钥"),
            self.tr("恢复密钥已更换，数据库已改用新密钥加密。下面是新的恢复密钥，只显示这一次："),
            self.tr(
                "旧的恢复密钥不能再打开本节点；更换前的备份在其他电脑上仍要用旧的恢复密钥恢复。"
                "请销毁旧的恢复密钥单。更换前的数据已备份（“更换恢复密钥前”）。"
            ),
            self,
        )
        self.key_dialog = dialog
        dialog.finished.connect(lambda _code: setattr(self, "key_dialog", None))
        dialog.open()


class RecoveryCodeDialog(QDialog):
    """The recovery key of a backup no key of this account opens (made on another PC or under
    another Windows account): typed as the sheet prints it, or read from the key file; checked
    against the backup on the DB thread before anything is restored."""

    def __init__(self, ctx: AppContext, actor: Actor, source: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.source = ctx, actor, source
        self.plan: data_security.RestorePlan | None = None
        self.setObjectName("recoveryCodeDialog")
        self.setWindowTitle(self.tr("输入恢复密钥"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 40)
        box = self.box = QVBoxLayout(self)
        box.addWidget(
            label(
                self.tr(
                    "备份 {name} 已加密，本机没有它的密钥（在另一台电脑或另一 Windows 账户中制作）。"
                    "请输入该节点恢复密钥单上的恢复密钥，或读取恢复密钥文件。"
                ).format(name=source.name),
                wrap=True,
            )
        )
        self.field = RecoveryCodeField(self)  # the same field as the unlock screen's
        self.code, self.error, self.file_button = self.field.code, self.field.error, self.field.file_button
        box.addWidget(self.field)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        messages._plain(self.ok, self.tr("核对并继续"))
        messages._plain(self.buttons.button(QDialogButtonBox.StandardButton.Cancel), self.tr("取消"))
        self.ok.setEnabled(False)
        self.field.typed.connect(self._typed)
        self.field.said.connect(self._grow)
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        box.addWidget(self.buttons)
        self.ensurePolished()
        self.resize(self.minimumWidth(), box.heightForWidth(self.minimumWidth()))

    def _say(self, state: str, text: str) -> None:
        self.field.say(state, text)

    def _grow(self) -> None:
        """The box grows so that every wrapped line of a message stays whole."""
        self.resize(self.width(), max(self.height(), self.box.heightForWidth(self.width())))

    def _typed(self, text: str) -> None:
        self.ok.setEnabled(bool(text.strip()))

    def load_file(self, path: Path) -> None:
        self.field.load_file(path)

    def check(self) -> None:
        """The code's form at once (a slipped character is caught before any file is read), then
        whether it opens the backup, on the DB thread."""
        text = self.code.text()
        try:
            self.field.checked()
        except UserError as exc:
            self._say("error", exc.message)
            return
        self.ok.setEnabled(False)
        self._say("hint", self.tr("正在核对恢复密钥…"))
        ops.call(
            self.ctx,
            self.actor,
            data_security.check_recovery_code,
            self.source,
            text,
            with_data=True,
            with_db=False,  # it reads the backup file, not the node's database
            label=self.tr("正在核对恢复密钥…"),
            parent=self,
            on_ok=self._checked,
            on_error=self._refused,
        )

    def _checked(self, plan: data_security.RestorePlan) -> None:
        self.plan = plan
        self.accept()

    def _refused(self, message: str) -> None:
        self._say("error", message)
        self.ok.setEnabled(True)


def tr(text: str) -> str:
    return QCoreApplication.translate("DataSafetyRestore", text)


def restore_from(
    parent: QWidget,
    ctx: AppContext,
    actor: Actor,
    source: Path,
    taken: str,
    on_restored: Callable[[maintenance.RestoreResult], None],
) -> None:
    """Restore ``source`` (described as ``taken``) with the same service as ``restore FILE
    --recovery-key-file``: asked first (declined: nothing runs); then, on the DB thread, whether
    the backup needs a recovery key and whose it is; the key asked for when needed (the dialog
    is ``parent``'s child); another office's backup confirmed once more (as ``--other-node``)."""
    question = tr(
        "将用{taken}替换当前全部数据。\n\n恢复前，当前数据会先自动备份一份（已损坏的数据库则移到备份文件夹中保留）。"
        "恢复后需要重新登录。\n\n确定恢复吗？"
    ).format(taken=taken)
    if not messages.confirm(parent, question, tr("从备份恢复")):
        return

    def restore(plan: data_security.RestorePlan) -> None:
        if plan.this_node is not None and plan.other_node is not None:
            moving = tr(
                "备份属于另一单位：{theirs}，本机是 {ours}。\n\n恢复后本机接替该单位的身份和密钥，"
                "本机原来的身份不再使用（记入审计日志）。只有把该单位搬到本机时才这样做。确定吗？"
            ).format(theirs=plan.other_node.label(), ours=plan.this_node.label())
            if not messages.confirm(parent, moving, tr("从备份恢复")):
                return
        ops.call(
            ctx,
            actor,
            maintenance.restore,
            plan.source,
            other_node=plan.other_node is not None,
            recovery_code=plan.code,
            with_data=True,
            label=tr("正在恢复备份…"),
            parent=parent,
            cancellable=False,
            on_ok=on_restored,
        )

    def planned(plan: data_security.RestorePlan) -> None:
        if not plan.needs_code:
            restore(plan)
            return
        dialog = RecoveryCodeDialog(ctx, actor, plan.source, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: restore(dialog.plan) if dialog.plan is not None else None)
        dialog.open()

    ops.call(
        ctx,
        actor,
        data_security.restore_plan,
        source,
        with_data=True,
        with_db=False,  # it reads the backup file, not the node's database
        label=tr("正在读取备份…"),
        parent=parent,
        on_ok=planned,
    )
