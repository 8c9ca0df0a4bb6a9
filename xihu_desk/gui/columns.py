"""Column widths of a list from the font, so the list stays readable at every text size.

Each column that a user must read whole (numbers, dates, status) gets the width of its longest
realistic text at the current font; one free-text column (a title) takes what is left and is the
only one elided. The header's remembered layout is kept per text size, so a layout saved at
100 % never squeezes the list at 150 %.
"""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

from xihu_desk.gui import prefs, theme

PADDING = 12  # the cell's margins and the grid line, at 100 %


def text_scale(view: QTableView) -> int:
    """The text size the list is shown at, in percent, read from its font (not from the setting,
    which a window made before the setting was applied would not follow)."""
    return round(view.font().pointSizeF() / theme.BASE_POINT_SIZE * 10) * 10


def text_width(view: QTableView, text: str) -> int:
    """Pixels a cell needs to show ``text`` whole in ``view`` (font, margins, grid line)."""
    fm = view.fontMetrics()
    return fm.horizontalAdvance(text) + PADDING * max(fm.height(), 17) // 17


def header_width(view: QTableView, text: str) -> int:
    """Pixels a header section needs for ``text`` and the sort arrow."""
    header = view.horizontalHeader()
    arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    return header.fontMetrics().horizontalAdvance(text) + arrow + PADDING


def fit(
    view: QTableView,
    key: str,
    samples: Sequence[str | None],
    *,
    stretch: int,
    icons: Sequence[int] = (),
    large_hidden: Sequence[int] = (),
) -> None:
    """Set each column to its sample's width (None: the header's), ``stretch`` takes the rest;
    ``icons`` are columns that also show a small icon; ``large_hidden`` are columns the summary
    pane shows too, hidden above 100 % text so the others fit. Then restore what the user chose at
    this text size, and remember the user's changes under the same key. When the text size changes
    while the list is open (系统设置 → 显示), all of this is done again at the new size."""
    fitter = view.findChild(_Fitter, "columnFitter")
    if fitter is None:
        fitter = _Fitter(view, key, samples, stretch, tuple(icons), tuple(large_hidden))
    fitter.apply()


class _Fitter(QObject):
    """Remembers how a list's columns are sized, sizes them again after a text size change, and
    saves the user's widths under the text size they were made at."""

    def __init__(
        self,
        view: QTableView,
        key: str,
        samples: Sequence[str | None],
        stretch: int,
        icons: tuple[int, ...],
        large_hidden: tuple[int, ...],
    ) -> None:
        super().__init__(view)
        self.setObjectName("columnFitter")
        self.view, self.key, self.samples = view, key, tuple(samples)
        self.stretch, self.icons, self.large_hidden = stretch, icons, large_hidden
        self.fitting = False
        view.horizontalHeader().sectionResized.connect(self._save)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # after the new font has reached the list's widgets
            app.fontChanged.connect(self._font_changed)

    def _font_changed(self, _font: object) -> None:
        if not shiboken6.isValid(self) or not shiboken6.isValid(self.view):  # the list has been closed
            app = QGuiApplication.instance()
            if isinstance(app, QGuiApplication):
                app.fontChanged.disconnect(self._font_changed)
            return
        self.fitting = True  # sections the new font moves before the refit are not the user's choice
        QTimer.singleShot(0, self.apply)

    def _save(self, logical: int = -1, *_args: object) -> None:
        # Our own sizing is not the user's choice, nor is the stretched column following the
        # list's width: the first showing then writes no settings file on the way to its rows
        # (issue 15); a column the user drags is saved at once.
        if not self.fitting and logical != self.stretch:
            prefs.save_state(f"{self.key}@{text_scale(self.view)}", self.view.horizontalHeader())

    def apply(self) -> None:
        if not shiboken6.isValid(self.view):
            return
        self.fitting = True
        try:
            _size(self.view, self.key, self.samples, self.stretch, self.icons, self.large_hidden)
        finally:
            self.fitting = False


def _size(
    view: QTableView,
    key: str,
    samples: Sequence[str | None],
    stretch: int,
    icons: Sequence[int],
    large_hidden: Sequence[int],
) -> None:
    header = view.horizontalHeader()
    scale = text_scale(view)
    for column in large_hidden:
        header.setSectionHidden(column, scale > prefs.TEXT_SCALE_DEFAULT)
    model = view.model()
    header.setStretchLastSection(False)
    icon = (
        view.iconSize().width()
        if view.iconSize().width() > 0
        else view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    )
    for column, sample in enumerate(samples):
        title = str(model.headerData(column, header.orientation()) or "")
        need = max(header_width(view, title), text_width(view, sample) if sample else 0)
        if column in icons:
            need += icon + 6
        if column == stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            header.setMinimumSectionSize(min(header.minimumSectionSize(), need))
        else:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            view.setColumnWidth(column, need)
    prefs.restore_state(f"{key}@{scale}", header)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)  # an old state may have other modes


def header_cut(view: QTableView, column: int) -> bool:
    """True when the header of ``column`` would not show its title whole (the sort arrow counted
    only where the list shows one)."""
    header = view.horizontalHeader()
    title = str(view.model().headerData(column, header.orientation()) or "")
    if not title:
        return False
    need = header.fontMetrics().horizontalAdvance(title) + PADDING
    if header.isSortIndicatorShown():
        need += header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    return need > header.sectionSize(column)


def elided(view: QTableView, column: int, text: str) -> bool:
    """True when ``text`` would not fit whole in ``column`` (what a test asks of needed columns)."""
    return text_width(view, text) > view.columnWidth(column)
