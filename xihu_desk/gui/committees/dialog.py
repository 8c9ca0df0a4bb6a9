"""One committee as it is (issue 18): kind, registration and 备案, seal, address, phone; the law's
composition warnings; the members serving today with roles and terms, those before them, the
versions of its particulars, and the cases escalated to or from it or co-mediated with it.
Read through the one door (gui/ops.py); opened from the committee list of 系统设置 → 本节点."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.gui import ops, prefs
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import label
from xihu_desk.domain.committee_rules import RULED_KINDS
from xihu_desk.services import committee_roster, escalation


def _tr(text: str) -> str:
    return QCoreApplication.translate("CommitteeDialog", text)


def _day(d: date | None) -> str:
    return d.isoformat() if d else _tr("未登记")


def _table(name: str, heads: list[str], rows: list[list[str]], stretch: int) -> QTableWidget:
    table = QTableWidget(len(rows), len(heads))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(heads)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class CommitteeDialog(QDialog):
    def __init__(self, ctx: AppContext, committee_uuid: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("committeeDialog")
        view = ops.session_read(ctx, committee_roster.committee_view, committee_uuid, today)
        moves = ops.session_read(ctx, escalation.moves, committee_uuid=committee_uuid)
        self.view = view
        self.setWindowTitle(view.name)
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 14, 16, 12)
        title = label(f"{view.name}（{view.kind_label}）", "subtitle", wrap=True)
        title.setObjectName("committeeTitle")
        box.addWidget(title)
        p = view.profile
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        facts = (
            (_tr("字号"), view.code, "committeeCode"),
            (_tr("成立（登记）"), _day(p.registered_on if p else None), "committeeRegistered"),
            (
                _tr("备案"),
                _day(p.filed_on if p else None) + (f"（{p.filing_no}）" if p and p.filing_no else ""),
                "committeeFiled",
            ),
            (_tr("印章"), (p.seal if p else "") or _tr("未登记"), "committeeSeal"),
            (_tr("地址"), (p.address if p else "") or _tr("未登记"), "committeeAddress"),
            (_tr("电话"), (p.phone if p else "") or _tr("未登记"), "committeePhone"),
        )
        for text, value, name in facts:
            field = QLabel(value)
            field.setObjectName(name)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{text}：", field)
        box.addLayout(form)
        self.warnings = label("", "", wrap=True)
        self.warnings.setObjectName("committeeWarnings")
        if view.warnings:
            self.warnings.setProperty("state", "error")
            self.warnings.setText(_tr("注意：") + "；".join(view.warnings) + "。")
        else:
            self.warnings.setProperty("state", "ok")
            self.warnings.setText(_tr("组成符合人民调解法第八条的要求。") if view.kind in RULED_KINDS else "")
        self.warnings.setVisible(bool(self.warnings.text()))
        box.addWidget(self.warnings)

        tabs = QTabWidget(self)
        tabs.setObjectName("committeeTabs")
        members = [
            [m.role_label, m.name, m.gender or "—", _day(m.term_start), _day(m.term_end) if m.term_end else _tr("—")]
            for m in view.members
        ]
        heads = [_tr("职务"), _tr("姓名"), _tr("性别"), _tr("任期开始"), _tr("任期结束")]
        tabs.addTab(_table("membersTable", heads, members, 1), _tr("组成人员（{n}）").format(n=len(view.members)))
        past = [[m.role_label, m.name, _day(m.term_start), _day(m.term_end), m.end_reason] for m in view.past_members]
        heads = [_tr("职务"), _tr("姓名"), _tr("任期开始"), _tr("任期结束"), _tr("离任/改任事由")]
        tabs.addTab(_table("pastTable", heads, past, 4), _tr("历任（{n}）").format(n=len(past)))
        versions = [
            [_day(x.effective_on), x.org_kind_label, x.address, x.phone, x.reason] for x in reversed(view.profiles)
        ]
        heads = [_tr("自"), _tr("组织类型"), _tr("地址"), _tr("电话"), _tr("事由")]
        tabs.addTab(_table("profilesTable", heads, versions, 2), _tr("基本情况变更（{n}）").format(n=len(versions)))
        moved = [
            [
                m.escalated_on.isoformat(),
                m.kind_label,
                m.case_no,
                m.from_case_no if m.from_case_no != m.case_no else "",
                m.from_committee.removesuffix("人民调解委员会"),  # 人民调解委员会 dropped: the names
                m.to_committee.removesuffix("人民调解委员会"),  # otherwise overflow a 1366-wide screen
                m.reason,
            ]
            for m in moves
        ]
        heads = [_tr("日期"), _tr("方式"), _tr("案件编号"), _tr("原编号"), _tr("移出"), _tr("接收"), _tr("理由")]
        tabs.addTab(_table("movesTable", heads, moved, 6), _tr("提级/移交的案件（{n}）").format(n=len(moved)))
        box.addWidget(tabs, 1)
        close = QPushButton(_tr("关闭"))
        close.clicked.connect(self.accept)
        box.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(960, 560)
        prefs.restore_geometry("committees/dialog", self)

    def done(self, result: int) -> None:
        prefs.save_geometry("committees/dialog", self)
        super().done(result)
