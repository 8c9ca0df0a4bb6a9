"""评定标准 (the 调解员 area's third tab): each level's conditions; on the district's node the figures
and 示例 marks can be changed and saved (then sent down with the next bundle)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import grading as rules_domain
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import code_of, fill_combo
from xihu_desk.gui.widgets import label
from xihu_desk.services import grading, node
from xihu_desk.services.context import Actor


class RulesTab(QWidget):
    """评定标准: each level's conditions; on the district's node the figures and 示例 marks can be
    changed and saved (then sent down with the next bundle)."""

    status = Signal(str)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.sets: dict[str, grading.RuleSetRow] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        bar = QHBoxLayout()
        self.rule_set = QComboBox()
        self.rule_set.setObjectName("rulesCombo")
        bar.addWidget(QLabel(self.tr("评定标准：")))
        bar.addWidget(self.rule_set, 1)
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline", "#ffffff"), self.tr("保存修改"))
        self.save_button.setObjectName("saveRules")
        self.save_button.setProperty("kind", "primary")
        bar.addWidget(self.save_button)
        box.addLayout(bar)
        self.info = label("", wrap=True)
        self.info.setObjectName("rulesInfo")
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.info)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("rulesTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("等级"), self.tr("条件"), self.tr("不低于/不超过"), self.tr("数值"), self.tr("示例")]
        )
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2, 3, 4):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        box.addWidget(self.table, 1)
        self.note = label("", "muted", wrap=True)
        self.note.setObjectName("rulesNote")
        box.addWidget(self.note)
        self.district = ops.session_read(ctx, node.node_info).level == "district"
        self.editable = self.district and actor.can(Perm.MANAGE_MEDIATORS)
        self.save_button.setVisible(self.editable)
        self.note.setText(
            self.tr("修改后保存；新的申请按修改后的标准对照，已提出的申请仍按提出时的标准。")
            if self.editable
            else self.tr("评定标准由区司法局统一制定，随数据包下发；本单位只能查看。标“示例”的数值未经区司法局确认。")
        )
        self.rule_set.currentIndexChanged.connect(self._show)
        self.save_button.clicked.connect(self.save)

    def refresh(self) -> None:
        rows = ops.session_read(self.ctx, grading.rule_sets)
        self.sets = {r.code: r for r in rows}
        fill_combo(self.rule_set, [(r.code, r.name) for r in rows])
        self._show()

    def _show(self) -> None:
        row = self.sets.get(code_of(self.rule_set))
        self.table.setRowCount(0)
        if row is None:
            self.info.setText("")
            return
        r = row.rules
        window = self.tr("从业以来") if r.window_years is None else self.tr("近 {n} 年").format(n=r.window_years)
        self.info.setText(
            self.tr(
                "施行日期 {on}；统计期间 {window}；公示 {days} 天{example}；可申请：{who}。\n依据：{source}"
            ).format(
                on=r.effective_on.isoformat(),
                window=window,
                days=r.notice_days,
                example=self.tr("（示例）") if r.notice_example else "",
                who="、".join(rules_domain.EMPLOYMENT[e] for e in r.eligible),
                source=r.source or self.tr("未注明"),
            )
            + (self.tr("\n本标准已由区司法局修改（第 {v} 版）。").format(v=row.version) if row.edited else "")
        )
        entries = [(self.tr("基本条件"), "", i, t) for i, t in enumerate(r.basic)]
        entries += [(lv.name, lv.code, i, t) for lv in r.levels for i, t in enumerate(lv.thresholds)]
        self.table.setRowCount(len(entries))
        self.entries = entries
        flags_ro = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for n, (level_name, _code, _i, t) in enumerate(entries):
            metric = rules_domain.METRICS[t.metric]
            cells = [
                level_name,
                metric.label + (f"（{t.note}）" if t.note else ""),
                self.tr("不低于") if t.op == "min" else self.tr("不超过"),
                f"{t.value.normalize():f}" + ("%" if metric.rate else f" {metric.unit}"),
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(
                    flags_ro | (Qt.ItemFlag.ItemIsEditable if c == 3 and self.editable else Qt.ItemFlag.NoItemFlags)
                )
                if t.example:
                    item.setForeground(QColor(theme.MUTED))
                self.table.setItem(n, c, item)
            mark = QTableWidgetItem(self.tr("示例") if t.example else "")
            mark.setFlags(flags_ro | (Qt.ItemFlag.ItemIsUserCheckable if self.editable else Qt.ItemFlag.NoItemFlags))
            if self.editable:
                mark.setCheckState(Qt.CheckState.Checked if t.example else Qt.CheckState.Unchecked)
            if t.example:
                mark.setForeground(QColor(theme.DANGER))
            self.table.setItem(n, 4, mark)

    def save(self) -> None:
        row = self.sets.get(code_of(self.rule_set))
        if row is None or not self.editable:
            return
        doc = json.loads(json.dumps(row.rules.as_json()))
        for n, (_name, code, i, t) in enumerate(self.entries):
            value_cell, example_cell = self.table.item(n, 3), self.table.item(n, 4)
            if value_cell is None or example_cell is None:  # every row is filled with both
                continue
            text = value_cell.text().strip().rstrip("%").split(" ")[0]
            example = example_cell.checkState() == Qt.CheckState.Checked
            target = (
                doc["basic"][i] if not code else next(lv for lv in doc["levels"] if lv["code"] == code)["thresholds"][i]
            )
            try:
                target[t.op] = float(text) if "." in text else int(text)
            except ValueError:
                messages.error(self, self.tr("第 {n} 行的数值“{text}”不是数字。").format(n=n + 1, text=text))
                return
            target["example"] = example
        ops.write(
            self.ctx, self.actor, grading.save_rule_set, doc, parent=self, on_ok=lambda saved: self._saved(saved.name)
        )

    def _saved(self, name: str) -> None:
        self.refresh()
        self.status.emit(self.tr("已保存评定标准“{name}”").format(name=name))
