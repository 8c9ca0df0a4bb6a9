"""Small shared widgets: field validation labels, the password rule, cards."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import passwords
from xihu_desk.domain.errors import UserError
from xihu_desk.gui import theme


def restyle(widget: QWidget, **properties: str) -> None:
    """Set dynamic properties that the style sheet selects on, and re-polish."""
    for name, value in properties.items():
        widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def readonly_table(headers: list[str], name: str) -> QTableWidget:
    """A small read-only table of results (a bundle's parts, an import's problems): whole rows
    selected one at a time, columns sized to their contents, the last one taking the rest."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    return table


def label(text: str = "", kind: str = "", wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if kind:
        widget.setProperty("kind", kind)
    widget.setWordWrap(wrap)
    return widget


def show_state(widget: QLabel, state: str, text: str) -> None:
    """A message under a field: state is "error", "ok" or "hint"."""
    widget.setText(text)
    restyle(widget, state=state)


def icon_label(name: str, size: int = 48, color: str = theme.ACCENT) -> QLabel:
    widget = QLabel()
    widget.setPixmap(theme.icon(name, color=color).pixmap(size, size))
    widget.setProperty("kind", "big-icon")
    return widget


class PasswordCheck(QObject):
    """Checks a new password and its confirmation as the user types, with the service's own rule.

    Works on existing line edits and labels so the same rule drives the set-up wizard, the user
    form (forms/user_dialog.ui) and the reset-password dialog.
    """

    changed = Signal(bool)  # valid

    def __init__(
        self,
        password: QLineEdit,
        confirm: QLineEdit,
        hint: QLabel,
        match: QLabel,
        username: Callable[[], str],
        min_length: int = passwords.MIN_LENGTH,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.password, self.confirm, self.hint, self.match = password, confirm, hint, match
        self._username = username
        self.min_length = min_length
        self._valid = False
        for edit in (password, confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self.revalidate)
        self.hint.setWordWrap(True)
        self.revalidate()

    def rule_text(self) -> str:
        return self.tr("至少 {n} 位，含字母和数字，并包含大写字母、小写字母、数字、符号中的至少三种。").format(
            n=self.min_length
        )

    def is_valid(self) -> bool:
        return self._valid

    def revalidate(self) -> None:
        text = self.password.text()
        strong = False
        if not text:
            show_state(self.hint, "hint", self.rule_text())
        else:
            try:
                passwords.check_strength(text, self._username().strip(), self.min_length)
            except UserError as exc:
                show_state(self.hint, "error", exc.message)
            else:
                strong = True
                show_state(self.hint, "ok", self.tr("✓ 密码符合要求"))
        again = self.confirm.text()
        if not again:
            show_state(self.match, "hint", "")
        elif again != text:
            show_state(self.match, "error", self.tr("两次输入的密码不一致。"))
        else:
            show_state(self.match, "ok", self.tr("✓ 两次输入一致"))
        self._valid = strong and again == text
        self.changed.emit(self._valid)


class FigureCard(QFrame):
    """One figure of the home page: a big number, its label and a note."""

    def __init__(
        self,
        title: str,
        value: int,
        note: str = "",
        icon: str = "mdi6.chart-box-outline",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setProperty("kind", "card")
        self.setMinimumWidth(180)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 14, 18, 14)
        row.addWidget(icon_label(icon, 36), 0, Qt.AlignmentFlag.AlignTop)
        col = QVBoxLayout()
        col.setSpacing(2)
        self.title = label(title, "muted")
        self.value = label(str(value), "figure")
        self.value.setObjectName("figureValue")
        self.note = label(note, "muted")
        col.addWidget(self.title)
        col.addWidget(self.value)
        col.addWidget(self.note)
        row.addLayout(col, 1)


class ElidedLabel(QLabel):
    """A one-line label that gives way when space is short, ending in "…" (long folder paths)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("数据库：…") * 2, super().minimumSizeHint().height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), text)


class NavList(QListWidget):
    """The navigation list: as wide as its longest entry at the current text size, never scrolling
    sideways, with icons that grow with the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)

    def fit(self) -> None:
        side = round(self.fontMetrics().height() * 1.3)
        self.setIconSize(QSize(side, side))
        width = self.sizeHintForColumn(0) + 2 * self.frameWidth() + 16  # the items' margins in the style sheet
        self.setMinimumWidth(max(width, 150))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit()
