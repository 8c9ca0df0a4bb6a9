"""What the period dialogs of 统计报表 (卷宗评查, 以案定补) share: a line saying what the dialog does,
the closing-date period with the button that runs it (the dialog connects it), and the summary
line under them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from xihu_desk.gui import messages, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit.dates import date_edit, date_of, set_date
from xihu_desk.gui.widgets import label


class PeriodDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        period: tuple[date, date],
        *,
        run_icon: str,
        prefix: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(18, 14, 18, 14)
        self.intro = label("", "muted", wrap=True)  # what the dialog does, set by the subclass
        self.box.addWidget(self.intro)
        self.period_row = QHBoxLayout()
        self.date_from, self.date_to = date_edit(), date_edit()
        self.date_from.setObjectName(f"{prefix}From")
        self.date_to.setObjectName(f"{prefix}To")
        set_date(self.date_from, period[0])
        set_date(self.date_to, period[1])
        self.run_button = QPushButton(theme.icon(run_icon), "")
        self.run_button.setObjectName(f"run{prefix[0].upper()}{prefix[1:]}")
        self.run_button.setProperty("kind", "primary")
        self.period_row.addWidget(label(self.tr("结案日期"), "muted"))
        self.period_row.addWidget(self.date_from)
        self.period_row.addWidget(label(self.tr("至")))
        self.period_row.addWidget(self.date_to)
        self.period_row.addWidget(self.run_button)
        self.period_row.addStretch(1)
        self.box.addLayout(self.period_row)
        self.summary = label("", "muted", wrap=True)
        self.summary.setObjectName(f"{prefix}Summary")
        self.box.addWidget(self.summary)

    def period(self) -> tuple[date, date] | None:
        first, last = date_of(self.date_from), date_of(self.date_to)
        if first is None or last is None:
            messages.error(self, self.tr("请填写结案日期的起止。"))
            return None
        return first, last

    def templates(self) -> Path | None:
        """The office's own copies of reference files (data folder's templates/), if any."""
        folder = self.ctx.data.root / "templates"
        return folder if folder.is_dir() else None
