"""导入原有台账: the wizard that takes in the Excel ledger an office kept by hand.

Three steps: choose the file; a dry run shows what would happen to every row (the sheets and
columns recognised, how many rows would be imported, are already there, or cannot be taken and
why) with nothing saved; then the import itself, with the same report and an Excel problem list
to correct the ledger and import it again (the rows already taken are recognised then). Both runs
go through the runner's DB thread with progress and cancel; a cancelled import saves nothing.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.reports.files import FileDialogs
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import case_ledger
from xihu_desk.services.case_ledger import ImportReport
from xihu_desk.services.context import Actor

SHOWN_PROBLEMS = 2000  # the table shows this many; the saved problem list has them all


class LedgerImportWizard(QDialog):
    imported = Signal(object)  # ImportReport of the import that was saved
    previewed = Signal(object)  # ImportReport of the dry run

    def __init__(self, ctx: AppContext, actor: Actor, files: FileDialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.files = ctx, actor, files
        self.path: Path | None = None
        self.report: ImportReport | None = None
        self.setWindowTitle(self.tr("导入原有台账"))
        self.setObjectName("ledgerImportWizard")
        self.resize(960, 620)
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 14, 18, 14)
        self.step = label("", "subtitle")
        self.step.setObjectName("wizardStep")
        box.addWidget(self.step)
        self.stack = QStackedWidget()
        box.addWidget(self.stack, 1)
        self.stack.addWidget(self._choose_page())
        self.stack.addWidget(self._report_page("preview"))
        self.stack.addWidget(self._report_page("done"))
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("上一步"))
        self.back_button.clicked.connect(lambda: self._go(0))
        self.save_problems_button = QPushButton(theme.icon("mdi6.file-excel-outline"), self.tr("保存问题清单…"))
        self.save_problems_button.setObjectName("saveProblems")
        self.save_problems_button.clicked.connect(self.save_problems)
        self.next_button = QPushButton(self.tr("试导入"))
        self.next_button.setObjectName("nextButton")
        self.next_button.setProperty("kind", "primary")
        self.next_button.clicked.connect(self._next)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_problems_button)
        buttons.addStretch(1)
        for b in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(b)
        box.addLayout(buttons)
        self._go(0)

    # -- pages ------------------------------------------------------------------------------------

    def _choose_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setSpacing(10)
        intro = label(
            self.tr(
                "选择本单位以前用 Excel 登记的人民调解案件台账（.xlsx）。程序会在每张工作表中找到表头（标题行、合并单元格"
                "都没关系），按列名对应到案件的各项，日期、金额和纠纷类型按通常的写法识别。\n\n"
                "先“试导入”：看清每一行会导入、已存在（重复）还是无法导入及原因，这一步不保存任何内容。确认后再正式导入。"
                "无法导入的行可以保存为问题清单，在 Excel 中改正后再次导入；已经导入的行不会重复导入。\n\n"
                "旧的 .xls 文件请先用 Excel 或 WPS 另存为 .xlsx。"
            ),
            wrap=True,
        )
        box.addWidget(intro)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("ledgerPath")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("尚未选择文件"))
        choose = QPushButton(theme.icon("mdi6.folder-open-outline"), self.tr("选择文件…"))
        choose.setObjectName("chooseFile")
        choose.clicked.connect(self.choose)
        row.addWidget(self.path_edit, 1)
        row.addWidget(choose)
        box.addLayout(row)
        known = QLabel(
            self.tr("能识别的列（列名可以是下列任一种写法，顺序不限；其他列的内容随案件保存为“原台账其他信息”）：")
        )
        known.setProperty("kind", "muted")
        known.setWordWrap(True)
        box.addSpacing(8)
        box.addWidget(known)
        names = QLabel(
            "；".join(
                f"<b>{header}</b>（{'、'.join(synonyms[:3])}）" if synonyms else f"<b>{header}</b>"
                for header, synonyms in case_ledger.importable_columns()
            )
            + "。"
        )
        names.setObjectName("knownColumns")
        names.setTextFormat(Qt.TextFormat.RichText)
        names.setWordWrap(True)
        box.addWidget(names)
        box.addStretch(1)
        return page

    def _report_page(self, name: str) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setSpacing(8)
        summary = QLabel()
        summary.setObjectName(f"{name}Summary")
        summary.setTextFormat(Qt.TextFormat.RichText)
        summary.setWordWrap(True)
        box.addWidget(summary)
        sheets = readonly_table(
            [self.tr("工作表"), self.tr("表头在第几行"), self.tr("数据行"), self.tr("识别的列")], f"{name}Sheets"
        )
        sheets.setMaximumHeight(130)
        box.addWidget(sheets)
        problems = readonly_table(
            [self.tr("工作表"), self.tr("行"), self.tr("该行"), self.tr("列"), self.tr("原值"), self.tr("情况")],
            f"{name}Problems",
        )
        box.addWidget(problems, 1)
        setattr(self, f"{name}_summary", summary)
        setattr(self, f"{name}_sheets", sheets)
        setattr(self, f"{name}_problems", problems)
        return page

    def _go(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        steps = [
            self.tr("第 1 步（共 3 步）：选择台账文件"),
            self.tr("第 2 步（共 3 步）：试导入结果（尚未保存）"),
            self.tr("第 3 步（共 3 步）：导入完成"),
        ]
        self.step.setText(steps[index])
        self.back_button.setVisible(index == 1)
        self.next_button.setVisible(index < 2)
        self.next_button.setText(self.tr("试导入") if index == 0 else self.tr("确认导入"))
        self.next_button.setEnabled(self.path is not None if index == 0 else bool(self.report and self.report.imported))
        self.save_problems_button.setVisible(
            index > 0 and bool(self.report and (self.report.problems or self.report.duplicates))
        )
        self.close_button.setText(self.tr("完成") if index == 2 else self.tr("关闭"))

    # -- actions ----------------------------------------------------------------------------------

    def choose(self) -> None:
        path = self.files.open_ledger(self)
        if path is None:
            return
        self.path = path
        self.path_edit.setText(str(path))
        self._go(0)

    def _next(self) -> None:
        if self.stack.currentIndex() == 0:
            self._run(dry_run=True)
        elif self.stack.currentIndex() == 1:
            self._run(dry_run=False)

    def _run(self, *, dry_run: bool) -> None:
        if self.path is None:
            return
        self.next_button.setEnabled(False)
        ops.write(
            self.ctx,
            self.actor,
            case_ledger.import_ledger,
            self.path,
            file_name=self.path.name,
            dry_run=dry_run,
            with_progress=True,
            label=self.tr("正在试导入台账…") if dry_run else self.tr("正在导入台账…"),
            parent=self,
            on_ok=self._previewed if dry_run else self._imported,
            on_error=self._failed,
        )

    def _failed(self, message: str) -> None:
        messages.error(self, message, self.tr("无法导入"))
        self._go(self.stack.currentIndex())

    def _previewed(self, report: ImportReport) -> None:
        self.report = report
        self._show(report, "preview")
        self._go(1)
        self.previewed.emit(report)

    def _imported(self, report: ImportReport) -> None:
        self.report = report
        self._show(report, "done")
        self._go(2)
        self.imported.emit(report)

    def _show(self, report: ImportReport, name: str) -> None:
        verb = self.tr("可导入") if report.dry_run else self.tr("已导入")
        head = self.tr(
            "共 {rows} 行：{verb} <b>{imported}</b> 行，已存在（重复） <b>{duplicates}</b> 行，"
            "无法导入 <b style='color:{danger}'>{refused}</b> 行。"
        ).format(
            rows=report.rows,
            verb=verb,
            imported=report.imported,
            duplicates=report.duplicates,
            refused=report.refused,
            danger=theme.DANGER,
        )
        if report.dry_run:
            head = (
                self.tr("试导入，尚未保存。")
                + head
                + (self.tr("点“确认导入”正式导入。") if report.imported else self.tr("没有可以导入的行。"))
            )
        else:
            head += self.tr("导入的案件已标记来源（文件、工作表、行号），可在案件中查看和补充。")
        notes = "".join(f"<br>• {n}" for n in report.notes)
        getattr(self, f"{name}_summary").setText(head + notes)
        sheets = getattr(self, f"{name}_sheets")
        sheets.setRowCount(len(report.sheets))
        for r, s in enumerate(report.sheets):
            found = (
                s["sheet"],
                str(s["header_row"] or self.tr("未找到表头")),
                str(s["rows"]),
                "、".join(s["columns"].values()),
            )
            for c, text in enumerate(found):
                sheets.setItem(r, c, QTableWidgetItem(text))
        problems = getattr(self, f"{name}_problems")
        rows: list[tuple[tuple[str, ...], str]] = []
        for p in report.problems[:SHOWN_PROBLEMS]:
            value = p.as_json()["value"]
            state = (
                (self.tr("可导入，提示") if report.dry_run else self.tr("已导入，提示"))
                if p.imported
                else self.tr("不能导入")
            )
            rows.append(
                (
                    (p.sheet, str(p.row or ""), state, p.column or "", "" if value is None else str(value), p.reason),
                    "warn" if p.imported else "refused",
                )
            )
        for d in report.duplicate_rows[:SHOWN_PROBLEMS]:
            rows.append(
                (
                    (
                        d["sheet"],
                        str(d["row"]),
                        self.tr("已存在"),
                        "",
                        d.get("title", ""),
                        self.tr("与已有案件（或本文件前面的行）相同：同一调委会、受理日期和当事人，未重复导入"),
                    ),
                    "duplicate",
                )
            )
        colours = {"refused": QColor(theme.DANGER), "duplicate": QColor(theme.MUTED)}
        problems.setRowCount(len(rows))
        for r, (cells, kind) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text if c >= 4 else "")
                if kind in colours:
                    item.setForeground(colours[kind])
                problems.setItem(r, c, item)

    def save_problems(self) -> None:
        if self.report is None or self.path is None:
            return
        target = self.files.save_workbook(self, self.tr("保存问题清单"), f"{self.path.stem}-问题清单.xlsx")
        if target is None:
            return
        try:
            target.write_bytes(case_ledger.problems_workbook(self.report, self.path.name))
        except OSError as exc:
            messages.error(self, self.tr("无法写入 {path}：{reason}").format(path=target, reason=exc.strerror or exc))
            return
        messages.info(
            self, self.tr("问题清单已保存：{path}\n改正后可再次导入，已导入的行不会重复。").format(path=target)
        )
