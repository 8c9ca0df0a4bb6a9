"""The login dialog (forms/login.ui): signs in through services.auth.sign_in on the DB thread,
so the memory-hard password check does not freeze the window; refusals and lockouts appear under
the fields as the service words them."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.errors import NotFound
from xihu_desk.gui import prefs, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.forms import child, load_form
from xihu_desk.services import node_glance
from xihu_desk.services.context import Actor


class LoginDialog(QDialog):
    signed_in = Signal(object)  # Actor

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, username: str = "", info: node_glance.Glance | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("登录"))  # Qt adds the program's name
        self.setWindowIcon(theme.start_icon())
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._banner())
        self.form = load_form("login", self)
        box.addWidget(self.form)
        self.org_label = child(self.form, QLabel, "orgLabel")
        self.level_label = child(self.form, QLabel, "levelLabel")
        self.username = child(self.form, QLineEdit, "username")
        self.password = child(self.form, QLineEdit, "password")
        self.error_label = child(self.form, QLabel, "errorLabel")
        self.login_button = child(self.form, QPushButton, "loginButton")
        self.quit_button = child(self.form, QPushButton, "quitButton")
        # Room for a two-line message from the start, and its text never widens the box: the box
        # keeps its size when a message appears or goes.
        self.error_label.setMinimumHeight(self.error_label.fontMetrics().lineSpacing() * 2 + 2)
        policy = self.error_label.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.error_label.setSizePolicy(policy)
        self.login_button.clicked.connect(self.sign_in)
        self.quit_button.clicked.connect(self.reject)
        self.password.returnPressed.connect(self.sign_in)
        self.username.returnPressed.connect(self.password.setFocus)
        if info is None:  # the start-up's reading is passed in; a later sign-in reads again
            with ctx.db.peek() as conn:  # one plain query: the ORM and the models load after this window (issue 15)
                info = node_glance.glance(conn)
        if info is None:
            raise NotFound("本数据目录尚未初始化。请先运行“xihu-desk init”或打开程序完成初始设置。")
        self.org_label.setText(f"{info.org_name}（{info.org_code}）")
        self.level_label.setText(info.level_label)
        self.username.setText(username or prefs.get_text(prefs.LAST_USERNAME_KEY))
        (self.password if self.username.text() else self.username).setFocus()
        self.setMinimumWidth(
            self.fontMetrics().horizontalAdvance("用") * 28
        )  # grows with the text size; messages in two lines

    def _banner(self) -> QWidget:
        banner = QFrame()
        banner.setProperty("kind", "banner")
        row = QHBoxLayout(banner)
        row.setContentsMargins(24, 18, 24, 18)
        logo = QLabel()
        logo.setPixmap(theme.start_icon("#ffffff").pixmap(40, 40))
        row.addWidget(logo)
        title = QLabel(self.tr("西湖司法所工作台"))
        title.setProperty("kind", "title")
        row.addWidget(title, 1)
        return banner

    def sign_in(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self._failed(self.tr("请输入用户名。"))
            self.username.setFocus()
            return
        if not password:
            self._failed(self.tr("请输入密码。"))
            self.password.setFocus()
            return
        if self.ctx.runner.busy():
            return
        self._busy(True)
        from xihu_desk.services import auth  # here on the GUI thread, not first on the DB thread

        db = self.ctx.db
        self.ctx.runner.call(
            lambda _progress: auth.sign_in(db, username, password),
            parent=self,
            on_ok=self._signed_in,
            on_error=self._failed,
        )
        QTimer.singleShot(0, theme.preload_icons)  # meanwhile: the main window's icons (issue 15)

    def _busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)
        self.login_button.setText(self.tr("正在登录…") if busy else self.tr("登录"))
        if busy:
            self.error_label.setText("")

    def _signed_in(self, actor: Actor) -> None:
        self._busy(False)
        self.actor = actor
        prefs.set_text(prefs.LAST_USERNAME_KEY, actor.name)
        self.accept()
        self.signed_in.emit(actor)

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.error_label.setText(message)
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        if not self.ctx.runner.busy():  # let a sign-in in progress finish and be counted
            super().reject()
