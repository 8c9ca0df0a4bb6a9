"""平台对账: the provincial platform's export (浙里调 / 浙江解纷码) against this office's cases.

Choose the exported .xlsx and, if wanted, a period; the comparison runs on the runner's DB thread
with progress (services/platform_reconcile.reconcile, one write: it is audited and remembers the
months). The result shows in tabs: only here (to enter), only on the platform (to register here or
explain), mismatched (each differing field), and the proposals, ticked to link in one transaction.
The result and the entry list of the cases still to enter are saved as workbooks. File pickers are
behind ``self.files`` (files.FileDialogs), replaced in tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit.dates import date_edit, date_of
from xihu_desk.gui.reports.files import FileDialogs
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import platform_reconcile
from xihu_desk.services.context import Actor

TABS = ("only_here", "only_platform", "mismatched", "proposals")


class PlatformDialog(QDialog):
    reconciled = Signal(object)  # the result document of the last run

    def __init__(self, ctx: AppContext, actor: Actor, files: FileDialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.files = ctx, actor, files
        self.path: Path | None = None
        self.last: dict[str, Any] | None = None
        self._pending: list[dict[str, Any]] = []  # the proposals shown, in the table's order
        self.setWindowTitle(self.tr("平台对账"))
        self.setObjectName("platformDialog")
        self.resize(1040, 640)
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 14, 18, 14)
        intro = label(
            self.tr(
                "从省平台（浙里调 / 浙江解纷码）导出本单位的案件表（.xlsx），在这里与本系统的案件逐件核对："
                "按平台案件编号对应；没有编号的案件按申请人、被申请人和受理日期（前后 3 天内）建议关联。"
            ),
            "muted",
            wrap=True,
        )
        box.addWidget(intro)

        row = QHBoxLayout()
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("platformFile")
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(self.tr("尚未选择平台导出文件"))
        choose = QPushButton(theme.icon("mdi6.folder-open-outline"), self.tr("选择文件…"))
        choose.setObjectName("chooseFile")
        choose.clicked.connect(self.choose)
        row.addWidget(label(self.tr("平台导出文件")))
        row.addWidget(self.file_edit, 1)
        row.addWidget(choose)
        box.addLayout(row)

        row = QHBoxLayout()
        self.date_from = date_edit(optional=True, blank=self.tr("按导出文件"))
        self.date_to = date_edit(optional=True, blank=self.tr("按导出文件"))
        self.date_from.setObjectName("dateFrom")
        self.date_to.setObjectName("dateTo")
        row.addWidget(label(self.tr("受理日期")))
        row.addWidget(self.date_from)
        row.addWidget(label(self.tr("至")))
        row.addWidget(self.date_to)
        row.addWidget(label(self.tr("（留空：导出文件中受理日期所在的整月）"), "muted"))
        row.addStretch(1)
        self.run_button = QPushButton(theme.icon("mdi6.compare-horizontal", "#ffffff"), self.tr("开始对账"))
        self.run_button.setObjectName("runReconcile")
        self.run_button.setProperty("kind", "primary")
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(self.run)
        row.addWidget(self.run_button)
        box.addLayout(row)

        self.summary = label("", wrap=True)
        self.summary.setObjectName("reconcileSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.summary)

        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {
            "only_here": readonly_table(
                [
                    self.tr("案件编号"),
                    self.tr("受理日期"),
                    self.tr("申请人"),
                    self.tr("被申请人"),
                    self.tr("已登记的平台编号"),
                ],
                "onlyHere",
            ),
            "only_platform": readonly_table(
                [
                    self.tr("平台行号"),
                    self.tr("平台案件编号"),
                    self.tr("申请人"),
                    self.tr("被申请人"),
                    self.tr("受理日期"),
                ],
                "onlyPlatform",
            ),
            "mismatched": readonly_table(
                [self.tr("案件编号"), self.tr("平台案件编号"), self.tr("项目"), self.tr("本系统"), self.tr("平台")],
                "mismatched",
            ),
            "proposals": readonly_table(
                [
                    self.tr("关联"),
                    self.tr("平台案件编号"),
                    self.tr("案件编号"),
                    self.tr("申请人"),
                    self.tr("被申请人"),
                    self.tr("本系统受理"),
                    self.tr("平台受理"),
                ],
                "proposals",
            ),
        }
        self.tab_titles = {
            "only_here": self.tr("仅本系统有（待录入平台）"),
            "only_platform": self.tr("仅平台有（待登记或说明）"),
            "mismatched": self.tr("内容不一致"),
            "proposals": self.tr("建议关联"),
        }
        for key in TABS:
            self.tabs.addTab(self.tables[key], self.tab_titles[key])
        box.addWidget(self.tabs, 1)

        buttons = QHBoxLayout()
        self.entry_button = QPushButton(theme.icon("mdi6.table-arrow-right"), self.tr("导出平台录入清单…"))
        self.entry_button.setObjectName("exportEntryList")
        self.entry_button.setToolTip(self.tr("尚未登记平台编号的案件，按平台录入页面的顺序排列（证件号码已遮蔽）"))
        self.entry_button.clicked.connect(self.export_entry_list)
        # the platform asks for the full ID numbers: a role that may see them can export them (audited)
        self.reveal_box = QCheckBox(self.tr("含完整证件号码"))
        self.reveal_box.setObjectName("entryReveal")
        self.reveal_box.setToolTip(self.tr("录入平台需要完整的证件号码；导出记入审计日志，录入后请删除文件"))
        self.reveal_box.setVisible(self.actor.can(Perm.REVEAL_ID))
        self.save_button = QPushButton(theme.icon("mdi6.file-excel-outline"), self.tr("导出对账结果…"))
        self.save_button.setObjectName("saveResult")
        self.save_button.clicked.connect(self.save_result)
        self.link_button = QPushButton(theme.icon("mdi6.link-variant"), self.tr("关联所选"))
        self.link_button.setObjectName("linkSelected")
        self.link_button.setToolTip(self.tr("把勾选的平台案件编号登记到对应案件（一次完成，记入审计日志）"))
        self.link_button.clicked.connect(self.link_selected)
        self.link_button.setVisible(self.actor.can(Perm.EDIT_CASES))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.reject)
        buttons.addWidget(self.entry_button)
        buttons.addWidget(self.reveal_box)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.link_button)
        buttons.addWidget(close)
        box.addLayout(buttons)
        self._show_result(None)

    # -- running ------------------------------------------------------------------------------------

    def choose(self) -> None:
        path = self.files.open_platform_export(self)
        if path is None:
            return
        self.path = path
        self.file_edit.setText(str(path))
        self.run_button.setEnabled(True)

    def query(self) -> platform_reconcile.ReconcileQuery:
        return platform_reconcile.ReconcileQuery(
            date_of(self.date_from), date_of(self.date_to), False, self.path.name if self.path else ""
        )

    def run(self) -> None:
        if self.path is None:
            return
        q = self.query()
        if q.date_from and q.date_to and q.date_to < q.date_from:
            messages.error(self, self.tr("结束日期早于开始日期，请调整对账期间。"))
            return
        self.run_button.setEnabled(False)
        ops.write(
            self.ctx,
            self.actor,
            platform_reconcile.reconcile,
            self.path,
            q,
            templates=self.ctx.data.root / "templates",
            with_progress=True,
            label=self.tr("正在与平台导出文件对账…"),
            parent=self,
            on_ok=self._done,
            on_error=self._failed,
        )

    def _failed(self, message: str) -> None:
        self.run_button.setEnabled(self.path is not None)
        messages.error(self, message, self.tr("无法对账"))

    def _done(self, result: dict[str, Any]) -> None:
        self.run_button.setEnabled(True)
        self._show_result(result)
        self.reconciled.emit(result)

    # -- showing ------------------------------------------------------------------------------------

    def _show_result(self, result: dict[str, Any] | None) -> None:
        self.last = result
        for b in (self.save_button, self.link_button):
            b.setEnabled(result is not None)
        if result is None:
            self.summary.setText(self.tr("选择平台导出文件后点“开始对账”。"))
            for key in TABS:
                self.tables[key].setRowCount(0)
            return
        pending = [p for p in result["proposals"] if not p["linked"]]
        self.summary.setText(
            self.tr(
                "对账期间 {start} 至 {end}，平台导出 {rows} 行：编号一致 <b>{matched}</b> 件；"
                "仅本系统有 <b>{here}</b> 件，仅平台有 <b>{there}</b> 件，内容不一致 <b>{diff}</b> 项，"
                "建议关联 <b>{proposed}</b> 件。"
            ).format(
                start=result["from"] or "…",
                end=result["to"] or "…",
                rows=result["rows"],
                matched=result["matched"] + result["linked"],
                here=len(result["only_here"]),
                there=len(result["only_platform"]),
                diff=len(result["mismatched"]),
                proposed=len(pending),
            )
            + "".join(f"<br>{p['reason']}（第 {p['row']} 行）" for p in result["problems"][:5])
        )
        self._fill(
            "only_here",
            [
                [c["case_no"], c["accepted_on"], c["applicant"], c["respondent"], c["platform_code"]]
                for c in result["only_here"]
            ],
        )
        self._fill(
            "only_platform",
            [
                [str(r["row"]), r["platform_code"], r["applicant"], r["respondent"], r["accepted_on"] or ""]
                for r in result["only_platform"]
            ],
        )
        self._fill(
            "mismatched",
            [
                [m["case_no"], m["platform_code"], m["field_label"], m["here"], m["platform"]]
                for m in result["mismatched"]
            ],
        )
        self._fill(
            "proposals",
            [
                [
                    "",
                    p["platform_code"],
                    p["case_no"],
                    p["applicant"],
                    p["respondent"],
                    p["accepted_on"],
                    p["platform_accepted_on"],
                ]
                for p in pending
            ],
        )
        table = self.tables["proposals"]
        for i in range(table.rowCount()):
            tick = _cell(table, i, 0)
            tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            tick.setCheckState(Qt.CheckState.Checked)
        self._pending = pending
        self.link_button.setEnabled(bool(pending))
        counts = {
            "only_here": len(result["only_here"]),
            "only_platform": len(result["only_platform"]),
            "mismatched": len(result["mismatched"]),
            "proposals": len(pending),
        }
        for i, key in enumerate(TABS):
            self.tabs.setTabText(i, f"{self.tab_titles[key]}（{counts[key]}）")

    def _fill(self, key: str, rows: list[list[str]]) -> None:
        table = self.tables[key]
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(value))

    # -- acting -------------------------------------------------------------------------------------

    def chosen_pairs(self) -> list[tuple[str, str]]:
        table = self.tables["proposals"]
        return [
            (p["case_uuid"], p["platform_code"])
            for i, p in enumerate(self._pending)
            if _cell(table, i, 0).checkState() == Qt.CheckState.Checked
        ]

    def link_selected(self) -> None:
        pairs = self.chosen_pairs()
        if not pairs:
            messages.info(self, self.tr("没有勾选要关联的案件。"))
            return
        self.link_button.setEnabled(False)
        ops.write(
            self.ctx,
            self.actor,
            platform_reconcile.link_proposals,
            pairs,
            label=self.tr("正在登记平台案件编号…"),
            parent=self,
            on_ok=lambda n: self._linked(n),
            on_error=self._failed,
        )

    def _linked(self, count: int) -> None:
        messages.info(self, self.tr("已为 {n} 件案件登记平台案件编号。").format(n=count))
        self.run()  # the lists as they now stand

    def save_result(self) -> None:
        result = self.last
        if result is None:
            return
        target = self.files.save_workbook(
            self, self.tr("保存对账结果"), f"平台对账结果_{clock.local_today():%Y%m%d}.xlsx"
        )
        if target is None:
            return

        def work(session: Any, _actor: Actor) -> Path:
            _write(target, platform_reconcile.result_workbook(session, result))
            return target

        ops.read(
            self.ctx,
            self.actor,
            work,
            label=self.tr("正在保存对账结果…"),
            parent=self,
            on_ok=lambda path: messages.info(self, self.tr("对账结果已保存：{path}").format(path=path)),
            on_error=lambda m: messages.error(self, m),
        )

    def export_entry_list(self) -> None:
        target = self.files.save_workbook(
            self, self.tr("保存平台录入清单"), f"平台录入清单_{clock.local_today():%Y%m%d}.xlsx"
        )
        if target is None:
            return
        templates = self.ctx.data.root / "templates"
        reveal = self.actor.can(Perm.REVEAL_ID) and self.reveal_box.isChecked()

        def work(session: Any, actor: Actor) -> Path:
            _write(target, platform_reconcile.entry_list(session, actor, reveal=reveal, templates=templates))
            return target

        ops.write(
            self.ctx,
            self.actor,
            work,
            label=self.tr("正在导出平台录入清单…"),
            parent=self,
            on_ok=lambda path: messages.info(
                self,
                (
                    self.tr("平台录入清单已保存（含完整证件号码，已记入审计日志，录入后请删除）：{path}")
                    if reveal
                    else self.tr("平台录入清单已保存（证件号码已遮蔽）：{path}")
                ).format(path=path),
            ),
            on_error=lambda m: messages.error(self, m),
        )


def _cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    item = table.item(row, column)
    if item is None:
        raise LookupError(f"proposal table cell {row},{column} is empty")
    return item


def _write(target: Path, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise UserError(f"无法写入 {target}：{exc.strerror or exc}") from None
