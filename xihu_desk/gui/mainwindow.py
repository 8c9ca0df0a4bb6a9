"""The main window: navigation on the left, one area at a time on the right, a status bar with
the unit, level, user and database; the idle lock and the automatic backup live here because they
belong to a signed-in session."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk import __version__, dbserver
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, prefs, theme
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.gui.closing_backup import AutoBackup
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange.page import ExchangePage
from xihu_desk.gui.lock import IdleWatcher, LockDialog
from xihu_desk.gui.pages.home import HomePage, open_list, open_record
from xihu_desk.gui.pages.settings import SettingsPage
from xihu_desk.gui.pages.upcoming import UpcomingPage, plans
from xihu_desk.gui.pages.users import PasswordDialog
from xihu_desk.gui.statusbar import FittedLabel, StatusBar, WhereLabel
from xihu_desk.gui.widgets import NavList, label
from xihu_desk.services import node, settings
from xihu_desk.services.context import Actor

AREA_ICONS = {
    "home": "mdi6.home-outline",
    "cases": "mdi6.folder-account-outline",
    "screening": "mdi6.account-search-outline",
    "mediators": "mdi6.account-tie-outline",
    "reviews": "mdi6.file-document-check-outline",
    "reports": "mdi6.chart-box-outline",
    "exchange": "mdi6.swap-vertical-bold",
    "settings": "mdi6.cog-outline",
}
AREA_ORDER = ("home", "cases", "screening", "mediators", "reviews", "reports", "exchange", "settings")


class MainWindow(QMainWindow):
    switch_user = Signal()
    closed = Signal()
    database_replaced = Signal(object)  # migrate.OpenResult after a restore

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.node = ops.session_read(ctx, node.node_info)
        node_settings = ops.session_read(ctx, settings.get_all)
        self.setWindowTitle(self.node.org_name)  # Qt adds the program's name (applicationDisplayName)
        self.setWindowIcon(theme.icon("mdi6.scale-balance", theme.ACCENT))
        self.pages: dict[str, QWidget] = {}
        self.lock_dialog: LockDialog | None = None
        self.dialog: PasswordDialog | None = None

        self.nav = NavList()
        self.nav.setObjectName("navList")
        titles = self.area_titles()
        for key in AREA_ORDER:
            item = QListWidgetItem(theme.icon(AREA_ICONS[key], theme.MUTED, theme.ACCENT), titles[key])
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.nav.fit()
        self.stack = QStackedWidget()
        self.stack.setObjectName("areaStack")
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([180, 1000])
        # The outer stack swaps the work for a cover while locked, so nothing stays readable.
        self.outer = QStackedWidget()
        self.outer.addWidget(self.splitter)
        self.cover = self._cover()
        self.outer.addWidget(self.cover)
        self.setCentralWidget(self.outer)
        self.nav.currentRowChanged.connect(self._nav_changed)

        self._menus()
        self._status_bar()
        self.idle = IdleWatcher(ctx.idle_timeout_ms or node_settings["idle_lock_minutes"] * 60_000, self)
        self.idle.idle.connect(self.lock)
        self.idle.start()
        self.auto_job: AutoBackup | None = None
        self.backup_timer = QTimer(self)
        self.backup_timer.timeout.connect(self.auto_backup)
        self._configure_timers(node_settings)
        self.backup_timer.start()

        self.resize(1280, 720)
        prefs.restore_geometry("main", self)
        prefs.restore_state("main/splitter", self.splitter)
        self.go("home")

    # -- layout -----------------------------------------------------------------------------------

    def area_titles(self) -> dict[str, str]:
        titles = {key: plan.title for key, plan in plans().items()}
        titles.update(home=self.tr("首页"), settings=self.tr("系统设置"), screening=self.tr("纠纷排查"))
        return titles

    def _cover(self) -> QWidget:
        """Plain, so the lock dialog in front of it is the one thing to look at."""
        cover = QWidget()
        box = QVBoxLayout(cover)
        box.addStretch(1)
        text = label(self.tr("{org} · 西湖司法所工作台").format(org=self.node.org_name), "muted")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box.addWidget(text)
        return cover

    def _menus(self) -> None:
        system = self.menuBar().addMenu(self.tr("系统(&S)"))
        self.lock_action = QAction(theme.icon("mdi6.lock-outline"), self.tr("锁定(&L)"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        password_action = QAction(theme.icon("mdi6.key-outline"), self.tr("修改我的密码…"), self)
        password_action.triggered.connect(self.change_own_password)
        switch_action = QAction(theme.icon("mdi6.account-switch-outline"), self.tr("切换用户"), self)
        switch_action.triggered.connect(self.request_switch_user)
        quit_action = QAction(theme.icon("mdi6.exit-to-app"), self.tr("退出(&X)"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        for action in (self.lock_action, password_action, switch_action):
            system.addAction(action)
        system.addSeparator()
        system.addAction(quit_action)
        go_menu = self.menuBar().addMenu(self.tr("转到(&G)"))
        titles = self.area_titles()
        for i, key in enumerate(AREA_ORDER):
            action = QAction(theme.icon(AREA_ICONS[key]), titles[key], self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _checked=False, k=key: self.go(k))
            go_menu.addAction(action)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        self.guide_action = QAction(theme.icon("mdi6.book-open-variant"), self.tr("使用指南(&G)"), self)
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)  # F1
        self.guide_action.triggered.connect(self.show_guide)
        help_menu.addAction(self.guide_action)
        about = QAction(theme.icon("mdi6.information-outline"), self.tr("关于西湖司法所工作台"), self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def show_guide(self) -> QWidget:
        """帮助 → 使用指南: one reader window, brought to the front if open."""
        from xihu_desk.gui.guide import GuideDialog

        if getattr(self, "_guide", None) is None:
            self._guide = GuideDialog(self)
        self._guide.show()
        self._guide.raise_()
        self._guide.activateWindow()
        return self._guide

    def _status_bar(self) -> None:
        bar = StatusBar(self)  # its message keeps room beside the fixed labels (150 % text)
        self.setStatusBar(bar)
        self.org_status = FittedLabel(
            self.tr("单位：{org}（{code}）").format(org=self.node.org_name, code=self.node.org_code)
        )
        self.level_status = FittedLabel(self.tr("层级：{level}").format(level=self.node.level_label))
        self.user_status = FittedLabel(
            self.tr("用户：{name}（{role}）").format(
                name=self.actor.display_name or self.actor.name, role=self.actor.role.label
            )
        )
        server = self.ctx.data.server  # several desks on the office's PostgreSQL, or this PC's file
        if server:  # 单位服务器 host/dbname; the user and port in the tooltip
            shown = dbserver.short_label(server)
            tip = self.tr("单位服务器（PostgreSQL）：{where}").format(where=dbserver.display(server))
        else:
            shown = tip = self.tr("本机数据库：{where}").format(where=self.ctx.data.database)
        self.db_status = WhereLabel(shown)
        self.db_status.setToolTip(tip)
        if self.ctx.db.write_blocked:
            self.db_status.setText(self.tr("数据库：只读（完整性检查未通过）"))
            self.db_status.setProperty("state", "error")
        for name, widget in (
            ("orgStatus", self.org_status),
            ("levelStatus", self.level_status),
            ("userStatus", self.user_status),
            ("dbStatus", self.db_status),
        ):
            widget.setObjectName(name)
            bar.add_label(widget)

    # -- navigation -------------------------------------------------------------------------------

    def go(self, key: str) -> None:
        self.nav.setCurrentRow(AREA_ORDER.index(key))

    def current_area(self) -> str:
        return AREA_ORDER[self.nav.currentRow()]

    def page(self, key: str) -> QWidget:
        """The area's page, made the first time it is opened."""
        if key not in self.pages:
            page: QWidget
            if key == "home":
                home = HomePage(self.ctx, self.actor, self.node.org_name)
                home.open_area.connect(self.go)
                home.open_record.connect(lambda kind, uuid: open_record(self.page, kind, uuid))
                home.open_list.connect(lambda kind, target: open_list(self.page, kind, target))
                page = home
            elif key == "settings":
                settings = SettingsPage(self.ctx, self.actor)
                settings.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
                settings.settings_saved.connect(self._configure_timers)
                settings.database_replaced.connect(self.database_replaced)
                page = settings
            elif key == "reviews":  # 合法性审查 (xihu_desk/gui/reviews)
                from xihu_desk.gui.reviews.page import reviews_page

                page = reviews_page(self.ctx, self.actor)
            elif key == "screening":  # 纠纷排查 (xihu_desk/gui/screening)
                from xihu_desk.gui.screening.page import screening_page

                page = screening_page(self.ctx, self.actor)
                if hasattr(page, "open_case"):  # a case just made from a found dispute
                    page.open_case.connect(self._open_case)
            elif key == "exchange":  # 数据交换 (xihu_desk/gui/exchange)
                page = ExchangePage(self.ctx, self.actor)
            elif key == "reports":  # 统计报表 (xihu_desk/gui/reports)
                from xihu_desk.gui.reports.page import ReportsPage

                page = ReportsPage(self.ctx, self.actor)
            elif key == "cases" and self.actor.can(Perm.VIEW_CASES):
                # 案件 (xihu_desk/gui/cases); a role that may not see cases keeps the area's description.
                page = CasesPage(self.ctx, self.actor)
            elif key == "mediators" and (self.actor.can(Perm.MANAGE_MEDIATORS) or self.actor.can(Perm.VIEW_CASES)):
                # 调解员 (xihu_desk/gui/mediators); a role that may not see the roster keeps the area's description.
                from xihu_desk.gui.mediators.page import MediatorsPage

                roster = MediatorsPage(self.ctx, self.actor)
                roster.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
                page = roster
            else:
                page = UpcomingPage(plans()[key])
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
        return self.pages[key]

    def _open_case(self, uuid: str) -> None:
        """A case made elsewhere (纠纷排查 → 转为案件), opened in 案件."""
        self.go("cases")
        open_record(self.page, "cases", uuid)

    def _nav_changed(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentWidget(self.page(AREA_ORDER[row]))

    # -- session: lock, switch user, own password -------------------------------------------------

    def _configure_timers(self, values: dict[str, int]) -> None:
        self.idle.set_timeout_ms(self.ctx.idle_timeout_ms or values["idle_lock_minutes"] * 60_000)
        self.idle_minutes = values["idle_lock_minutes"]
        self.backup_timer.setInterval(self.ctx.backup_interval_ms or values["backup_interval_minutes"] * 60_000)

    def lock(self) -> None:
        if self.lock_dialog is not None:
            return
        self.idle.pause()
        self.outer.setCurrentWidget(self.cover)
        self.menuBar().setEnabled(False)
        self.lock_dialog = LockDialog(self.ctx, self.actor, self.idle_minutes, self)
        self.lock_dialog.unlocked.connect(self._unlocked)
        self.lock_dialog.switch_user.connect(self.request_switch_user)
        self.lock_dialog.open()

    def is_locked(self) -> bool:
        return self.lock_dialog is not None

    def _unlocked(self, _actor: Actor) -> None:
        if self.lock_dialog is not None:
            self.lock_dialog.deleteLater()
            self.lock_dialog = None
        self.outer.setCurrentWidget(self.splitter)
        self.menuBar().setEnabled(True)
        self.idle.start()

    def request_switch_user(self) -> None:
        if self.ctx.runner.busy():
            messages.warning(self, self.tr("正在保存数据，请等操作完成后再切换用户。"))
            return
        self.switch_user.emit()

    def change_own_password(self) -> None:
        self.dialog = PasswordDialog(
            self.ctx, self.actor, self.actor.user_uuid or "", self.actor.name, self.actor.display_name, self
        )
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(lambda: self.statusBar().showMessage(self.tr("密码已修改"), 8000))
        self.dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        self.dialog.open()

    # -- automatic backup -------------------------------------------------------------------------

    def auto_backup(self) -> None:
        if self.auto_job is None:  # its own progress: closing the window shows it and may stop it
            self.auto_job = AutoBackup(self.ctx, self)
            self.auto_job.saved.connect(self._auto_backed_up)
        self.auto_job.start()

    def _auto_backed_up(self, path) -> None:
        if path is not None:
            self.statusBar().showMessage(self.tr("已自动备份：{name}").format(name=path.name), 8000)

    # -- help, closing ----------------------------------------------------------------------------

    def about(self) -> None:
        messages.info(
            self,
            self.tr(
                "西湖司法所工作台 {version}\n\n杭州市西湖区各街道（镇）司法所、社区（村）调解点和区司法局使用的"
                "人民调解、调解员、合法性审查、统计报表与数据交换程序。全部离线工作，数据保存在本机。\n\n"
                "数据目录：{root}"
            ).format(version=__version__, root=self.ctx.data.root),
            self.tr("关于"),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.auto_job is not None and self.auto_job.hold_close(self.close):  # closes once it is over
            event.ignore()
            return
        if self.ctx.runner.busy():
            # A write in hand finishes or rolls back whole; closing now would leave the user unsure.
            messages.warning(self, self.tr("正在保存数据，请等操作完成后再退出。"))
            event.ignore()
            return
        prefs.save_geometry("main", self)
        prefs.save_state("main/splitter", self.splitter)
        self.idle.stop()
        self.backup_timer.stop()
        event.accept()
        self.closed.emit()
