"""系统设置: one tab per concern, shown only to roles that may use it (the services check again)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from xihu_desk.domain.roles import Perm
from xihu_desk.gui import theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.pages.audit import AuditTab
from xihu_desk.gui.pages.datasafety import DataSafetyTab
from xihu_desk.gui.pages.system import DisplayTab, NodeTab, ParamsTab
from xihu_desk.gui.pages.users import UsersTab
from xihu_desk.services.context import Actor


class SettingsPage(QWidget):
    status = Signal(str)
    settings_saved = Signal(dict)
    database_replaced = Signal(object)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 16, 16, 16)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setDocumentMode(False)
        box.addWidget(self.tabs)
        self.users = self.audit = self.data_safety = self.params = None
        if actor.can(Perm.MANAGE_USERS):
            self.users = UsersTab(ctx, actor)
            self.users.changed.connect(self.status)
            self.tabs.addTab(self.users, theme.icon("mdi6.account-multiple-outline"), self.tr("用户管理"))
        if actor.can(Perm.VIEW_AUDIT):
            self.audit = AuditTab(ctx, actor)
            self.tabs.addTab(self.audit, theme.icon("mdi6.text-box-search-outline"), self.tr("审计日志"))
        if actor.can(Perm.MANAGE_DATA):
            self.data_safety = DataSafetyTab(ctx, actor)
            self.data_safety.changed.connect(self.status)
            self.data_safety.database_replaced.connect(self.database_replaced)
            self.tabs.addTab(self.data_safety, theme.icon("mdi6.database-lock-outline"), self.tr("数据安全"))
        if actor.can(Perm.MANAGE_USERS):  # services.settings.update asks for the same right
            self.params = ParamsTab(ctx, actor)
            self.params.changed.connect(self.status)
            self.params.saved.connect(self.settings_saved)
            self.tabs.addTab(self.params, theme.icon("mdi6.tune-variant"), self.tr("系统参数"))
        self.display = DisplayTab()
        self.tabs.addTab(self.display, theme.icon("mdi6.format-size"), self.tr("显示"))
        self.node = NodeTab(ctx, actor=actor)
        self.tabs.addTab(self.node, theme.icon("mdi6.information-outline"), self.tr("本节点"))

    def show_tab(self, tab: QWidget | None) -> None:
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
