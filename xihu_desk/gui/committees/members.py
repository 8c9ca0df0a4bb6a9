"""任职 / 改任 / 离任 on screen (issue 18): one dialog per change of a committee's composition,
one unit of work each (services/committee_roster.py); the earlier rows stay as history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from xihu_desk.domain import committee_rules as rules
from xihu_desk.gui import ops
from xihu_desk.gui.cases.dialogs import CaseSubDialog, add_field, form_layout
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import date_edit, date_of, set_date
from xihu_desk.services import committee_roster, mediators
from xihu_desk.services.context import Actor


def _tr(text: str) -> str:
    return QCoreApplication.translate("CommitteeMembers", text)


def _roles(parent: QWidget, current: str = "") -> QComboBox:
    box = QComboBox(parent)
    box.setObjectName("role")
    for code, text in rules.ROLES.items():
        if code != current:
            box.addItem(text, code)
    return box


class MemberDialog(CaseSubDialog):
    """``mode``: add (a person of the roster takes a role), role (改任 a serving member), end (离任)."""

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        committee: committee_roster.CommitteeView,
        mode: str,
        member: committee_roster.MemberView | None,
        today: date,
        parent: QWidget,
        done: Callable[[Any], None],
    ) -> None:
        titles = {"add": _tr("新增任职"), "role": _tr("改任"), "end": _tr("离任")}
        super().__init__(ctx, f"{titles[mode]} · {committee.name}", parent, "committees/member_dialog")
        self.setObjectName("memberDialog")
        self.actor, self.committee, self.mode, self.member, self.done_fn = actor, committee, mode, member, done
        form = form_layout()
        if mode == "add":
            self.person = QComboBox(self)
            self.person.setObjectName("person")
            for m in ops.session_read(ctx, mediators.list_mediators):
                if m.active:
                    self.person.addItem(f"{m.name}（{m.committee}）" if m.committee else m.name, m.uuid)
            add_field(form, self.errors, "mediator_uuid", _tr("人员（调解员名册）"), self.person, True)
            self.role = _roles(self)
            add_field(form, self.errors, "role", _tr("职务"), self.role, True)
            self.start = date_edit()
            set_date(self.start, today)
            add_field(form, self.errors, "term_start", _tr("任期开始"), self.start, True)
            self.end = date_edit(optional=True, blank=_tr("三年"))
            add_field(form, self.errors, "term_end", _tr("任期结束"), self.end, False)
            self.minority = QCheckBox(_tr("少数民族成员"), self)
            add_field(form, self.errors, "ethnic_minority", "", self.minority, False)
        else:
            assert member is not None
            name = QLineEdit(f"{member.name}（{member.role_label}）", self)
            name.setReadOnly(True)
            add_field(form, self.errors, "member", _tr("人员"), name, False)
            if mode == "role":
                self.role = _roles(self, member.role)
                add_field(form, self.errors, "role", _tr("新职务"), self.role, True)
            self.on = date_edit()
            set_date(self.on, today)
            add_field(form, self.errors, "on", _tr("自") if mode == "role" else _tr("离任日期"), self.on, True)
            self.reason = QLineEdit(self)
            self.reason.setObjectName("reason")
            self.reason.setPlaceholderText(_tr("如：换届选举、补选、辞职"))
            add_field(form, self.errors, "reason", _tr("理由"), self.reason, True)
        self.body.addLayout(form)
        self.finish_layout(_tr("带 * 的为必填项；原任职记录保留为历任"))
        self.setMinimumWidth(460)

    def save(self) -> None:
        actor, cu = self.actor, self.committee.uuid
        if self.mode == "add":
            person, role = self.person.currentData(), self.role.currentData()
            start, end, minority = date_of(self.start), date_of(self.end), self.minority.isChecked()
            if not person:
                self.refuse("mediator_uuid", _tr("请先在调解员名册中登记此人。"))
                return
            if start is None:
                self.refuse("term_start", _tr("请填写任期开始日期。"))
                return
            self.run(
                lambda s: committee_roster.add_member(s, actor.stamped(), cu, person, role, start, end, minority),
                self.done_fn,
            )
            return
        assert self.member is not None
        uuid, on, reason = self.member.uuid, date_of(self.on), self.reason.text()
        if on is None:
            self.refuse("on", _tr("请填写日期。"))
            return
        if self.mode == "role":
            role = self.role.currentData()
            self.run(lambda s: committee_roster.change_role(s, actor.stamped(), uuid, role, on, reason), self.done_fn)
        else:
            self.run(lambda s: committee_roster.end_membership(s, actor.stamped(), uuid, on, reason), self.done_fn)
