"""The order of screens: (restore offer) → 首次设置 → 登录 → main window, and back to 登录 after
切换用户 or a restore. Holds the one runner and the current database for the whole run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from xihu_desk.domain.errors import UserError
from xihu_desk.gui import messages
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.login import LoginDialog
from xihu_desk.gui.runner import Runner
from xihu_desk.paths import DataDir
from xihu_desk.services import node_glance, preload
from xihu_desk.services.context import Actor, system_actor
from xihu_desk.store import backup
from xihu_desk.store.migrate import OpenResult

# Up to the login window only what it shows is loaded: the models, the services and the first-run
# wizard come after it has painted (issue 15).
if TYPE_CHECKING:
    from xihu_desk.gui.mainwindow import MainWindow
    from xihu_desk.gui.wizard import SetupWizard
    from xihu_desk.services import maintenance

# The rest of the program loads this long after the login window is shown, once it has painted.
WARM_UP_MS = 150


class AppController(QObject):
    def __init__(
        self,
        data: DataDir,
        opened: OpenResult,
        *,
        runner: Runner | None = None,
        quit_app: Callable[[], None] = QApplication.quit,
    ) -> None:
        super().__init__()
        self.ctx = AppContext(data, runner or Runner(opened.db))
        self.opened = opened
        self.quit_app = quit_app  # tests replace it: quitting would end pytest-qt's wait loops
        self.wizard: SetupWizard | None = None
        self.login: LoginDialog | None = None
        self.window: MainWindow | None = None
        self._after_main: Callable[[], None] | None = None

    def start(self) -> None:
        if self.opened.problems:
            self._offer_restore()
        else:
            self._begin()

    def shutdown(self) -> None:
        self.ctx.runner.shutdown()
        self.ctx.db.dispose()

    def _begin(self) -> None:
        try:
            with self.ctx.db.peek() as conn:  # no session: the ORM loads after the login window
                found = node_glance.glance(conn)
        except UserError as exc:  # unreadable (zero bytes, garbage, a record that cannot be read)
            messages.error(
                None,
                self.tr("无法读取数据库，程序将退出。\n\n{reason}\n\n数据目录：{root}").format(
                    reason=exc.message, root=self.ctx.data.root
                ),
                self.tr("无法打开数据库"),
            )
            self.quit_app()
            return
        if found is not None:
            self.show_login(info=found)  # the login window names the unit from this same reading
        else:
            self.show_wizard()

    # -- a database that failed its integrity check at start ---------------------------------------

    def _offer_restore(self) -> None:
        newest = backup.newest_good(self.ctx.data.backups)
        readable = self.opened.readable
        if newest is None:
            if readable:
                text = self.tr(
                    "数据库完整性检查未通过，也没有找到完好的备份。\n\n程序将以只读方式打开：可以查看，不能保存。"
                    "请不要删除数据目录，并尽快联系技术支持。\n\n数据目录：{root}"
                )
            else:
                text = self.tr(
                    "数据库文件已损坏，无法读取，也没有找到完好的备份。\n\n程序将退出。请不要删除数据目录，"
                    "把它复制一份后联系技术支持；如有别处保存的备份，可用 xihu-desk restore 备份文件 恢复。"
                    "\n\n数据目录：{root}"
                )
            messages.warning(None, text.format(root=self.ctx.data.root))
            self._after_offer()
            return
        if readable:
            question = self.tr(
                "数据库完整性检查未通过。为防止损坏扩大，程序已禁止写入。\n\n找到最新的完好备份：{at}（{reason}）。"
                "\n是否立即用它恢复？损坏的文件会移到备份文件夹中保留。选择“取消”则以只读方式打开。"
            )
        else:
            question = self.tr(
                "数据库完整性检查未通过：数据库文件已损坏，无法读取。\n\n找到最新的完好备份：{at}（{reason}）。"
                "\n是否立即用它恢复？损坏的文件会移到备份文件夹中保留。选择“取消”则退出程序。"
            )
        question = question.format(at=newest.taken_at.strftime("%Y-%m-%d %H:%M:%S"), reason=newest.reason_label)
        if not messages.confirm(None, question, self.tr("数据库需要恢复")):
            self._after_offer()
            return
        from xihu_desk.services import maintenance

        data, db, actor = self.ctx.data, self.ctx.db, system_actor()
        self.ctx.runner.call(
            lambda _p: maintenance.restore(data, db, actor, newest.path),
            label=self.tr("正在从备份恢复…"),
            cancellable=False,
            on_ok=self._restored_at_start,
            on_error=self._restore_failed,
        )

    def _after_offer(self) -> None:
        """No restore: go on read-only when the file can be read, otherwise end the program."""
        if self.opened.readable:
            self._begin()
        else:
            self.quit_app()

    def _restored_at_start(self, result: maintenance.RestoreResult) -> None:
        self._use(result.opened)
        where = (
            self.tr("\n\n损坏的数据库已移到：{path}").format(path=result.kept)
            if result.live_state == "damaged" and result.kept
            else ""
        )
        messages.info(None, self.tr("已从备份恢复。备份之后录入的数据需要重新录入。") + where)
        self._begin()

    def _restore_failed(self, message: str) -> None:
        messages.error(None, message)
        self._after_offer()

    def _use(self, opened: OpenResult) -> None:
        self.opened = opened
        self.ctx.runner.db = opened.db

    # -- screens ----------------------------------------------------------------------------------

    def show_wizard(self) -> None:
        from xihu_desk.gui.wizard import SetupWizard  # only a node not yet set up needs it

        self.wizard = SetupWizard(self.ctx)
        self.wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.wizard.finished.connect(self._wizard_finished)
        self.wizard.show()

    def _wizard_finished(self, _code: int) -> None:
        wizard, self.wizard = self.wizard, None
        if wizard is None:  # already handled
            return
        if wizard.opened is not None:  # the desk now works on the office's server (the runner uses it)
            self.opened = wizard.opened
        info, admin = wizard.info, wizard.admin_page.username.text().strip()
        if wizard.joined is not None:  # an office's database joined: its own accounts sign in
            self.show_login()
        elif info is None:
            self.quit_app()
        else:
            self.show_login(admin)

    def show_login(self, username: str = "", info: node_glance.Glance | None = None) -> None:
        self.login = LoginDialog(self.ctx, username=username, info=info)
        self.login.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.login.finished.connect(self._login_finished)
        self.login.show()
        QTimer.singleShot(WARM_UP_MS, preload.after_first_window)

    def _login_finished(self, code: int) -> None:
        login, self.login = self.login, None
        if login is None:  # already handled
            return
        actor = login.actor
        if code == QDialog.DialogCode.Accepted and actor is not None:
            self.open_main(actor)
        else:
            self.quit_app()

    def open_main(self, actor: Actor) -> None:
        from xihu_desk.gui.mainwindow import MainWindow  # every page: loaded after sign-in, not before the login window

        self.window = MainWindow(self.ctx, actor)
        self.window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window.closed.connect(self._main_closed)
        self.window.switch_user.connect(self._switch_user)
        self.window.database_replaced.connect(self._database_replaced)
        if self.opened.migrated_from is not None and self.opened.backup is not None:
            self.window.statusBar().showMessage(
                self.tr("数据库已升级，升级前的数据已备份：{name}").format(name=self.opened.backup.name), 15000
            )
        self.window.show()
        if not self.ctx.data.server:  # a plain file left from before issue 21: offer to encrypt it once
            from xihu_desk.gui import encrypt_offer

            window = self.window
            QTimer.singleShot(0, lambda: encrypt_offer.offer(window, self.ctx, actor, self._database_encrypted))

    def _main_closed(self) -> None:
        self.window = None
        step, self._after_main = self._after_main or self.quit_app, None
        step()

    def _switch_user(self) -> None:
        self._after_main = self.show_login
        if self.window is not None:
            self.window.close()

    def _database_encrypted(self, opened: OpenResult) -> None:
        self._use(opened)
        messages.info(self.window, self.tr("数据库已加密。请重新登录。"))
        self._after_main = self.show_login
        if self.window is not None:
            self.window.close()

    def _database_replaced(self, restored: maintenance.RestoreResult) -> None:
        self._use(restored.opened)
        messages.info(self.window, self.tr("已从备份恢复。请重新登录。"))
        self._after_main = self.show_login
        if self.window is not None:
            self.window.close()
