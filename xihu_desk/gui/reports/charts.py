"""Bar charts drawn with QPainter (no QtCharts: the install stays small): cases by month as
grouped columns, cases by dispute type as horizontal bars. Each chart keeps the numbers it shows
(``values()``) and a tooltip-free, text-readable look: every bar carries its number."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from xihu_desk.gui import theme

SERIES_COLOURS = (theme.ACCENT, "#7fb069", "#e0a030")


def nice_top(value: float, steps: int = 4) -> tuple[float, float]:
    """A round upper bound for the axis and its step (0–5 -> 5 by 1, 0–37 -> 40 by 10)."""
    if value <= 0:
        return float(steps), 1.0
    raw = value / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value / step), step


class _Chart(QWidget):
    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.series: list[tuple[str, list[float]]] = []
        self.empty_text = empty_text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    def set_data(self, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> None:
        self.labels = list(labels)
        self.series = [(name, list(values)) for name, values in series]
        self.update()

    def values(self) -> dict[str, list[float]]:
        return {name: values for name, values in self.series}

    def _empty(self) -> bool:
        return not self.labels or not any(v for _n, values in self.series for v in values)

    def _paint_empty(self, painter: QPainter) -> None:
        painter.setPen(QColor(theme.MUTED))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)

    def _legend(self, painter: QPainter, right: float, top: float) -> None:
        fm = painter.fontMetrics()
        x = right
        for i, (name, _values) in reversed(list(enumerate(self.series))):
            w = fm.horizontalAdvance(name)
            x -= w
            painter.setPen(QColor(theme.TEXT))
            painter.drawText(QRectF(x, top, w + 2, fm.height()), Qt.AlignmentFlag.AlignVCenter, name)
            x -= 16
            painter.fillRect(
                QRectF(x, top + fm.height() / 2 - 5, 10, 10), QColor(SERIES_COLOURS[i % len(SERIES_COLOURS)])
            )
            x -= 14


class ColumnChart(_Chart):
    """Grouped columns over categories along the bottom (months)."""

    def sizeHint(self) -> QSize:
        return QSize(520, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 160)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._empty():
            self._paint_empty(painter)
            return
        fm = QFontMetrics(self.font())
        line = fm.height()
        top_value, step = nice_top(max(v for _n, values in self.series for v in values))
        axis_w = fm.horizontalAdvance(f"{int(top_value)}") + 10
        area = QRectF(axis_w + 4, line * 1.8, self.width() - axis_w - 12, self.height() - line * 3.4)
        self._legend(painter, area.right(), 2)
        painter.setPen(QPen(QColor("#e3e7ec"), 1))
        ticks = round(top_value / step)
        for k in range(ticks + 1):
            y = area.bottom() - area.height() * k / ticks
            painter.setPen(QPen(QColor("#e3e7ec"), 1))
            painter.drawLine(int(area.left()), int(y), int(area.right()), int(y))
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(
                QRectF(0, y - line / 2, axis_w, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{step * k:g}",
            )
        n = len(self.labels)
        slot = area.width() / n
        group = slot * 0.72
        bar = group / max(len(self.series), 1)
        label_every = max(1, math.ceil(max(fm.horizontalAdvance(t) for t in self.labels) * 1.2 / slot))
        for i, text in enumerate(self.labels):
            x0 = area.left() + slot * i + (slot - group) / 2
            for s, (_name, values) in enumerate(self.series):
                v = values[i] if i < len(values) else 0
                h = area.height() * v / top_value
                rect = QRectF(x0 + bar * s, area.bottom() - h, max(bar - 2, 1), h)
                painter.fillRect(rect, QColor(SERIES_COLOURS[s % len(SERIES_COLOURS)]))
                if v and bar >= fm.horizontalAdvance(f"{v:g}") - 2 and n <= 24:
                    painter.setPen(QColor(theme.TEXT))
                    painter.drawText(
                        QRectF(rect.left() - 6, rect.top() - line, rect.width() + 12, line),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        f"{v:g}",
                    )
            if i % label_every == 0:
                painter.setPen(QColor(theme.MUTED))
                painter.drawText(
                    QRectF(area.left() + slot * i - slot, area.bottom() + 3, slot * 3, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    text,
                )
        painter.setPen(QPen(QColor(theme.BORDER), 1))
        painter.drawLine(int(area.left()), int(area.bottom()), int(area.right()), int(area.bottom()))


class BarChart(_Chart):
    """Horizontal bars, one per category, largest first (dispute types)."""

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 160)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._empty():
            self._paint_empty(painter)
            return
        fm = QFontMetrics(self.font())
        line = fm.height()
        values = self.series[0][1]
        label_w = max(fm.horizontalAdvance(t) for t in self.labels) + 10
        number_w = fm.horizontalAdvance(f"{max(values):g}") + 8
        left, right = label_w, self.width() - number_w - 4
        row = min((self.height() - 4) / len(self.labels), line * 1.9)
        top = max(values) or 1
        for i, (text, v) in enumerate(zip(self.labels, values, strict=True)):
            y = 2 + row * i
            painter.setPen(QColor(theme.TEXT))
            painter.drawText(
                QRectF(0, y, label_w - 8, row), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text
            )
            w = (right - left) * v / top
            painter.fillRect(QRectF(left, y + row * 0.18, max(w, 1), row * 0.64), QColor(SERIES_COLOURS[0]))
            painter.setPen(QColor(theme.MUTED))
            painter.drawText(
                QRectF(left + w + 4, y, number_w, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{v:g}",
            )
