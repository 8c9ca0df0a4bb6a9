"""解锁 at start (issue 21): the database is encrypted and this operating-system account cannot
open it (its sealed key is missing: another Windows account, a wiped keyring, a repaired PC; or
the key sealed here does not open the file). The screen says why in plain words and takes the
recovery key, typed or read from its file; services/at_rest.unlock checks it against the file
and seals the key for this account again, off the GUI thread (a keyring may take its time, or
ask the desktop to unlock itself). A wrong key is refused with nothing changed; 退出 ends the
program. app.py shows it before the login window, which follows once it is unlocked."""

from __future__ import annotations

import getpass
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from xihu_desk.domain.errors import UserError
from xihu_desk.gui import theme
from xihu_desk.gui.unlock_code import RecoveryCodeField
from xihu_desk.gui.widgets import label
from xihu_desk.paths import DataDir
from xihu_desk.services import at_rest

log = logging.getLogger("xihu_desk")

LOST = "lost"  # this account has no sealed key for the folder
REFUSED = "refused"  # a key is sealed here, but it does not open the file (or the file is damaged)


def _account() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name in the environment: the sentence does without it
        return ""


class UnlockScreen(QDialog):
    """Accepted once the key is sealed again; rejected by 退出 (or, for ``REFUSED``, by 不用恢复
    密钥，继续: the start goes on to the offer of a backup)."""

    _done = Signal(object)  # None, or the UserError's message; posted from the unlocking thread

    def __init__(self, data: DataDir, why: str = LOST, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data, self.why = data, why
        self.busy = False
        self.setObjectName("unlockScreen")
        self.setWindowTitle(self.tr("解锁数据库"))
        self.setWindowIcon(theme.start_icon())
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 40)  # grows with the text size
        box = self.box = QVBoxLayout(self)
        heading = label(self.tr("本机无法打开加密的数据库"), "subtitle")
        heading.setObjectName("unlockHeading")
        box.addWidget(heading)
        self.reason = label(self._reason(), wrap=True)
        self.reason.setObjectName("unlockReason")
        box.addWidget(self.reason)
        where = self._where()
        if where:
            box.addWidget(label(self.tr("本节点的密钥应保存在：{where}").format(where=where), "muted", wrap=True))
        box.addWidget(
            label(
                self.tr(
                    "请管理员取出单位保险柜中的“数据恢复密钥单”，输入上面的恢复密钥，或读取 U 盘上的恢复密钥文件。"
                    "解锁后密钥重新保存给本账户，以后打开程序不再询问。"
                ),
                wrap=True,
            )
        )
        self.field = RecoveryCodeField(self)
        self.field.said.connect(self._grow)
        box.addWidget(self.field)
        self.buttons = QDialogButtonBox()
        self.unlock_button = self.buttons.addButton(self.tr("解锁"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setProperty("kind", "primary")
        self.unlock_button.setDefault(True)
        self.unlock_button.setEnabled(False)
        leave = self.tr("退出") if why == LOST else self.tr("不用恢复密钥，继续")
        self.quit_button = self.buttons.addButton(leave, QDialogButtonBox.ButtonRole.RejectRole)
        self.quit_button.setObjectName("unlockQuit")
        self.unlock_button.clicked.connect(self.unlock)
        self.field.typed.connect(lambda text: self.unlock_button.setEnabled(bool(text.strip()) and not self.busy))
        self.quit_button.clicked.connect(self.reject)
        box.addWidget(self.buttons)
        self._done.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self.field.code.setFocus()
        self.ensurePolished()
        self.resize(self.minimumWidth(), box.heightForWidth(self.minimumWidth()))  # every wrapped line whole

    def _reason(self) -> str:
        who = _account()
        account = self.tr("当前账户（{name}）").format(name=who) if who else self.tr("当前账户")
        if self.why == LOST:
            return self.tr(
                "本机的数据库已加密，它的密钥只保存给设置它的操作系统账户。{account}找不到这个密钥，常见的原因是："
                "换了一个 Windows 账户登录，电脑重装或送修后账户重建，或系统密钥环被清空。数据没有丢失，也没有被改动。"
            ).format(account=account)
        return self.tr(
            "本机的数据库已加密，但{account}保存的密钥打不开它：可能在别的账户或电脑上更换过恢复密钥，"
            "或数据库文件是从别处换来的；也可能文件已损坏。有恢复密钥的，请输入；恢复密钥也打不开时，"
            "请选择“不用恢复密钥，继续”，再从备份恢复。"
        ).format(account=account)

    def _where(self) -> str:
        return at_rest.sealed_where(self.data)  # "" when the marker cannot say: the reason is enough

    def _grow(self) -> None:
        self.resize(self.width(), max(self.height(), self.box.heightForWidth(self.width())))

    # -- unlocking --------------------------------------------------------------------------------

    def unlock(self) -> None:
        """The key's form at once (a slipped character is caught here), then, on a thread of its
        own, whether it opens the file and the sealing for this account."""
        if self.busy:
            return
        try:
            code = self.field.checked()
        except UserError as exc:
            self.field.say("error", exc.message)
            return
        self._busy(True)
        self.field.say("hint", self.tr("正在核对恢复密钥…"))
        data = self.data

        def work() -> None:
            try:
                at_rest.unlock(data, code)
            except UserError as exc:  # StorageError too: a wrong key, a folder that refused
                self._done.emit(exc.message)
            except Exception as exc:  # a keyring that failed while sealing: said, not a crash
                log.exception("解锁时出错")
                self._done.emit(self.tr("未能保存密钥：{error}。请重试，或联系技术支持。").format(error=exc))
            else:
                self._done.emit(None)

        threading.Thread(target=work, name="xihu-unlock", daemon=True).start()

    def _finished(self, refused: str | None) -> None:
        self._busy(False)
        if refused is not None:
            self.field.say("error", refused)
            self.field.code.selectAll()
            self.field.code.setFocus()
            return
        log.info("已用恢复密钥为本账户重新保存数据库密钥")
        self.field.say("ok", self.tr("已解锁。"))
        self.accept()

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.field.set_busy(busy)
        self.unlock_button.setEnabled(not busy and bool(self.field.text().strip()))
        self.unlock_button.setText(self.tr("正在解锁…") if busy else self.tr("解锁"))
        self.quit_button.setEnabled(not busy)

    def reject(self) -> None:
        """Esc and the window's close button too; not while the key is being sealed (it finishes
        in a moment, and the program must know whether it did)."""
        if not self.busy:
            super().reject()


def ask(data: DataDir, why: str = LOST, shown: Callable[[], None] | None = None) -> bool:
    """The screen, modal, before any other window: True once this account can open the file.
    ``shown`` runs once it is up (from the screen's own event loop)."""
    screen = UnlockScreen(data, why)
    if shown is not None:
        QTimer.singleShot(0, shown)
    try:
        return screen.exec() == QDialog.DialogCode.Accepted
    finally:
        screen.deleteLater()
