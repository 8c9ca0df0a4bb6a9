"""首次设置 → where this desk keeps its data: 本机数据库 (the SQLite file, the default) or
单位服务器（PostgreSQL） that several desks of an office share (issue 17).

The server's address, user and password are typed here; 测试连接 runs on the runner's thread and
says in one line what failed or what the database holds. Going on switches the desk to the server
(services/server_setup.use_server): an empty database is made ready for the wizard's next pages,
an office's database is joined (the wizard ends and the login window opens).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.paths import DataDir
from xihu_desk.services import server_setup


def _test(_db: object, form: server_setup.ServerForm) -> server_setup.Probe:  # ops.call passes the runner's db
    return server_setup.test_connection(form)


def _switch(data: DataDir, _db: object, form: server_setup.ServerForm) -> server_setup.Switched:
    return server_setup.use_server(data, form)


class ServerChoice(QWidget):
    """The choice and, for the server, its fields. ``changed``: completeness may have changed;
    ``switched(Switched)``: this desk now uses the server."""

    changed = Signal()
    reported = Signal()  # 测试连接 said how it went (the page scrolls the line into view)
    switched = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.probe: server_setup.Probe | None = None  # the last successful test of what is typed now
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.local = QRadioButton(self.tr("本机数据库（数据保存在这台电脑上；一台电脑一个人用，或社区调解点）"))
        self.local.setObjectName("useLocal")
        self.server = QRadioButton(self.tr("单位服务器（PostgreSQL）：本单位几台电脑共用一个数据库"))
        self.server.setObjectName("useServer")
        self.choice = QButtonGroup(self)
        for radio in (self.local, self.server):
            self.choice.addButton(radio)
            box.addWidget(radio)
        self.local.setChecked(True)

        self.fields = QWidget()
        form = QFormLayout(self.fields)
        form.setContentsMargins(24, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("如 192.168.1.10"))
        self.port = QLineEdit(str(server_setup.DEFAULT_PORT))
        self.port.setMaximumWidth(90)
        self.database = QLineEdit("xihu")
        self.user = QLineEdit("xihu")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        where = QHBoxLayout()
        where.addWidget(self.host, 1)
        where.addWidget(QLabel(self.tr("端口：")))
        where.addWidget(self.port)
        form.addRow(self.tr("服务器地址："), where)
        form.addRow(self.tr("数据库名："), self.database)
        form.addRow(self.tr("用户名："), self.user)
        form.addRow(self.tr("密码："), self.password)
        for name, edit in (
            ("serverHost", self.host),
            ("serverPort", self.port),
            ("serverDatabase", self.database),
            ("serverUser", self.user),
            ("serverPassword", self.password),
        ):
            edit.setObjectName(name)
            edit.textChanged.connect(self._typed)
        row = QHBoxLayout()
        self.test_button = QPushButton(theme.icon("mdi6.lan-connect"), self.tr("测试连接"))
        self.test_button.setObjectName("testConnection")
        row.addWidget(self.test_button)
        row.addStretch(1)
        form.addRow("", row)
        self.status = label("", wrap=True)
        self.status.setObjectName("connectionStatus")
        form.addRow("", self.status)
        form.addRow(
            "",
            label(
                self.tr("密码保存在本机的系统密钥环中（没有时保存在只有本账户能读的密码文件中），不写入设置文件。"),
                "muted",
                wrap=True,
            ),
        )
        box.addWidget(self.fields)
        self.fields.setVisible(False)
        self.server.toggled.connect(self._chosen)
        self.test_button.clicked.connect(self.run_test)

    # -- state ------------------------------------------------------------------------------------

    def uses_server(self) -> bool:
        return self.server.isChecked()

    def form(self) -> server_setup.ServerForm:
        return server_setup.ServerForm(
            self.host.text(), self.port.text(), self.database.text(), self.user.text(), self.password.text()
        )

    def is_complete(self) -> bool:
        """本机: always; the server: once what is typed has passed 测试连接."""
        return not self.uses_server() or self.probe is not None

    def _chosen(self, server: bool) -> None:
        self.fields.setVisible(server)
        self.changed.emit()

    def _typed(self) -> None:
        if self.probe is not None:  # a test of other values says nothing about these
            self.probe = None
            show_state(self.status, "hint", self.tr("已修改，请重新测试连接。"))
        self.changed.emit()

    # -- 测试连接 and the switch (on the runner's thread) --------------------------------------------

    def run_test(self) -> None:
        self.probe = None
        show_state(self.status, "hint", self.tr("正在连接…"))
        self.test_button.setEnabled(False)
        ops.call(
            self.ctx,
            None,
            _test,
            self.form(),
            label=self.tr("正在测试连接…"),
            parent=self,
            on_ok=self._tested,
            on_error=self._failed,
        )

    def _tested(self, probe: server_setup.Probe) -> None:
        self.test_button.setEnabled(True)
        self.probe = probe
        tls = self.tr("加密连接（TLS）") if probe.tls else self.tr("未加密连接（服务器未提供 TLS）")
        if probe.state == server_setup.OFFICE:
            text = self.tr(
                "连接成功（PostgreSQL {v}，{tls}）。这是 {org} 的单位数据库：下一步将加入它，"
                "请用您在该数据库中已有的账户登录。"
            ).format(v=probe.server_version, tls=tls, org=probe.org_name)
        elif probe.state == server_setup.SCHEMA_ONLY:
            text = self.tr(
                "连接成功（PostgreSQL {v}，{tls}）。数据库已建好结构、尚未初始化：下一步在其中建立本单位的节点。"
            ).format(v=probe.server_version, tls=tls)
        else:
            text = self.tr("连接成功（PostgreSQL {v}，{tls}）。数据库是空的：下一步在其中初始化本单位的节点。").format(
                v=probe.server_version, tls=tls
            )
        show_state(self.status, "ok", text)
        self.changed.emit()
        self.reported.emit()

    def _failed(self, message: str) -> None:
        self.test_button.setEnabled(True)
        show_state(self.status, "error", message)
        self.changed.emit()
        self.reported.emit()

    def switch(self) -> None:
        """Make the server this desk's database; ``switched`` when done, the reason shown when not."""
        show_state(self.status, "hint", self.tr("正在连接单位服务器并准备数据库…"))
        ops.call(
            self.ctx,
            None,
            _switch,
            self.form(),
            with_data=True,
            label=self.tr("正在准备单位服务器上的数据库…"),
            parent=self,
            cancellable=False,
            on_ok=self._switched,
            on_error=self._failed,
        )

    def _switched(self, done: server_setup.Switched) -> None:
        ops.use_database(self.ctx, done.opened.db)  # every later op runs on the server
        self.switched.emit(done)
