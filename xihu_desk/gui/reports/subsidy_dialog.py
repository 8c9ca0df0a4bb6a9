"""以案定补: the payment sheet of a period (services/subsidy.py) — one line a mediator, the cases of
the one selected with the rule that gave each amount, the held-back cases and the mediators not
paid — saved as a workbook or a PDF for signatures; 所长 approves it, closing the period; the
district (or the office) loads a new version of the rule table. Computed on the DB thread."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import fit_to_screen, write_file
from xihu_desk.gui.reports.files import FileDialogs
from xihu_desk.gui.reports.period_dialog import PeriodDialog
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import subsidy
from xihu_desk.services.context import Actor


class SubsidyDialog(PeriodDialog):
    shown = Signal(object)  # the Sheet shown

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        files: FileDialogs,
        period: tuple[date, date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, period, run_icon="mdi6.calculator-variant-outline", prefix="subsidy", parent=parent)
        self.intro.setText(
            self.tr(
                "按补贴规则计算所选期间结案案件的调解员补贴：每件的金额和依据、暂缓发放的案件、不发放的人员。"
                "所长审核通过后该期间关闭，之后对其中案件的更正在下一期作为调整列出。"
            )
        )
        self.run_button.setText(self.tr("计算"))
        self.run_button.clicked.connect(self.run)
        self.actor, self.files = actor, files
        self.sheet: subsidy.Sheet | None = None
        self.setObjectName("subsidyDialog")
        self.setWindowTitle(self.tr("以案定补"))
        box = self.box
        self.rules_button = QPushButton(self.tr("导入补贴规则…"))
        self.rules_button.setObjectName("loadRules")
        self.rules_button.setVisible(actor.can(Perm.MANAGE_MEDIATORS))
        self.rules_button.clicked.connect(self.load_rules)
        self.period_row.addWidget(self.rules_button)
        # the table as a form: the district saves a new version, an office below sees it read-only
        self.edit_rules_button = QPushButton(self.tr("补贴规则…"))
        self.edit_rules_button.setObjectName("editRules")
        self.edit_rules_button.clicked.connect(self.edit_rules)
        self.period_row.addWidget(self.edit_rules_button)
        split = QSplitter(Qt.Orientation.Vertical)
        self.people = readonly_table(
            [self.tr("调解员"), self.tr("调委会"), self.tr("件数"), self.tr("金额（元）"), self.tr("备注")],
            "subsidyPeople",
        )
        self.people.itemSelectionChanged.connect(self._show_items)
        tabs = QTabWidget()
        self.items = readonly_table([self.tr("案号"), self.tr("金额（元）"), self.tr("依据")], "subsidyItems")
        self.held = readonly_table([self.tr("案件或调解员"), self.tr("原因")], "subsidyHeld")
        tabs.addTab(self.items, self.tr("所选调解员的案件"))
        tabs.addTab(self.held, self.tr("暂缓与不发放"))
        split.addWidget(self.people)
        split.addWidget(tabs)
        box.addWidget(split, 1)
        actions = QHBoxLayout()
        self.result_line = label("", "muted")
        self.result_line.setObjectName("subsidyResult")
        actions.addWidget(self.result_line, 1)
        self.excel_button = QPushButton(theme.icon("mdi6.microsoft-excel"), self.tr("保存发放表…"))
        self.excel_button.setObjectName("saveSubsidyExcel")
        self.pdf_button = QPushButton(self.tr("保存签字用 PDF…"))
        self.pdf_button.setObjectName("saveSubsidyPdf")
        self.approve_button = QPushButton(self.tr("审核通过…"))
        self.approve_button.setObjectName("approveSubsidy")
        self.approve_button.setVisible(actor.can(Perm.FILE_CASES))
        self.excel_button.clicked.connect(lambda: self.save(pdf=False))
        self.pdf_button.clicked.connect(lambda: self.save(pdf=True))
        self.approve_button.clicked.connect(self.approve)
        for b in (self.excel_button, self.pdf_button, self.approve_button):
            b.setEnabled(False)
            actions.addWidget(b)
        box.addLayout(actions)
        fit_to_screen(self, 70, 40)

    def _error(self, message: str) -> None:
        messages.error(self, message)

    def run(self) -> None:
        period = self.period()
        if period is not None:
            ops.read(self.ctx, self.actor, subsidy.sheet, *period, on_ok=self._show, on_error=self._error,
                     label=self.tr("正在计算以案定补…"), parent=self)  # fmt: skip

    def _show(self, sheet: subsidy.Sheet) -> None:
        self.sheet = sheet
        state = (
            self.tr("已于 %1 由 %2 审核通过").replace("%1", sheet.closed["at"]).replace("%2", sheet.closed["by"])
            if sheet.closed
            else self.tr("未审核")
        )
        sample = self.tr("（示例金额，待区司法局确定）") if sheet.rules.sample else ""
        self.summary.setText(
            self.tr("规则 %1%2；%3 人，合计 %4 元；暂缓 %5 件，不发放 %6 人；%7")
            .replace("%1", sheet.rules.version)
            .replace("%2", sample)
            .replace("%3", str(len(sheet.mediators)))
            .replace("%4", f"{sheet.total / 100:,.2f}")
            .replace("%5", str(len(sheet.held)))
            .replace("%6", str(len(sheet.excluded)))
            .replace("%7", state)
        )
        self.people.setRowCount(len(sheet.mediators))
        for i, m in enumerate(sheet.mediators):
            cases = len({x.case_no for x in m.items if not x.adjustment})
            note = self.tr("上限核减 %1 元").replace("%1", f"{m.capped / 100:g}") if m.capped else ""
            for j, value in enumerate((m.name, m.committee, str(cases), f"{m.amount / 100:,.2f}", note)):
                self.people.setItem(i, j, QTableWidgetItem(value))
        rows = [(h["case_no"], h["reason"]) for h in sheet.held] + [(e["name"], e["reason"]) for e in sheet.excluded]
        self.held.setRowCount(len(rows))
        for i, (what, why) in enumerate(rows):
            self.held.setItem(i, 0, QTableWidgetItem(what))
            self.held.setItem(i, 1, QTableWidgetItem(why))
        self.items.setRowCount(0)
        if sheet.mediators:
            self.people.selectRow(0)
        self.excel_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.approve_button.setEnabled(sheet.closed is None)
        self.shown.emit(sheet)

    def _show_items(self) -> None:
        rows = self.people.selectionModel().selectedRows()
        if not rows or self.sheet is None:
            return
        m = self.sheet.mediators[rows[0].row()]
        self.items.setRowCount(len(m.items))
        for i, x in enumerate(m.items):
            for j, value in enumerate((x.case_no, f"{x.amount / 100:,.2f}", x.reason)):
                self.items.setItem(i, j, QTableWidgetItem(value))

    def save(self, *, pdf: bool) -> None:
        period = self.period()
        if period is None:
            return
        name = f"以案定补_{period[0]:%Y%m%d}-{period[1]:%Y%m%d}"
        if pdf:
            target = self.files.save_pdf(self, self.tr("保存签字用发放表"), name + ".pdf")
        else:
            target = self.files.save_workbook(self, self.tr("保存以案定补发放表"), name + ".xlsx")
        if target is None:
            return
        make = subsidy.pdf if pdf else subsidy.workbook

        def work(session: Any, actor: Actor) -> Path:
            write_file(str(target), make(session, actor, *period)[1])
            return target

        ops.read(self.ctx, self.actor, work, on_error=self._error, label=self.tr("正在生成发放表…"), parent=self,
                 on_ok=lambda path: self.result_line.setText(self.tr("已保存：%1").replace("%1", str(path))))  # fmt: skip

    def approve(self) -> None:
        period = self.period()
        if period is None or self.sheet is None:
            return
        text = self.tr("审核通过 %1 至 %2 的以案定补发放表（合计 %3 元）？通过后该期间关闭，不能再改。")
        text = text.replace("%1", str(period[0])).replace("%2", str(period[1]))
        if not messages.confirm(self, text.replace("%3", f"{self.sheet.total / 100:,.2f}")):
            return
        ops.write(self.ctx, self.actor, subsidy.approve, *period, on_ok=self._show, on_error=self._error,
                  label=self.tr("正在审核通过…"), parent=self)  # fmt: skip

    def edit_rules(self) -> Any:
        from xihu_desk.gui.reports.subsidy_rules_dialog import SubsidyRulesDialog

        dialog = SubsidyRulesDialog(self.ctx, self.actor, self)
        dialog.accepted.connect(lambda: self.result_line.setText(dialog.result_line.text()))
        self.rules_dialog = dialog
        dialog.open()
        return dialog

    def load_rules(self) -> None:
        path = self.files.open_rules(self)
        if path is None:
            return
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            messages.error(self, self.tr("读不出补贴规则文件 %1：%2").replace("%1", str(path)).replace("%2", str(exc)))
            return

        def done(table) -> None:
            self.result_line.setText(
                self.tr("已导入补贴规则 %1（自 %2 起适用）")
                .replace("%1", table.version)
                .replace("%2", str(table.valid_from))
            )

        ops.write(self.ctx, self.actor, subsidy.load_rules, text, on_ok=done, on_error=self._error, parent=self)
