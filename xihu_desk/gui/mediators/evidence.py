"""The grading evidence of one mediator for a chosen window, and its check against a rule set's
level: every condition with the figure, the ones missed in red and named, the 示例 ones marked."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain import grading as rules_domain
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.grading import Evidence, LevelResult, RuleSet
from xihu_desk.gui import ops, screenfit, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import code_of, date_of, fill_combo, set_code, set_date, setup_date
from xihu_desk.gui.widgets import label, restyle
from xihu_desk.services import grading
from xihu_desk.services.context import Actor

FIGURES = tuple(rules_domain.METRICS)  # every figure, in the order the rules list them


class EvidencePanel(QWidget):
    """Shows an Evidence and a LevelResult (no database): the figures and the conditions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The panel scrolls on its own: wherever it is placed (the 等级评定 tab, a mediator's form)
        # its figures and conditions never make the window taller than a 768-pixel screen.
        content = QWidget()
        box = QVBoxLayout(content)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        scroll = screenfit.scrolling(content, "evidenceScroll")
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        card = QFrame()
        card.setProperty("kind", "card")
        grid = QGridLayout(card)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.window_label = label("", "subtitle")
        self.window_label.setObjectName("evidenceWindow")
        grid.addWidget(self.window_label, 0, 0, 1, 6)
        self.values: dict[str, QLabel] = {}
        for i, key in enumerate(FIGURES):
            row, col = 1 + i // 3, (i % 3) * 2
            caption = label(rules_domain.METRICS[key].label + self.tr("："), "muted")
            caption.setWordWrap(True)
            grid.addWidget(caption, row, col)
            value = QLabel("—")
            value.setObjectName(f"figure_{key}")
            grid.addWidget(value, row, col + 1)
            self.values[key] = value
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)
        self.per_year = label("", wrap=True)
        self.per_year.setObjectName("evidencePerYear")
        grid.addWidget(self.per_year, 7, 0, 1, 6)
        box.addWidget(card)
        self.verdict = label("", "subtitle", wrap=True)
        self.verdict.setObjectName("evidenceVerdict")
        box.addWidget(self.verdict)
        self.checks = QTableWidget(0, 3)
        self.checks.setObjectName("evidenceChecks")
        self.checks.setHorizontalHeaderLabels([self.tr("评定条件"), self.tr("实际情况"), self.tr("结果")])
        self.checks.verticalHeader().hide()
        self.checks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.checks.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.checks.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.checks.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.checks.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.checks.setMinimumHeight(self.fontMetrics().height() * 11)
        self.checks.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        box.addWidget(self.checks, 1)
        self.example_note = label(
            self.tr(
                "其中部分条件的数值尚无正式文件依据，为示例，区司法局核定前仅供参考（哪几项见“评定标准”中的“示例”一栏）。"
            ),
            "muted",
            wrap=True,
        )
        self.example_note.setObjectName("exampleNote")
        box.addWidget(self.example_note)
        self.clear()

    def clear(self, text: str = "") -> None:
        self.window_label.setText(text or self.tr("选择统计期间后显示"))
        for value in self.values.values():
            value.setText("—")
        self.per_year.setText("")
        self.verdict.setText("")
        self.checks.setRowCount(0)
        self.example_note.setVisible(False)
        self.missed_texts: list[str] = []

    def show_evidence(self, ev: Evidence, rules: RuleSet | None = None, result: LevelResult | None = None) -> None:
        self.window_label.setText(
            self.tr("{name}　统计期间 {start} 至 {end}").format(
                name=ev.name, start=ev.date_from.isoformat(), end=ev.date_to.isoformat()
            )
        )
        for key, widget in self.values.items():
            widget.setText(rules_domain.shown(key, ev.value(key)))
        years = "；".join(self.tr("{y} 年 {n} 件").format(y=y, n=n) for y, n in ev.per_year.items())
        self.per_year.setText(self.tr("各年度：{years}").format(years=years or self.tr("无")))
        self.checks.setRowCount(0)
        self.missed_texts = []
        if rules is None or result is None:
            self.verdict.setText("")
            self.example_note.setVisible(False)
            return
        level = rules.level(result.level)
        items = (*rules.basic, *level.thresholds)
        self.checks.setRowCount(len(items))
        red, green = QColor(theme.DANGER), QColor(theme.SUCCESS)
        for row, t in enumerate(items):
            ok, _actual = rules_domain.meets(t, ev)
            cells = (
                t.text(),
                rules_domain.shown(t.metric, ev.value(t.metric)),
                self.tr("达到") if ok else self.tr("未达到"),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not ok:
                    item.setForeground(red)
                elif col == 2:
                    item.setForeground(green)
                self.checks.setItem(row, col, item)
        # the whole list of conditions, no scrolling inside the panel's own scrolling
        self.checks.setMinimumHeight(
            self.checks.horizontalHeader().sizeHint().height()
            + self.checks.verticalHeader().length()
            + 2 * self.checks.frameWidth()
            + 2
        )
        self.missed_texts = result.missed_text()
        if result.passed:
            self.verdict.setText(
                self.tr("✓ 达到“{rules}”{level}的全部 {n} 项条件").format(
                    rules=rules.name, level=result.level_name, n=result.checked
                )
            )
            restyle(self.verdict, state="ok")
        else:
            self.verdict.setText(
                self.tr("✗ 未达到{level}的 {n} 项条件：{items}").format(
                    level=result.level_name, n=len(result.missed), items="；".join(self.missed_texts)
                )
            )
            restyle(self.verdict, state="error")
        self.example_note.setVisible(any(t.example for t in items))


class EvidenceView(QWidget):
    """The window and the level chosen by the user, read from the database, shown by EvidencePanel."""

    computed = Signal(object, object)  # Evidence, LevelResult | None

    def __init__(
        self, ctx: AppContext, actor: Actor, parent: QWidget | None = None, *, choose_level: bool = False
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.choose_level = choose_level  # an application: a level must be chosen (the highest met, at first)
        self.mediator_uuid: str | None = None
        self.rule_sets: dict[str, RuleSet] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.rule_set = QComboBox()
        self.rule_set.setObjectName("evidenceRuleSet")
        self.level = QComboBox()
        self.level.setObjectName("evidenceLevel")
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        self.date_from.setObjectName("evidenceFrom")
        self.date_to.setObjectName("evidenceTo")
        for edit in (self.date_from, self.date_to):
            setup_date(edit)
        self.whole_career = QPushButton(theme.icon("mdi6.calendar-range"), self.tr("从业以来"))
        self.whole_career.setObjectName("evidenceCareer")
        self.whole_career.setToolTip(self.tr("统计期间设为从首次聘任（或首件案件）至今"))
        self.compute_button = QPushButton(theme.icon("mdi6.calculator-variant-outline"), self.tr("计算"))
        self.compute_button.setObjectName("evidenceCompute")
        # Two rows, so the bar still fits at 150 % text on a 1366-pixel screen.
        self.rule_set.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rule_set.setMinimumContentsLength(14)
        bar.addWidget(QLabel(self.tr("评定标准")))
        bar.addWidget(self.rule_set, 1)
        bar.addWidget(QLabel(self.tr("对照等级")))
        bar.addWidget(self.level)
        second = QHBoxLayout()
        second.addWidget(QLabel(self.tr("统计期间")))
        second.addWidget(self.date_from)
        second.addWidget(QLabel("—"))
        second.addWidget(self.date_to)
        second.addWidget(self.whole_career)
        second.addWidget(self.compute_button)
        second.addStretch(1)
        box.addLayout(bar)
        box.addLayout(second)
        self.panel = EvidencePanel()  # scrolls on its own
        box.addWidget(self.panel, 1)
        self.rule_set.currentIndexChanged.connect(self._rule_set_changed)
        self.level.currentIndexChanged.connect(self.compute)
        self.compute_button.clicked.connect(self.compute)
        self.whole_career.clicked.connect(self.use_default_window)
        self.load_rule_sets()

    def load_rule_sets(self) -> None:
        rows = ops.session_read(self.ctx, grading.rule_sets)
        self.rule_sets = {r.code: r.rules for r in rows}
        fill_combo(
            self.rule_set, [(r.code, r.name + (self.tr("（含示例标准）") if r.has_examples else "")) for r in rows]
        )
        set_code(self.rule_set, "zhejiang-2017")  # Zhejiang's scheme unless chosen otherwise (domain.md §4.1)
        self._fill_levels()

    def rules(self) -> RuleSet | None:
        return self.rule_sets.get(code_of(self.rule_set))

    def _fill_levels(self) -> None:
        rules = self.rules()
        levels = [(lv.code, lv.name) for lv in rules.levels] if rules else []
        if self.choose_level:
            fill_combo(self.level, levels)
            self.level.setCurrentIndex(self.level.count() - 1)
        else:
            fill_combo(self.level, levels, self.tr("最高已达等级"))

    def _rule_set_changed(self) -> None:
        self.level.blockSignals(True)
        self._fill_levels()
        self.level.blockSignals(False)
        self.compute()

    def set_mediator(self, uuid: str | None, window: tuple[date, date] | None = None) -> None:
        self.mediator_uuid = uuid
        if uuid is None:
            self.panel.clear()
            return
        if window:
            set_date(self.date_from, window[0])
            set_date(self.date_to, window[1])
            self.compute()
        else:
            self.use_default_window()

    def use_default_window(self) -> None:
        rules = self.rules()
        if self.mediator_uuid is None or rules is None:
            return
        start, end = ops.session_read(self.ctx, grading.default_window, rules, self.mediator_uuid, clock.local_today())
        for edit, value in ((self.date_from, start), (self.date_to, end)):
            edit.blockSignals(True)
            set_date(edit, value)
            edit.blockSignals(False)
        if self.choose_level:  # start from the highest level the evidence meets
            best = rules_domain.best_level(
                rules, ops.read(self.ctx, self.actor, grading.evidence, self.mediator_uuid, start, end)
            )
            self.level.blockSignals(True)
            self.level.setCurrentIndex(self.level.findData(best.level) if best else self.level.count() - 1)
            self.level.blockSignals(False)
        self.compute()

    def period(self) -> tuple[date, date]:  # not window(): that is QWidget's
        return date_of(self.date_from) or clock.local_today(), date_of(self.date_to) or clock.local_today()

    def compute(self) -> None:
        rules = self.rules()
        if self.mediator_uuid is None or rules is None:
            return
        start, end = self.period()
        try:
            ev = ops.read(self.ctx, self.actor, grading.evidence, self.mediator_uuid, start, end)
        except UserError as exc:
            self.panel.clear(exc.message)
            return
        level = code_of(self.level)
        result = rules_domain.evaluate(rules, level, ev) if level else rules_domain.best_level(rules, ev)
        if result is None:  # no level met: show the lowest level's conditions, all that is missing
            result = rules_domain.evaluate(rules, rules.levels[-1].code, ev)
        self.panel.show_evidence(ev, rules, result)
        self.computed.emit(ev, result)
