"""首页: today's figures and the to-do list, read fresh from services.home each time it is shown."""

from __future__ import annotations

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QFrame, QGridLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget,
)

from xihu_desk.gui import theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import FigureCard, label
from xihu_desk.services import home
from xihu_desk.services.context import Actor

# Icons for the figures services.home knows; a new figure gets the generic one.
FIGURE_ICONS = {
    "在办案件": "mdi6.folder-open-outline", "本月受理": "mdi6.calendar-month-outline",
    "待回访": "mdi6.phone-return-outline", "调委会": "mdi6.account-group-outline",
    "在用账户": "mdi6.account-outline", "近 24 小时操作": "mdi6.history",
}


class HomePage(QWidget):
    open_area = Signal(str)  # the area key a to-do item belongs to
    open_case = Signal(str)  # the case a to-do item is about

    def __init__(self, ctx: AppContext, actor: Actor, org_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 24, 28, 24)
        box.setSpacing(14)
        box.addWidget(label(self.tr("{name}，您好").format(name=actor.display_name or actor.name), "title"))
        today = QLocale().toString(QDate.currentDate(), "yyyy年M月d日 dddd")
        box.addWidget(label(f"{org_name} · {today}", "muted"))
        self.cards = QGridLayout()
        self.cards.setSpacing(14)
        box.addLayout(self.cards)
        box.addSpacing(6)
        box.addWidget(label(self.tr("待办事项"), "subtitle"))
        self.due_list = QListWidget()
        self.due_list.setObjectName("dueList")
        self.due_list.itemActivated.connect(self._open_item)
        self.empty = QFrame()
        self.empty.setProperty("kind", "card")
        empty_box = QVBoxLayout(self.empty)
        empty_box.setContentsMargins(20, 28, 20, 28)
        icon = QLabel()
        icon.setPixmap(theme.icon("mdi6.check-circle-outline", theme.SUCCESS).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label = label(self.tr("暂无待办事项"), "muted")
        self.empty_label.setObjectName("emptyDue")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_box.addWidget(icon)
        empty_box.addWidget(self.empty_label)
        box.addWidget(self.empty)
        box.addWidget(self.due_list, 1)
        box.addStretch(0)  # takes the room the list would have had when there is nothing to do

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.read() as session:
            data = home.summary(session, self.actor)
        while self.cards.count():
            self.cards.takeAt(0).widget().deleteLater()
        # Balanced rows of at most four cards, so six figures fit a 1366-pixel screen as 3 + 3.
        rows = -(-len(data.figures) // 4) or 1
        columns = -(-len(data.figures) // rows) or 1
        for i, figure in enumerate(data.figures):
            card = FigureCard(figure.label, figure.value, figure.note,
                              FIGURE_ICONS.get(figure.label, "mdi6.chart-box-outline"))
            self.cards.addWidget(card, i // columns, i % columns)
        self.due_list.clear()
        for due in data.due:
            overdue = due.overdue
            icon = theme.icon("mdi6.alert-circle-outline", theme.DANGER) if overdue else \
                theme.icon("mdi6.bell-outline", theme.ACCENT)
            item = QListWidgetItem(icon, f"{due.due}　{due.title}")  # the title says what is overdue
            item.setData(Qt.ItemDataRole.UserRole, (due.area, due.case_uuid))
            self.due_list.addItem(item)
        self.due_list.setVisible(bool(data.due))
        self.empty.setVisible(not data.due)

    def _open_item(self, item: QListWidgetItem) -> None:
        area, case_uuid = item.data(Qt.ItemDataRole.UserRole)
        self.open_area.emit(area)
        if case_uuid:
            self.open_case.emit(case_uuid)
