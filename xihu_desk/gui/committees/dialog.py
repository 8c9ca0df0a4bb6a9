"""One committee as it is (issue 18): kind, registration and 备案, seal, address, phone; the law's
composition warnings; the members serving today with roles and terms, those before them, the
versions of its particulars, and the cases escalated to or from it or co-mediated with it.
Read through the one door (gui/ops.py); opened from the committee list of 系统设置 → 本节点. Who
keeps the roster (Perm.MANAGE_MEDIATORS) registers 任职 / 改任 / 离任 here (members.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.committee_rules import RULED_KINDS
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import ops, prefs
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import label
from xihu_desk.services import committee_roster, escalation
from xihu_desk.services.context import Actor


def _tr(text: str) -> str:
    return QCoreApplication.translate("CommitteeDialog", text)


def _day(d: date | None) -> str:
    return d.isoformat() if d else _tr("未登记")


def _fill(table: QTableWidget, heads: list[str], rows: list[list[str]], stretch: int) -> None:
    table.clear()
    table.setColumnCount(len(heads))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(heads)
    for r, values in enumerate(rows):
        for c, text in enumerate(values):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def _table(name: str) -> QTableWidget:
    table = QTableWidget(0, 0)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    return table


class CommitteeDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        committee_uuid: str,
        today: date,
        parent: QWidget | None = None,
        actor: Actor | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("committeeDialog")
        self.ctx, self.uuid, self.today, self.actor = ctx, committee_uuid, today, actor
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 14, 16, 12)
        self.title = label("", "subtitle", wrap=True)
        self.title.setObjectName("committeeTitle")
        box.addWidget(self.title)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        self.facts: dict[str, QLabel] = {}
        for text, name in (
            (_tr("字号"), "committeeCode"),
            (_tr("成立（登记）"), "committeeRegistered"),
            (_tr("备案"), "committeeFiled"),
            (_tr("印章"), "committeeSeal"),
            (_tr("地址"), "committeeAddress"),
            (_tr("电话"), "committeePhone"),
        ):
            field = QLabel()
            field.setObjectName(name)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{text}：", field)
            self.facts[name] = field
        box.addLayout(form)
        self.warnings = label("", "", wrap=True)
        self.warnings.setObjectName("committeeWarnings")
        box.addWidget(self.warnings)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("committeeTabs")
        self.members, self.past, self.profiles, self.moves = (
            _table("membersTable"),
            _table("pastTable"),
            _table("profilesTable"),
            _table("movesTable"),
        )
        for table in (self.members, self.past, self.profiles, self.moves):
            self.tabs.addTab(table, "")
        box.addWidget(self.tabs, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_tr("新增任职…"))
        self.add_button.setObjectName("addMemberButton")
        self.role_button = QPushButton(_tr("改任…"))
        self.role_button.setObjectName("changeRoleButton")
        self.end_button = QPushButton(_tr("离任…"))
        self.end_button.setObjectName("endMemberButton")
        for button, mode in ((self.add_button, "add"), (self.role_button, "role"), (self.end_button, "end")):
            button.clicked.connect(lambda _c=False, m=mode: self.open_member(m))
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton(_tr("关闭"))
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        box.addLayout(buttons)
        self.members.itemSelectionChanged.connect(self._selection)
        self.reload()
        self.resize(960, 580)
        prefs.restore_geometry("committees/dialog", self)

    def reload(self, _result: Any = None) -> None:
        view = ops.session_read(self.ctx, committee_roster.committee_view, self.uuid, self.today)
        moves = ops.session_read(self.ctx, escalation.moves, committee_uuid=self.uuid)
        self.view = view
        self.setWindowTitle(view.name)
        self.title.setText(f"{view.name}（{view.kind_label}）")
        p = view.profile
        filed = _day(p.filed_on if p else None) + (f"（{p.filing_no}）" if p and p.filing_no else "")
        for name, text in (
            ("committeeCode", view.code),
            ("committeeRegistered", _day(p.registered_on if p else None)),
            ("committeeFiled", filed),
            ("committeeSeal", (p.seal if p else "") or _tr("未登记")),
            ("committeeAddress", (p.address if p else "") or _tr("未登记")),
            ("committeePhone", (p.phone if p else "") or _tr("未登记")),
        ):
            self.facts[name].setText(text)
        if view.warnings:
            self.warnings.setProperty("state", "error")
            self.warnings.setText(_tr("注意：") + "；".join(view.warnings) + "。")
        else:
            self.warnings.setProperty("state", "ok")
            self.warnings.setText(_tr("组成符合人民调解法第八条的要求。") if view.kind in RULED_KINDS else "")
        self.warnings.style().polish(self.warnings)
        self.warnings.setVisible(bool(self.warnings.text()))
        rows = [[m.role_label, m.name, m.gender or "—", _day(m.term_start), _day(m.term_end)] for m in view.members]
        _fill(self.members, [_tr("职务"), _tr("姓名"), _tr("性别"), _tr("任期开始"), _tr("任期结束")], rows, 1)
        rows = [[m.role_label, m.name, _day(m.term_start), _day(m.term_end), m.end_reason] for m in view.past_members]
        _fill(self.past, [_tr("职务"), _tr("姓名"), _tr("任期开始"), _tr("任期结束"), _tr("离任/改任事由")], rows, 4)
        rows = [[_day(x.effective_on), x.org_kind_label, x.address, x.phone, x.reason] for x in reversed(view.profiles)]
        _fill(self.profiles, [_tr("自"), _tr("组织类型"), _tr("地址"), _tr("电话"), _tr("事由")], rows, 2)
        rows = [
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
        _fill(self.moves, heads, rows, 6)
        for i, text in enumerate(
            (
                _tr("组成人员（{n}）").format(n=len(view.members)),
                _tr("历任（{n}）").format(n=len(view.past_members)),
                _tr("基本情况变更（{n}）").format(n=len(view.profiles)),
                _tr("提级/移交的案件（{n}）").format(n=len(moves)),
            )
        ):
            self.tabs.setTabText(i, text)
        may = bool(self.actor and self.actor.can(Perm.MANAGE_MEDIATORS) and view.own)
        for button in (self.add_button, self.role_button, self.end_button):
            button.setVisible(may)
        self._selection()

    def _selection(self) -> None:
        chosen = bool(self.members.selectedItems())
        self.role_button.setEnabled(chosen)
        self.end_button.setEnabled(chosen)

    def open_member(self, mode: str) -> None:
        from xihu_desk.gui.committees.members import MemberDialog

        assert self.actor is not None
        member = None
        if mode != "add":
            row = self.members.currentRow()
            if row < 0:
                return
            member = self.view.members[row]
        self.member_dialog = MemberDialog(self.ctx, self.actor, self.view, mode, member, self.today, self, self.reload)
        self.member_dialog.open()

    def done(self, result: int) -> None:
        prefs.save_geometry("committees/dialog", self)
        super().done(result)
