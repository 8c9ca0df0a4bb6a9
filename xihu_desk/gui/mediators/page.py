"""调解员 area: three tabs, each in a module of its own — 名册 (gui/mediators/roster.py: the roster
list, a summary of the chosen mediator, import and export), 等级评定 (applications.py: the
applications and their steps) and 评定标准 (rules.py: the rule sets, edited on the district's node)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from xihu_desk.gui import theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.mediators.applications import ApplicationsTab
from xihu_desk.gui.mediators.roster import MEDIATOR_ENTITIES, RosterTab
from xihu_desk.gui.mediators.rules import RulesTab
from xihu_desk.services.context import Actor

__all__ = ["ApplicationsTab", "MediatorsPage", "RosterTab", "RulesTab"]


class MediatorsPage(QWidget):
    status = Signal(str)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mediatorsTabs")
        self.roster = RosterTab(ctx, actor)
        self.applications = ApplicationsTab(ctx, actor)
        self.rules = RulesTab(ctx, actor)
        self.tabs.addTab(self.roster, theme.icon("mdi6.account-group-outline"), self.tr("调解员名册"))
        self.tabs.addTab(self.applications, theme.icon("mdi6.stairs-up"), self.tr("等级评定"))
        self.tabs.addTab(self.rules, theme.icon("mdi6.scale-balance"), self.tr("评定标准"))
        box.addWidget(self.tabs)
        for tab in (self.roster, self.applications, self.rules):
            tab.status.connect(self.status)
        self.roster.applications_changed.connect(self.applications.refresh)
        self.applications.grade_changed.connect(self._grade_changed)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._loaded = False
        # the roster follows every committed write to mediators (a form, a bundle, a ledger import)
        self.follower = self.roster.follow(MEDIATOR_ENTITIES, page=self)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.roster.load()
            self.applications.refresh()
            self.rules.refresh()

    def _grade_changed(self) -> None:
        """A grade was granted: the roster's grade filter and the mediator's row change."""
        self.roster.fill_filters()
        self.roster.refresh()

    def _tab_changed(self, index: int) -> None:
        if self._loaded and self.tabs.widget(index) is self.applications:
            self.applications.refresh()
