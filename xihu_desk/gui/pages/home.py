"""首页: today's figures and the to-do list, read fresh from services.home each time it is shown.

A card opens the list its figure counts (services.home gives the area and the list's filter); a
to-do item opens its own record (a case, a review item, an account), whatever kind it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.roles import Perm
from xihu_desk.domain import clock
from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import FigureCard, label
from xihu_desk.services import home
from xihu_desk.services.context import Actor

# Icons for the figures services.home knows; a new figure gets the generic one.
HOME_ENTITIES = (
    "case",
    "case_record",
    "followup",
    "review",
    "mediator",
    "mediator_appointment",
    "committee",
    "user",
    "bundle_in",
    "grading_application",
)
FIGURE_ICONS = {
    "我的案件": "mdi6.folder-account-outline",
    "在办案件": "mdi6.folder-open-outline",
    "本月受理": "mdi6.calendar-month-outline",
    "待回访": "mdi6.phone-return-outline",
    "调委会": "mdi6.account-group-outline",
    "在用账户": "mdi6.account-outline",
    "近 24 小时操作": "mdi6.history",
    "在审事项": "mdi6.scale-balance",
}


class FigureLink(FigureCard):
    """A figure card that opens its list on a click, Enter or Space."""

    clicked = Signal()

    def __init__(self, figure: home.Figure, parent: QWidget | None = None) -> None:
        super().__init__(
            figure.label, figure.value, figure.note, FIGURE_ICONS.get(figure.label, "mdi6.chart-box-outline"), parent
        )
        self.figure = figure
        self.setObjectName("figureCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(self.tr("点击打开这 {n} 项的列表").format(n=figure.value))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class HomePage(QWidget):
    open_area = Signal(str)  # the area key a to-do item belongs to
    open_record = Signal(str, str)  # the kind of record a to-do item is about (services.home) and its id
    open_list = Signal(str, object)  # the list a figure counts: its kind and its filter

    def __init__(self, ctx: AppContext, actor: Actor, org_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.data = home.HomeSummary()
        # figures and to-do list follow every committed write while in view (read again when shown)
        self.follower = ops.ListRefresher(self, HOME_ENTITIES, self.refresh, when_shown=False)
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 24, 28, 24)
        box.setSpacing(14)
        box.addWidget(label(self.tr("{name}，您好").format(name=actor.display_name or actor.name), "title"))
        self.org_name = org_name
        self.date_label = label("", "muted")  # today from the one clock, set again on every refresh
        self.date_label.setObjectName("homeDate")
        box.addWidget(self.date_label)
        if actor.can(Perm.EDIT_CASES):  # 新建: a dispute settled on the spot, one screen (gui/cases/simple.py)
            row = QHBoxLayout()
            self.simple_button = QPushButton(
                theme.icon("mdi6.lightning-bolt-outline", theme.ACCENT), self.tr("简易程序（当场调解）")
            )
            self.simple_button.setObjectName("homeSimpleCase")
            self.simple_button.setToolTip(self.tr("当场调解、当场达成口头协议的纠纷：受理、当事人、口头协议一页登记"))
            self.simple_button.clicked.connect(self.new_simple_case)
            row.addWidget(self.simple_button)
            row.addStretch(1)
            box.addLayout(row)
        self.cards = QGridLayout()
        self.cards.setSpacing(14)
        box.addLayout(self.cards)
        box.addSpacing(6)
        box.addWidget(label(self.tr("待办事项"), "subtitle"))
        self.due_list = QListWidget()
        self.due_list.setObjectName("dueList")
        # a long title wraps onto a second line instead of a sideways scroll bar (large text, long names)
        self.due_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.due_list.setWordWrap(True)
        self.due_list.setResizeMode(QListView.ResizeMode.Adjust)
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

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        # the actor takes the clock now (not the sign-in time); today is the office's local date
        data = ops.read(self.ctx, self.actor, home.summary)
        self.data = data  # what the cards and the list show (tests read it)
        today = clock.local_today()
        self.date_label.setText(
            "{org} · {day}".format(
                org=self.org_name,
                day=QLocale().toString(QDate(today.year, today.month, today.day), "yyyy年M月d日 dddd"),
            )
        )
        while self.cards.count():
            taken = self.cards.takeAt(0)
            card = taken.widget() if taken is not None else None
            if card is not None:
                card.deleteLater()
        # Balanced rows of at most four cards, so six figures fit a 1366-pixel screen as 3 + 3.
        rows = -(-len(data.figures) // 4) or 1
        columns = -(-len(data.figures) // rows) or 1
        for i, figure in enumerate(data.figures):
            card = FigureLink(figure)
            card.clicked.connect(lambda f=figure: self._open_figure(f))
            self.cards.addWidget(card, i // columns, i % columns)
        self.due_list.clear()
        for due in data.due:
            overdue = due.overdue
            icon = (
                theme.icon("mdi6.alert-circle-outline", theme.DANGER)
                if overdue
                else theme.icon("mdi6.bell-outline", theme.ACCENT)
            )
            item = QListWidgetItem(icon, f"{due.due}　{due.title}")  # the title says what is overdue
            item.setData(Qt.ItemDataRole.UserRole, (due.kind, due.record_uuid))
            item.setToolTip(item.text())
            self.due_list.addItem(item)
        self.due_list.setVisible(bool(data.due))
        self.empty.setVisible(not data.due)

    def _open_item(self, item: QListWidgetItem) -> None:
        kind, uuid = item.data(Qt.ItemDataRole.UserRole)
        area = home.AREA_OF.get(kind, "")
        if area:
            self.open_area.emit(area)
        if uuid:
            self.open_record.emit(kind, uuid)

    def _open_figure(self, figure: home.Figure) -> None:
        if figure.area:
            self.open_area.emit(figure.area)
            self.open_list.emit(figure.kind, figure.target)

    def new_simple_case(self) -> QWidget:
        """简易程序（当场调解）; the case registered there opens in the 案件 area."""
        from xihu_desk.gui.cases.simple import SimpleCaseDialog

        dialog = SimpleCaseDialog(self.ctx, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def created(uuid: str) -> None:
            self.open_area.emit(home.AREA_OF[home.CASES])
            self.open_record.emit(home.CASES, uuid)

        dialog.created.connect(created)
        dialog.open()
        return dialog

    def figure_cards(self) -> list[Any]:
        items = (self.cards.itemAt(i) for i in range(self.cards.count()))
        return [item.widget() for item in items if item is not None]


# -- where a to-do item or a card leads (the main window passes its page(area) getter) -------------


def open_record(page_of: Callable[[str], QWidget], kind: str, uuid: str) -> QWidget | None:
    """Open the record a to-do item is about in its own form: a case, a review item, a mediator,
    an account (selected in the account list). Returns the page that opened it, or None when
    this role's page for that area cannot open records (it shows the area's description)."""
    area = home.AREA_OF.get(kind)
    if not area or not uuid:
        return None
    # Each area's page, or its description page for a role without it: asked for what it offers.
    page: Any = page_of(area)
    if kind == home.CASES and hasattr(page, "open_case"):
        page.open_case(uuid)
    elif kind == home.REVIEWS and hasattr(page, "open_item"):
        page.open_item(uuid)
    elif kind == home.MEDIATORS and getattr(page, "roster", None) is not None:
        page.tabs.setCurrentWidget(page.roster)
        page.roster.open_mediator(uuid)
    elif kind == home.USERS and getattr(page, "users", None) is not None:
        page.show_tab(page.users)
        page.users.refresh(uuid)
    elif kind == home.SCREENING and hasattr(page, "open_dispute"):
        page.open_dispute(uuid)
    else:
        return None
    return page


def open_list(page_of: Callable[[str], QWidget], kind: str, target: Any) -> QWidget | None:
    """Show the list a figure counts, narrowed by that figure's own filter."""
    area = home.AREA_OF.get(kind)
    if not area:
        return None
    page: Any = page_of(area)  # as in open_record
    if kind in (home.CASES, home.REVIEWS) and hasattr(page, "show_list"):
        page.show_list(target)
    elif kind == home.USERS and getattr(page, "users", None) is not None:
        page.show_tab(page.users)
        page.users.show_list(target.active_only)
    elif kind == home.AUDIT and getattr(page, "audit", None) is not None:
        page.show_tab(page.audit)
        page.audit.show_list(target)
    elif kind == home.COMMITTEES and getattr(page, "node", None) is not None:
        page.show_tab(page.node)
    else:
        return None
    return page
