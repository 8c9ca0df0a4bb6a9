"""以案定补 rule table as a form (services/subsidy_rules_form.py): the versions kept so far, and the
newest one's amounts, additions, review bands, type factors, cap, split and exclusions. The district
saves what it typed as a new version with its own valid_from (a kept version never changes); a
street or town office sees the same form read-only, since the table comes down from the district."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import FieldErrors, date_edit, date_of, fill_combo, fit_to_screen, form_layout, required
from xihu_desk.gui.kit import set_code, set_date, submit
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import subsidy_rules_form
from xihu_desk.services.context import Actor


def _money(name: str, top: float = 100000) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(0, top)
    spin.setDecimals(2)
    spin.setSuffix(" 元")
    spin.setGroupSeparatorShown(True)
    return spin


def _factor(name: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(0, 10)
    spin.setDecimals(2)
    spin.setSingleStep(0.1)
    return spin


def _rows_on_view(table: QTableWidget, rows: int) -> None:
    """Rows tall enough for the spin boxes in them, and ``rows`` of them on view at any text size."""
    row = QDoubleSpinBox().sizeHint().height() + 4
    table.verticalHeader().setDefaultSectionSize(row)
    table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + rows * row + 6)


class SubsidyRulesDialog(QDialog):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subsidyRulesDialog")
        self.setWindowTitle(self.tr("补贴规则（以案定补）"))
        self.ctx, self.actor = ctx, actor
        self.saved_version = ""
        data = ops.read(ctx, actor, subsidy_rules_form.rules_for_editing)
        self.data = data
        self.editable: bool = data["editable"]
        outer = QVBoxLayout(self)
        intro = (
            self.tr("修改后保存为新的版本，自所填日期起结案的案件适用；已保存的版本不再改动，已审核通过的发放表不变。")
            if self.editable
            else data["read_only_reason"]
        )
        self.intro = label(intro, "muted", wrap=True)
        self.intro.setObjectName("rulesIntro")
        outer.addWidget(self.intro)
        self.versions = readonly_table(
            [self.tr("版本"), self.tr("自何日起适用"), self.tr("现行"), self.tr("示例"), self.tr("保存人")],
            "rulesVersions",
        )
        self.versions.setRowCount(len(data["versions"]))
        for i, v in enumerate(data["versions"]):
            cells = (
                v["version"],
                v["valid_from"],
                self.tr("现行") if v["in_force"] else "",
                self.tr("示例") if v["sample"] else "",
                v["loaded_by"],
            )
            for j, text in enumerate(cells):
                self.versions.setItem(i, j, QTableWidgetItem(text))
        self.versions.setMaximumHeight(self.fontMetrics().height() * 6)
        if data["versions"]:
            outer.addWidget(self.versions)
        else:
            outer.addWidget(label(self.tr("尚未保存规则，下面是随程序提供的示例规则。"), "muted", wrap=True))
        scroll = QScrollArea()
        scroll.setObjectName("rulesScroll")
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.body = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.errors = FieldErrors()
        self._build()
        self.general_error = label("", wrap=True)
        self.general_error.setObjectName("rulesError")
        self.general_error.setProperty("state", "error")
        self.general_error.setVisible(False)
        outer.addWidget(self.general_error)
        self.result_line = label("", "muted", wrap=True)
        self.result_line.setObjectName("rulesResult")
        outer.addWidget(self.result_line)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存为新版本"))
        self.save_button.setObjectName("saveRules")
        self.save_button.setVisible(self.editable)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self._load(data["doc"])
        if not self.editable:
            inputs = (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox, QPushButton, QTableWidget)
            for widget in body.findChildren(QWidget):
                if isinstance(widget, inputs):
                    widget.setEnabled(False)  # the table comes from the district: shown, not changed here
        fit_to_screen(self, 58, 44)

    # -- layout -------------------------------------------------------------------------------------

    def _build(self) -> None:
        tr = self.tr
        head = form_layout()
        self.version = QLineEdit()
        self.version.setObjectName("rulesVersion")
        self.version.setPlaceholderText(tr("如 2027-1"))
        self.valid_from = date_edit()
        self.valid_from.setObjectName("rulesValidFrom")
        self.sample = QCheckBox(tr("金额仍为示例（待确定）"))
        self.sample.setObjectName("rulesSample")
        if self.editable:
            self.errors.add_row(head, required(tr("新版本号")), "version", self.version)
            self.errors.add_row(head, required(tr("自何日起适用")), "valid_from", self.valid_from)
        else:
            head.addRow(tr("版本号："), self.version)
            head.addRow(tr("自何日起适用："), self.valid_from)
        head.addRow("", self.sample)
        self.body.addLayout(head)

        base = QGroupBox(tr("每件基础金额（按难易程度）"))
        grid = QGridLayout(base)
        self.base: dict[str, QDoubleSpinBox] = {}
        for i, (code, text) in enumerate(self.data["difficulties"].items()):
            self.base[code] = _money(f"base_{code}")
            grid.addWidget(QLabel(text + "："), i // 3, (i % 3) * 2)
            grid.addWidget(self.base[code], i // 3, (i % 3) * 2 + 1)
        self.body.addWidget(base)
        base_error = self.errors.label("base", self.base["ordinary"])
        self.body.addWidget(base_error)

        extra = QGroupBox(tr("加发与上限"))
        form = form_layout()
        extra.setLayout(form)
        self.written, self.confirmed, self.escalated = _money("written"), _money("confirmed"), _money("escalated")
        self.cap = _money("cap", 1000000)
        self.cap.setSpecialValueText(tr("不设上限"))
        form.addRow(tr("书面调解协议："), self.written)
        form.addRow(tr("经司法确认："), self.confirmed)
        form.addRow(tr("提级或跨调委会联合调解："), self.escalated)
        form.addRow(tr("每名调解员每期上限："), self.cap)
        self.body.addWidget(extra)

        who = QGroupBox(tr("分配与发放范围"))
        form = form_layout()
        who.setLayout(form)
        self.split = QComboBox()
        self.split.setObjectName("split")
        fill_combo(self.split, {"lead": tr("主办调解员先得，其余平分"), "equal": tr("参与调解员平分")})
        self.lead_share = QSpinBox()
        self.lead_share.setObjectName("leadShare")
        self.lead_share.setRange(0, 100)
        self.lead_share.setSuffix(" %")
        row = QHBoxLayout()
        row.addWidget(self.split, 1)
        row.addWidget(QLabel(tr("主办份额：")))
        row.addWidget(self.lead_share)
        form.addRow(tr("一案多名调解员："), row)
        self.split.currentIndexChanged.connect(lambda: self.lead_share.setEnabled(self.split.currentData() == "lead"))
        self.pay_failed = QCheckBox(tr("调解不成功的案件在充分调解后也发放"))
        self.pay_failed.setObjectName("payFailed")
        self.failed_min = QSpinBox()
        self.failed_min.setObjectName("failedMin")
        self.failed_min.setRange(1, 20)
        self.failed_min.setPrefix(tr("至少 "))
        self.failed_min.setSuffix(tr(" 次调解记录"))
        row = QHBoxLayout()
        row.addWidget(self.pay_failed, 1)
        row.addWidget(self.failed_min)
        form.addRow(tr("不成功的案件："), row)
        self.platform = QCheckBox(tr("只发放已在省平台登记（有平台案件编号）的案件"))
        self.platform.setObjectName("requirePlatform")
        form.addRow(tr("平台登记："), self.platform)
        sources = QWidget()
        grid = QGridLayout(sources)
        grid.setContentsMargins(0, 0, 0, 0)
        self.sources: dict[str, QCheckBox] = {}
        for i, (code, text) in enumerate(self.data["sources"].items()):
            self.sources[code] = QCheckBox(text)
            self.sources[code].setObjectName(f"exclude_{code}")
            grid.addWidget(self.sources[code], i // 3, i % 3)
        self.errors.add_row(form, tr("不发放的人员来源："), "excluded_sources", sources)
        self.body.addWidget(who)

        bands = QGroupBox(tr("卷宗评查得分系数（低于最低一档的暂缓发放；不设分档则不看评查）"))
        box = QVBoxLayout(bands)
        self.bands = QTableWidget(0, 2)
        self.bands.setObjectName("reviewBands")
        self.bands.setHorizontalHeaderLabels([tr("最低分"), tr("系数")])
        self.bands.horizontalHeader().setStretchLastSection(True)
        self.bands.verticalHeader().setVisible(False)
        _rows_on_view(self.bands, 3)
        box.addWidget(self.bands)
        box.addLayout(self._row_buttons(self.add_band, self.bands, "Band"))
        box.addWidget(self.errors.label("review_bands", self.bands))
        self.body.addWidget(bands)

        types = QGroupBox(tr("按纠纷类型的系数（不列的为 1）"))
        box = QVBoxLayout(types)
        self.types = QTableWidget(0, 2)
        self.types.setObjectName("typeFactors")
        self.types.setHorizontalHeaderLabels([tr("纠纷类型"), tr("系数")])
        self.types.horizontalHeader().setStretchLastSection(True)
        self.types.verticalHeader().setVisible(False)
        _rows_on_view(self.types, 2)
        box.addWidget(self.types)
        box.addLayout(self._row_buttons(self.add_type, self.types, "Type"))
        box.addWidget(self.errors.label("type_factor", self.types))
        self.body.addWidget(types)
        self.body.addStretch(1)

    def _row_buttons(self, add: Any, table: QTableWidget, name: str) -> QHBoxLayout:
        row = QHBoxLayout()
        plus = QPushButton(theme.icon("mdi6.plus"), self.tr("添加一行"))
        plus.setObjectName(f"add{name}")
        minus = QPushButton(theme.icon("mdi6.minus"), self.tr("删除所选行"))
        minus.setObjectName(f"remove{name}")
        plus.clicked.connect(lambda: add())
        minus.clicked.connect(lambda: table.removeRow(table.currentRow()) if table.currentRow() >= 0 else None)
        row.addWidget(plus)
        row.addWidget(minus)
        row.addStretch(1)
        return row

    def add_band(self, low: int = 60, factor: float = 1.0) -> None:
        i = self.bands.rowCount()
        self.bands.insertRow(i)
        score = QSpinBox()
        score.setRange(0, 100)
        score.setSuffix(self.tr(" 分"))
        score.setValue(low)
        spin = _factor()
        spin.setValue(factor)
        self.bands.setCellWidget(i, 0, score)
        self.bands.setCellWidget(i, 1, spin)

    def add_type(self, code: str = "", factor: float = 1.0) -> None:
        i = self.types.rowCount()
        self.types.insertRow(i)
        combo = QComboBox()
        fill_combo(combo, self.data["dispute_types"])
        if code:
            set_code(combo, code)
        spin = _factor()
        spin.setValue(factor)
        self.types.setCellWidget(i, 0, combo)
        self.types.setCellWidget(i, 1, spin)

    # -- the document -------------------------------------------------------------------------------

    def _load(self, doc: dict[str, Any]) -> None:
        r = self.data["rules"]
        closed = date.fromisoformat(self.data["closed_until"]) if self.data["closed_until"] else None
        start = self._next_start(closed) if self.editable else r.valid_from
        set_date(self.valid_from, start)
        self.version.setText(self._next_version(start.year) if self.editable else r.version)
        self.sample.setChecked(r.sample and not self.editable)
        for code, spin in self.base.items():
            spin.setValue(r.base.get(code, 0) / 100)
        self.written.setValue(r.written_bonus / 100)
        self.confirmed.setValue(r.confirmation_bonus / 100)
        self.escalated.setValue(r.escalated_bonus / 100)
        self.cap.setValue(r.cap / 100)
        set_code(self.split, r.split)
        self.lead_share.setValue(round(r.lead_share * 100))
        self.lead_share.setEnabled(r.split == "lead")
        self.pay_failed.setChecked(r.pay_failed)
        self.failed_min.setValue(r.failed_min_records)
        self.platform.setChecked(r.require_platform_code)
        for code, box in self.sources.items():
            box.setChecked(code in r.excluded_sources)
        for low, factor in r.grade_bands:
            self.add_band(low, factor)
        for code, factor in r.type_factor.items():
            self.add_type(code, factor)

    def _next_version(self, year: int) -> str:
        """A suggestion named for the year the new version starts: 2027-1, 2027-2 …"""
        taken = {v["version"] for v in self.data["versions"]} | {self.data["rules"].version}
        n = 1
        while f"{year}-{n}" in taken:
            n += 1
        return f"{year}-{n}"

    def _next_start(self, closed_until: date | None) -> date:
        """The first day of next month, after any closed period."""
        today = self.actor.today
        start = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        if closed_until is not None and start <= closed_until:
            start = date.fromordinal(closed_until.toordinal() + 1)
        return start

    def document(self) -> dict[str, Any]:
        """What was typed, in the rule file's shape (domain/subsidy.from_doc)."""
        bands = []
        for i in range(self.bands.rowCount()):
            score, factor = self.bands.cellWidget(i, 0), self.bands.cellWidget(i, 1)
            assert isinstance(score, QSpinBox) and isinstance(factor, QDoubleSpinBox)
            bands.append({"min_score": score.value(), "factor": factor.value()})
        types: dict[str, float] = {}
        for i in range(self.types.rowCount()):
            combo, factor = self.types.cellWidget(i, 0), self.types.cellWidget(i, 1)
            assert isinstance(combo, QComboBox) and isinstance(factor, QDoubleSpinBox)
            types[combo.currentData()] = factor.value()
        start = date_of(self.valid_from)
        return {
            "version": self.version.text().strip(),
            "valid_from": start.isoformat() if start else "",
            "sample": self.sample.isChecked(),
            "base": {code: spin.value() for code, spin in self.base.items()},
            "written_agreement": self.written.value(),
            "judicial_confirmation": self.confirmed.value(),
            "escalated": self.escalated.value(),
            "review_bands": bands,
            "cap_per_mediator": self.cap.value(),
            "excluded_sources": [code for code, box in self.sources.items() if box.isChecked()],
            "split": self.split.currentData() or "lead",
            "lead_share": self.lead_share.value() / 100,
            "pay_failed": self.pay_failed.isChecked(),
            "failed_min_records": self.failed_min.value(),
            "require_platform_code": self.platform.isChecked(),
            "type_factor": types,
        }

    def save(self) -> None:
        if not self.editable:
            return
        self.errors.clear()
        self.general_error.setVisible(False)
        doc, actor, start = self.document(), self.actor, date_of(self.valid_from)
        if len(doc["type_factor"]) != self.types.rowCount():
            self.errors.show("type_factor", self.tr("同一纠纷类型只能列一次。"))
            return

        def work(session: Any) -> Any:
            required_date(start, "valid_from", "请填写自何日起适用。")
            return subsidy_rules_form.save_rules(session, actor.stamped(), doc)

        self.save_button.setEnabled(False)
        submit(self.ctx, self, work, self._saved, self._refused, self.tr("正在保存补贴规则…"))

    def _saved(self, table: Any) -> None:
        self.save_button.setEnabled(True)
        self.saved_version = table.version
        self.result_line.setText(
            self.tr("已保存补贴规则 %1（自 %2 起适用），下次向下级发数据包时一并下发。")
            .replace("%1", table.version)
            .replace("%2", str(table.valid_from))
        )
        self.accept()

    def _refused(self, field: str | None, message: str) -> None:
        self.save_button.setEnabled(True)
        if not self.errors.show(field, message):
            self.general_error.setText(message)
            self.general_error.setVisible(True)
