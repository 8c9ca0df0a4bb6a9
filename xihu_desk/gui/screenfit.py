"""Windows and dialogs that fit the screen at every text size (100–150 %).

A first size is asked for in characters of the current font, so it grows with the text, and is
then cut to the screen's free area (the taskbar left out) with room for the title bar, which the
window system adds outside the size set here. A size remembered from another screen or another
text size is cut the same way, so a form never opens taller than a 1366×768 screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

TITLE_BAR = 40  # the title bar and frame the window system adds (about 31 px on Windows at 100 %)
EDGE = 16  # the side frames


def available(widget: QWidget | None = None) -> QRect:
    """The free area of the screen ``widget`` is on (its parent's, else the main screen)."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def room(widget: QWidget | None = None) -> tuple[int, int]:
    """The largest client size a window may have on that screen: width, height."""
    area = available(widget)
    return area.width() - EDGE, area.height() - TITLE_BAR


def em(widget: QWidget) -> int:
    """The width of one Chinese character in ``widget``'s font."""
    return widget.fontMetrics().horizontalAdvance("中")


def fit(widget: QWidget, width_em: float, height_lines: float, *, restored: bool = False) -> None:
    """Size ``widget`` to ``width_em`` characters by ``height_lines`` lines, within the screen.
    With ``restored`` (a remembered geometry was applied) only cut it to the screen."""
    max_w, max_h = room(widget.parentWidget() or widget)
    if restored:
        width, height = widget.width(), widget.height()
    else:
        width, height = round(width_em * em(widget)), round(height_lines * widget.fontMetrics().height())
    widget.resize(min(width, max_w), min(height, max_h))
    area = available(widget.parentWidget() or widget)
    if restored and not area.contains(widget.frameGeometry().topLeft()):
        widget.move(area.topLeft())  # remembered on a larger or a second screen


def scrolling(page: QWidget, name: str = "") -> QScrollArea:
    """``page`` in a frameless area that scrolls up and down when the window is shorter than it,
    and sideways only when a field would otherwise be cut below its own minimum size."""
    scroll = QScrollArea()
    if name:
        scroll.setObjectName(name)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(page)
    return scroll


def scrolling_body(owner: QWidget, name: str = "") -> QWidget:
    """The widget to lay ``owner``'s content in, in a ``scrolling`` area filling ``owner``: a tab
    taller than a short screen (1366×768 at 150 %) scrolls instead of growing the window."""
    body = QWidget()
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scrolling(body, name))
    return body
