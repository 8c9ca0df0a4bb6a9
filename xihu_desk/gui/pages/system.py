"""系统设置's smaller tabs: 系统参数 (node-wide, admin), 显示 (this PC), 本节点 (identity)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk import __version__
from xihu_desk.gui import ops, prefs, qtapp, screenfit, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.fmt import local_time
from xihu_desk.gui.widgets import label
from xihu_desk.domain import clock
from xihu_desk.services import committee_roster, node, settings
from xihu_desk.services.context import Actor


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    form.setHorizontalSpacing(14)
    form.setVerticalSpacing(10)
    return form


class ChoiceSpin(QSpinBox):
    """A setting that is a choice (要求 / 不要求) in the same list as the numbers: the arrows and
    the wheel step through its words; typing is off (the words are not numbers)."""

    def __init__(self, words: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words = words
        self.lineEdit().setReadOnly(True)

    def textFromValue(self, value: int) -> str:
        return self.words[value] if 0 <= value < len(self.words) else str(value)

    def valueFromText(self, text: str) -> int:
        return self.words.index(text) if text in self.words else self.minimum()


class ParamsTab(QWidget):
    """Node-wide settings from services.settings.SPECS; saved in one unit of work."""

    changed = Signal(str)
    saved = Signal(dict)  # the values now in force

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        # scrolls on a short screen: its own height made the settings page taller than 1366×768 at 150 %
        box = QVBoxLayout(screenfit.scrolling_body(self, "paramsScroll"))
        box.setContentsMargins(20, 16, 20, 16)
        box.addWidget(
            label(self.tr("这些参数对本节点的所有用户和所有电脑生效，修改会记入审计日志。"), "muted", wrap=True)
        )
        form = _form()
        self.spins: dict[str, QSpinBox] = {}
        for key, spec in settings.SPECS.items():
            spin = ChoiceSpin(spec.choices) if spec.choices else QSpinBox()
            spin.setObjectName(key)
            spin.setRange(spec.minimum, spec.maximum)
            if not spec.choices:
                spin.setSuffix(f" {spec.unit}")
            self.spins[key] = spin
            row = QHBoxLayout()
            row.setSpacing(12)
            row.addWidget(spin)
            hint = (
                self.tr("默认“{d}”").format(d=spec.choices[spec.default])
                if spec.choices
                else self.tr("默认 {d} {unit}，可设 {lo}–{hi}").format(
                    d=spec.default, unit=spec.unit, lo=spec.minimum, hi=spec.maximum
                )
            )
            row.addWidget(label(hint, "muted"))
            row.addStretch(1)
            form.addRow(f"{spec.label}：", row)
        box.addLayout(form)
        self.error_label = label("", wrap=True)
        self.error_label.setProperty("state", "error")
        box.addWidget(self.error_label)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setProperty("kind", "primary")
        self.revert_button = QPushButton(self.tr("还原"))
        row.addWidget(self.save_button)
        row.addWidget(self.revert_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.load()

    def load(self) -> None:
        values = ops.session_read(self.ctx, settings.get_all)
        for key, spin in self.spins.items():
            spin.setValue(values[key])
        self.error_label.setText("")

    def save(self) -> None:
        values = {key: spin.value() for key, spin in self.spins.items()}
        self.save_button.setEnabled(False)
        ops.write(self.ctx, self.actor, settings.update, values, parent=self, on_ok=self._saved, on_error=self._failed)

    def _saved(self, values: dict[str, int]) -> None:
        self.save_button.setEnabled(True)
        self.error_label.setText("")
        self.saved.emit(values)
        self.changed.emit(self.tr("系统参数已保存"))

    def _failed(self, message: str) -> None:
        self.save_button.setEnabled(True)
        self.error_label.setText(message)


class DisplayTab(QWidget):
    """Text size for this PC, applied at once to every window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 16, 20, 16)
        box.setSpacing(12)
        box.addWidget(
            label(
                self.tr("文字大小只对这台电脑生效。字看不清时可以调大，所有窗口立即按新大小显示。"), "muted", wrap=True
            )
        )
        form = _form()
        row = QHBoxLayout()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("textScale")
        self.slider.setRange(prefs.TEXT_SCALE_MIN // 10, prefs.TEXT_SCALE_MAX // 10)  # steps of 10 %
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(1)
        self.slider.setMinimumWidth(260)
        self.value_label = QLabel()
        self.value_label.setMinimumWidth(60)
        row.addWidget(self.slider)
        row.addWidget(self.value_label)
        row.addStretch(1)
        form.addRow(self.tr("文字大小："), row)
        box.addLayout(form)
        sample = QFrame()
        sample.setProperty("kind", "card")
        sample_box = QVBoxLayout(sample)
        sample_box.setContentsMargins(18, 14, 18, 14)
        sample_box.addWidget(label(self.tr("示例：人民调解协议书"), "subtitle"))
        sample_box.addWidget(
            label(
                self.tr(
                    "经本委员会调解，双方当事人自愿达成如下协议：一、甲方于 2025 年 12 月 31 日前支付乙方修缮费用人民币叁仟元整。"
                ),
                wrap=True,
            )
        )
        box.addWidget(sample)
        reset = QPushButton(self.tr("恢复默认（100%）"))
        reset.clicked.connect(lambda: self.slider.setValue(prefs.TEXT_SCALE_DEFAULT // 10))
        box.addWidget(reset, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        self.slider.setValue(prefs.text_scale() // 10)
        self.value_label.setText(f"{prefs.text_scale()}%")
        self.slider.valueChanged.connect(self._changed)

    def _changed(self, step: int) -> None:
        percent = step * 10
        self.value_label.setText(f"{percent}%")
        prefs.set_text_scale(percent)
        theme.apply_text_scale(qtapp.application(), percent)


class NodeTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, actor: Actor | None = None) -> None:
        super().__init__(parent)
        self.actor = actor  # who may register a committee's members in its dialog
        # The facts and the committee list scroll together: on a short screen (1366×768 at 150 %) the
        # facts took the height and the list showed one committee.
        box = QVBoxLayout(screenfit.scrolling_body(self, "nodeScroll"))
        box.setContentsMargins(20, 16, 20, 16)
        info = ops.session_read(ctx, node.node_info)
        form = _form()
        parent_text = f"{info.parent_name}（{info.parent_code}）" if info.parent_code else self.tr("无（最上级）")
        rows = (
            (self.tr("本单位"), f"{info.org_name}（{info.org_code}）", "nodeOrg"),
            (self.tr("层级"), info.level_label, "nodeLevel"),
            (self.tr("上级单位"), parent_text, "nodeParent"),
            (self.tr("节点编号"), info.node_id, "nodeId"),
            (self.tr("密钥指纹"), info.key_fingerprint, "nodeFingerprint"),
            (self.tr("初始化时间"), local_time(info.created_at, seconds=True), "nodeCreated"),
            (self.tr("数据目录"), str(ctx.data.root), "nodeDataDir"),
            (self.tr("数据库文件"), str(ctx.data.database), "nodeDatabase"),
            (self.tr("程序版本"), __version__, "appVersion"),
        )
        for title, value, name in rows:
            field = QLabel(value)
            field.setObjectName(name)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{title}：", field)
        box.addLayout(form)
        box.addSpacing(10)
        box.addWidget(
            label(
                self.tr(
                    "上级单位导入本节点报送的数据包时，以密钥指纹核对来源。更换电脑时请用“数据安全”中的备份迁移，"
                    "不要重新初始化，否则指纹会改变。"
                ),
                "muted",
                wrap=True,
            )
        )
        box.addSpacing(10)
        self.committee_title = label("", "subtitle")
        box.addWidget(self.committee_title)
        self.committee_view = QTableWidget(0, 5)
        self.committee_view.setObjectName("committeeView")
        self.committee_view.setHorizontalHeaderLabels(
            [self.tr("调委会"), self.tr("字号"), self.tr("类型"), self.tr("主任"), self.tr("提示")]
        )
        self.committee_view.setToolTip(self.tr("双击查看调委会的基本情况、组成人员和提级/移交的案件"))
        self.committee_view.cellDoubleClicked.connect(self.open_committee)
        self.committee_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.committee_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.committee_view.verticalHeader().hide()
        header = self.committee_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # 提示: the law's warnings, the longest
        # room for five committees whatever the screen: the tab scrolls to it
        self.committee_view.setMinimumHeight(
            header.sizeHint().height() + 5 * self.committee_view.verticalHeader().defaultSectionSize() + 4
        )
        box.addWidget(self.committee_view, 1)
        self.ctx = ctx

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh_committees()

    def refresh_committees(self) -> None:
        """The committees this node holds, in the order of their names' pinyin (the 调委会 card)."""
        # each as it is (services/committee_roster.py): organisation kind, chair, the Art 8 warnings
        rows = ops.session_read(self.ctx, committee_roster.committee_views, clock.local_today())
        self.committee_title.setText(self.tr("调委会（{n} 个）").format(n=len(rows)))
        self.committee_view.setRowCount(len(rows))
        for i, c in enumerate(rows):
            warn = "；".join(c.warnings)
            for j, text in enumerate((c.name, c.code, c.kind_label, c.chair, warn)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, c.uuid)
                if j == 4 and warn:
                    item.setForeground(QColor(theme.DANGER))
                    item.setToolTip(warn)
                self.committee_view.setItem(i, j, item)

    def open_committee(self, row: int, _column: int = 0) -> None:
        """双击: the committee as it is (gui/committees/dialog.py)."""
        from xihu_desk.gui.committees.dialog import CommitteeDialog

        item = self.committee_view.item(row, 0)
        if item is None:
            return
        self.committee_dialog = CommitteeDialog(
            self.ctx, item.data(Qt.ItemDataRole.UserRole), clock.local_today(), self, self.actor
        )
        self.committee_dialog.finished.connect(lambda _r: self.refresh_committees())
        self.committee_dialog.open()
