"""首次设置: which unit this PC serves, at which level, under which parent, and the first
administrator. Finishing runs services.node.init_node in one unit of work and shows the new
node's key fingerprint, which the parent office uses to check this node's bundles."""

from __future__ import annotations

import getpass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from xihu_desk.domain.levels import LEVEL_LABELS, Level
from xihu_desk.domain.roles import Role
from xihu_desk.gui import messages, ops, screenfit, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.recovery_page import RecoveryPage
from xihu_desk.gui.server_choice import ServerChoice
from xihu_desk.gui.widgets import PasswordCheck, label, show_state
from xihu_desk import dbserver
from xihu_desk.services import at_rest, node, server_setup
from xihu_desk.services.context import Actor

PAGE_INTRO, PAGE_UNIT, PAGE_ADMIN, PAGE_SUMMARY, PAGE_RECOVERY, PAGE_DONE = range(6)

LEVEL_NOTES = {
    Level.COMMUNITY: "社区（村）人民调解委员会的调解点，通常是一台笔记本电脑，定期把数据交给所在街道（镇）司法所。",
    Level.TOWNSHIP: "街道（镇）司法所：办理本所案件，汇总辖区调解点的数据，并报送区司法局。",
    Level.DISTRICT: "西湖区司法局：汇总全区各街道（镇）司法所报送的数据，是最上级，不设上级单位。",
}


def setup_actor() -> Actor:
    """Set-up acts with full rights as the operating-system account; the audit log says so."""
    try:
        account = getpass.getuser()
    except Exception:
        account = "unknown"
    return Actor(name=f"setup:{account}", role=Role.ADMIN, display_name=f"首次设置 {account}", all_rights=True)


def unit_text(unit: node.OrgUnitInfo) -> str:
    return f"{unit.name}（{unit.code}）"


class IntroPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setTitle(self.tr("欢迎使用西湖司法所工作台"))
        self.setSubTitle(self.tr("这台电脑第一次使用本程序，请用几分钟完成首次设置。"))
        # the server's fields make the page tall: it scrolls on a small screen at 150 % text
        content = QWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroller = screenfit.scrolling(content, "introScroll")
        outer.addWidget(self.scroller)
        box = QVBoxLayout(content)
        box.setSpacing(12)
        box.addWidget(label(self.tr("首次设置将完成以下几件事："), wrap=True))
        for line in (
            self.tr("1．选择这台电脑服务的单位和层级（社区调解点、街道（镇）司法所或区司法局）；"),
            self.tr("2．创建第一个管理员账户，由管理员再为调解员和其他工作人员开设账户；"),
            self.tr("3．生成本节点的密钥，用于给报送上级的数据包签名和加密。"),
        ):
            box.addWidget(label(line, wrap=True))
        box.addSpacing(8)
        box.addWidget(label(self.tr("数据保存在："), wrap=True))
        self.where = ServerChoice(ctx)
        self.where.changed.connect(self.completeChanged)
        self.where.reported.connect(lambda: self.scroller.ensureWidgetVisible(self.where.status))
        box.addWidget(self.where)
        self.local_note = label(
            self.tr("所有数据只保存在这台电脑上，不会通过网络发送。数据目录：\n{path}").format(path=ctx.data.root),
            "muted",
            wrap=True,
        )
        box.addWidget(self.local_note)
        self.where.server.toggled.connect(lambda server: self.local_note.setVisible(not server))
        box.addStretch(1)

    def isComplete(self) -> bool:
        return self.where.is_complete()

    def validatePage(self) -> bool:
        """本机: on. The server: switch to it first (on the runner); the wizard goes on when done."""
        if not self.where.uses_server() or self.wizard_switched:
            return True
        self.where.switch()
        return False

    @property
    def wizard_switched(self) -> bool:
        wizard = self.wizard()
        return isinstance(wizard, SetupWizard) and wizard.opened is not None


class UnitPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setTitle(self.tr("单位与层级"))
        self.setSubTitle(self.tr("选择这台电脑服务的单位。单位代码采用国家统计局统计用区划代码。"))
        self.units = ops.session_read(ctx, node.org_units)
        self.levels = QButtonGroup(self)
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        level_box = QVBoxLayout()
        for i, level in enumerate((Level.COMMUNITY, Level.TOWNSHIP, Level.DISTRICT)):
            radio = QRadioButton(LEVEL_LABELS[level])
            radio.setObjectName(f"level_{level.value}")
            radio.setProperty("level", level.value)
            self.levels.addButton(radio, i)
            level_box.addWidget(radio)
        self.level_note = label("", "muted", wrap=True)
        level_box.addWidget(self.level_note)
        form.addRow(self.tr("层级："), level_box)
        self.org = QComboBox()
        self.org.setObjectName("orgCombo")
        form.addRow(self.tr("本单位："), self.org)
        self.parent_combo = QComboBox()
        self.parent_combo.setObjectName("parentCombo")
        form.addRow(self.tr("上级单位："), self.parent_combo)
        self.parent_note = label("", "muted", wrap=True)
        form.addRow("", self.parent_note)
        self.levels.button(1).setChecked(True)  # most nodes are township offices
        self.levels.idToggled.connect(self._level_toggled)
        self.org.currentIndexChanged.connect(self._fill_parents)
        self._fill_units()

    def level(self) -> Level:
        button = self.levels.checkedButton()
        if button is None:  # cannot happen: the group is exclusive and starts with one checked
            raise RuntimeError("no level is checked")
        return Level(button.property("level"))

    def org_code(self) -> str:
        return self.org.currentData() or ""

    def parent_code(self) -> str | None:
        return self.parent_combo.currentData() or None

    def _level_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._fill_units()

    def _fill_units(self) -> None:
        level = self.level()
        self.level_note.setText(LEVEL_NOTES[level])
        kinds = ("district",) if level is Level.DISTRICT else ("street", "town")
        previous = self.org_code()
        self.org.blockSignals(True)
        self.org.clear()
        for unit in self.units:
            if unit.kind in kinds:
                self.org.addItem(unit_text(unit), unit.code)
        self.org.setCurrentIndex(max(self.org.findData(previous), 0))
        self.org.blockSignals(False)
        self._fill_parents()

    def _fill_parents(self) -> None:
        level = self.level()
        self.parent_combo.clear()
        if level is Level.DISTRICT:
            self.parent_combo.addItem(self.tr("（无，区司法局为最上级）"), None)
            self.parent_combo.setEnabled(False)
            self.parent_note.setText("")
            self.completeChanged.emit()
            return
        # A township reports to the district; a community point to its own street or town.
        kinds = ("district",) if level is Level.TOWNSHIP else ("street", "town")
        for unit in self.units:
            if unit.kind in kinds:
                self.parent_combo.addItem(unit_text(unit), unit.code)
        default = ops.session_read(self.ctx, node.default_parent, self.org_code(), level)
        self.parent_combo.setCurrentIndex(max(self.parent_combo.findData(default), 0))
        self.parent_combo.setEnabled(True)
        self.parent_note.setText(
            self.tr("已按层级自动填写：调解点的上级是其所在街道（镇）司法所。")
            if level is Level.COMMUNITY
            else self.tr("已按层级自动填写：街道（镇）司法所的上级是区司法局。")
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.org_code())


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("管理员账户"))
        self.setSubTitle(self.tr("管理员负责开设账户、备份与恢复数据，不办理案件。请牢记密码。"))
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.username = QLineEdit()
        self.username.setObjectName("adminUsername")
        self.username.setPlaceholderText(self.tr("登录用的名字，如 wangli"))
        self.username.setMaxLength(40)
        self.username_hint = label("", wrap=True)
        self.display_name = QLineEdit()
        self.display_name.setObjectName("adminDisplayName")
        self.display_name.setPlaceholderText(self.tr("真实姓名，如 王丽"))
        self.display_name.setMaxLength(40)
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.password_hint = label("", wrap=True)
        self.password_hint.setObjectName("passwordHint")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("adminConfirm")
        self.match_hint = label("", wrap=True)
        self.match_hint.setObjectName("matchHint")
        form.addRow(self.tr("用户名：*"), self.username)
        form.addRow("", self.username_hint)
        form.addRow(self.tr("姓名：*"), self.display_name)
        form.addRow(self.tr("密码：*"), self.password)
        form.addRow("", self.password_hint)
        form.addRow(self.tr("确认密码：*"), self.confirm)
        form.addRow("", self.match_hint)
        self.check = PasswordCheck(
            self.password, self.confirm, self.password_hint, self.match_hint, username=self.username.text, parent=self
        )
        self.check.changed.connect(self.completeChanged)
        self.username.textChanged.connect(self._username_changed)
        self.display_name.textChanged.connect(self.completeChanged)
        self._username_changed()

    def username_ok(self) -> bool:
        name = self.username.text().strip()
        return 2 <= len(name) <= 40 and not any(c.isspace() for c in name)

    def _username_changed(self) -> None:
        text = self.username.text()
        if text and not self.username_ok():
            show_state(self.username_hint, "error", self.tr("用户名须为 2–40 个字符，且不含空格。"))
        else:
            show_state(self.username_hint, "hint", self.tr("2–40 个字符，不含空格；登录时使用。"))
        self.check.revalidate()  # the password may not contain the user name

    def isComplete(self) -> bool:
        return self.username_ok() and bool(self.display_name.text().strip()) and self.check.is_valid()


class SummaryPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("确认并初始化"))
        self.setSubTitle(self.tr("请核对以下信息。初始化后单位和层级不能再更改。"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("开始初始化"))
        box = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("summaryText")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        box.addWidget(self.summary)
        self.status = label("", wrap=True)
        self.status.setObjectName("initStatus")
        box.addWidget(self.status)
        box.addStretch(1)

    def initializePage(self) -> None:
        w = self._wizard
        parent = w.unit_page.parent_combo.currentText()
        rows = (
            (self.tr("层级"), LEVEL_LABELS[w.unit_page.level()]),
            (self.tr("本单位"), w.unit_page.org.currentText()),
            (self.tr("上级单位"), parent),
            (self.tr("管理员用户名"), w.admin_page.username.text().strip()),
            (self.tr("管理员姓名"), w.admin_page.display_name.text().strip()),
            (self.tr("数据库"), w.database_text()),
            (self.tr("数据目录"), str(w.ctx.data.root)),
        )
        cells = "".join(
            f"<tr><td style='padding:4px 16px 4px 0;color:{theme.MUTED}'>{k}</td>"
            f"<td style='padding:4px 0'>{v}</td></tr>"
            for k, v in rows
        )
        self.summary.setText(f"<table>{cells}</table>")
        show_state(self.status, "hint", "")

    def validatePage(self) -> bool:
        if self._wizard.info is not None:
            return True
        self._wizard.start_init()
        return False

    def nextId(self) -> int:
        # the recovery key page only when there is a key to show (not on a PostgreSQL server)
        return PAGE_RECOVERY if self._wizard.recovery_page.code else PAGE_DONE


class DonePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("初始化完成"))
        self.setSubTitle(self.tr("本节点已建立。请用刚才设置的管理员账户登录。"))
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.unit = QLabel()
        self.admin = QLabel()
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setProperty("kind", "subtitle")
        form.addRow(self.tr("本单位："), self.unit)
        form.addRow(self.tr("管理员："), self.admin)
        form.addRow(self.tr("密钥指纹："), self.fingerprint)
        form.addRow(
            "",
            label(
                self.tr(
                    "上级单位导入本节点的数据包时，会核对这个指纹。请把它抄录或拍照，交给上级单位的管理员。"
                    "以后也可以在“系统设置 → 本节点”中查看。"
                ),
                "muted",
                wrap=True,
            ),
        )

    def show_info(self, info: node.NodeInfo, admin: str) -> None:
        self.unit.setText(f"{info.org_name}（{info.org_code}），{info.level_label}")
        self.admin.setText(admin)
        self.fingerprint.setText(info.key_fingerprint)


class SetupWizard(QWizard):
    """Finished with ``info`` set once the node exists (the controller then opens the login)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.info: node.NodeInfo | None = None
        self.opened: server_setup.OpenResult | None = None  # once this desk was switched to an office's server
        self.joined: server_setup.Probe | None = None  # an office's server database joined: no init here
        self.setWindowTitle(self.tr("首次设置"))  # Qt adds the program's name
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, theme.icon("mdi6.scale-balance", theme.ACCENT).pixmap(48, 48))
        for button, text in (
            (QWizard.WizardButton.BackButton, self.tr("< 上一步")),
            (QWizard.WizardButton.NextButton, self.tr("下一步 >")),
            (QWizard.WizardButton.FinishButton, self.tr("完成")),
            (QWizard.WizardButton.CancelButton, self.tr("取消")),
        ):
            self.setButtonText(button, text)
        self.intro_page = IntroPage(ctx)
        self.intro_page.where.switched.connect(self._switched)
        self.unit_page = UnitPage(ctx)
        self.admin_page = AdminPage()
        self.summary_page = SummaryPage(self)
        self.recovery_page = RecoveryPage(ctx)  # gui/recovery_page.py
        self.done_page = DonePage()
        for page_id, page in (
            (PAGE_INTRO, self.intro_page),
            (PAGE_UNIT, self.unit_page),
            (PAGE_ADMIN, self.admin_page),
            (PAGE_SUMMARY, self.summary_page),
            (PAGE_RECOVERY, self.recovery_page),
            (PAGE_DONE, self.done_page),
        ):
            self.setPage(page_id, page)
        self.setStartId(PAGE_INTRO)
        width, height = screenfit.room(self)  # within a 1366×768 screen at 150 % too
        self.resize(min(760, width), min(560, height))

    def database_text(self) -> str:
        server = self.ctx.data.server
        return dbserver.short_label(server) if server else self.tr("本机数据库")

    def _switched(self, done: server_setup.Switched) -> None:
        self.opened = done.opened
        if done.probe.state != server_setup.OFFICE:
            self.next()  # an empty database: the node is made in it by the next pages
            return
        self.joined = done.probe
        messages.info(
            self,
            self.tr("已连接 {org} 的单位数据库（{where}）。请用您在该数据库中已有的账户登录。").format(
                org=done.probe.org_name, where=dbserver.short_label(done.probe.where)
            ),
            self.tr("加入单位数据库"),
        )
        self.accept()

    def command(self) -> node.InitCommand:
        return node.InitCommand(
            org_code=self.unit_page.org_code(),
            level=self.unit_page.level().value,
            parent_code=self.unit_page.parent_code(),
            admin_username=self.admin_page.username.text().strip(),
            admin_password=self.admin_page.password.text(),
            admin_display_name=self.admin_page.display_name.text().strip(),
        )

    def start_init(self) -> None:
        cmd, actor = self.command(), setup_actor()
        self._set_busy(True)
        show_state(self.summary_page.status, "hint", self.tr("正在初始化，请稍候…"))
        ops.write(
            self.ctx,
            actor,
            node.init_node,
            cmd,
            label=self.tr("正在初始化本节点…"),
            parent=self,
            cancellable=False,
            on_ok=self._initialised,
            on_error=self._failed,
        )

    def _set_busy(self, busy: bool) -> None:
        for button in (
            QWizard.WizardButton.CommitButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CancelButton,
        ):
            self.button(button).setEnabled(not busy)

    def _initialised(self, info: node.NodeInfo) -> None:
        self.info = info
        self._set_busy(False)
        self.done_page.show_info(info, self.admin_page.username.text().strip())
        code = None if self.ctx.data.server else at_rest.take_recovery_code(self.ctx.data.root)
        self.recovery_page.show_code(code or "")
        self.next()

    def _failed(self, message: str) -> None:
        # Everything typed stays in the pages; the user can go back and correct it.
        self._set_busy(False)
        show_state(self.summary_page.status, "error", message)
        messages.error(self, message)

    def reject(self) -> None:
        if self.ctx.runner.busy():
            return
        if (
            self.info is None
            and self.joined is None
            and not messages.confirm(self, self.tr("首次设置尚未完成。确定退出吗？下次打开程序时会重新开始设置。"))
        ):
            return
        super().reject()
