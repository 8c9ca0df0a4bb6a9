"""The case form: one window per case, a tab for each stage from 受理 to 立卷归档.

Every save is one unit of work on the runner. Afterwards the form reads the case again
(case_detail) and fills the tabs, except that a tab the user has typed in and not saved keeps what
was typed. A refused save changes nothing on screen: the message appears under the field the
service named, in the bar at the bottom, and as a message box.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.errors import FieldError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, prefs, screenfit, theme
from xihu_desk.gui.kit import submit
from xihu_desk.gui.cases.filing import AttachmentsTab, FilingTab
from xihu_desk.gui.cases.followup import FollowUpTab
from xihu_desk.gui.cases.intake import IntakeTab
from xihu_desk.gui.cases.lifecycle import lifecycle_menu  # 案件处理
from xihu_desk.gui.cases.outcome import OutcomeTab
from xihu_desk.gui.cases.parties import PartiesTab
from xihu_desk.gui.cases.process import ProcessTab
from xihu_desk.gui.cases.tab import OPEN, CaseTab
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.documents import print_menu  # 打印 (gui/documents.py)
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import case_queries, cases, edit_conflicts, node
from xihu_desk.services.context import Actor

GEOMETRY_KEY = "cases/dialog"


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseDialog", text)


def next_step(d: dict[str, Any]) -> str:
    """What the case waits for, in a few words (the list's summary and the form's header)."""
    status = d["status"]
    moving = d.get("transfer")
    if moving and moving["direction"] == "out":  # 移送: frozen, or a read-only copy (gui/cases/transfer.py)
        from xihu_desk.gui.cases.transfer import banner_text

        return banner_text(moving)
    if moving and moving.get("needs_mediators"):  # 移送来的: the sending office's mediators stayed there
        return _tr("移送来的案件，请指定本所调解员（在“受理信息”中勾选并保存）。")
    returned = d.get("returned_for_correction") or []
    if returned:  # 退回补正 comes first, in any state
        return _tr("区局退回补正：{c}。请在“案件处理 → 更正…”中改正，改正后随下一个数据包报送。").format(
            c="；".join(r["comment"] for r in returned)
        )
    if status == "filed":
        return _tr("已立卷归档。")
    if status == "void":
        return _tr("已作废：{r}").format(r=(d.get("void") or {}).get("reason", ""))
    if status in OPEN:
        if not d["notice_given_on"]:
            step = _tr("登记权利义务告知（调解过程）")
        elif not any(r["kind"] == "mediation" for r in d["records"]):
            step = _tr("登记调解记录（调解过程）")
        else:
            step = _tr("登记调解结果（调解结果）")
        return step + (_tr("；调解期限已过，如需继续请经双方同意延长") if d["overdue"] else "")
    if d["followup_due"]:
        return _tr("回访当事人，了解协议履行情况（应于 {d} 前）").format(d=d["followup_due"])
    missing = d["filing"]["missing"]
    if missing:
        return _tr("补齐卷宗材料：{m}").format(m="、".join(missing))
    return _tr("立卷归档（结案归档）")


class CaseDialog(QDialog):
    saved = Signal(str)  # case uuid, after any save: the list reads again
    open_other = Signal(str)  # another case to open (an earlier case of the same party)

    def __init__(self, ctx: AppContext, actor: Actor, case_uuid: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.case_uuid = ctx, actor, case_uuid
        self.detail: dict[str, Any] | None = None
        # The case version that 受理信息 and 当事人 as shown rest on: handed back with their save, so
        # a save over another desk's change is refused (services/edit_conflicts.py)
        self.intake_version: int | None = None
        self.busy = False
        self.setObjectName("caseDialog")
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.WindowMinMaxButtonsHint)
        self.setWindowIcon(theme.icon("mdi6.folder-account-outline", theme.ACCENT))
        self.node_id = ops.session_read(ctx, node.node_info).node_id

        self.title_label = label("", "subtitle")
        self.title_label.setObjectName("caseTitle")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts_label = label("", "muted", wrap=True)
        self.facts_label.setObjectName("caseFacts")
        self.next_label = label("", wrap=True)
        self.next_label.setObjectName("caseNext")

        self.intake = IntakeTab(self)
        self.parties = PartiesTab(self)
        self.process = ProcessTab(self)
        self.outcome = OutcomeTab(self)
        self.followup = FollowUpTab(self)
        self.filing = FilingTab(self)
        self.attachments = AttachmentsTab(self)
        self.tab_list: list[CaseTab] = [
            self.intake,
            self.parties,
            self.process,
            self.outcome,
            self.followup,
            self.filing,
            self.attachments,
        ]
        self.tab_titles = [
            self.tr("受理信息"),
            self.tr("当事人"),
            self.tr("调解过程"),
            self.tr("调解结果"),
            self.tr("回访与司法确认"),
            self.tr("结案归档"),
            self.tr("附件"),
        ]
        icons = (
            "mdi6.clipboard-text-outline",
            "mdi6.account-multiple-outline",
            "mdi6.forum-outline",
            "mdi6.handshake-outline",
            "mdi6.phone-return-outline",
            "mdi6.archive-outline",
            "mdi6.paperclip",
        )
        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        self.tabs.setDocumentMode(False)
        # Each tab scrolls on its own, so the window fits 1366×768 at any text size.
        self.scrolls: dict[CaseTab, QScrollArea] = {}
        for tab, title, icon in zip(self.tab_list, self.tab_titles, icons, strict=True):
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(tab)
            self.scrolls[tab] = scroll
            self.tabs.addTab(scroll, theme.icon(icon), title)
        self.tabs.currentChanged.connect(lambda _i: self.update_buttons())

        self.message_label = label("", wrap=True)
        self.message_label.setObjectName("saveMessage")
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline", "#ffffff"), self.tr("保存"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("kind", "primary")
        self.save_button.setToolTip(self.tr("保存当前页（Ctrl+S）"))
        self.save_button.clicked.connect(self.save_current)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setObjectName("closeButton")
        self.close_button.setToolTip(self.tr("关闭（Esc）"))
        self.close_button.clicked.connect(self.reject)
        # -- 打印: the documents of this case, once it has been saved (xihu_desk/gui/documents.py) --
        self.print_button = QPushButton(theme.icon("mdi6.printer-outline"), self.tr("打印"))
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip(self.tr("打印本案的文书或整本卷宗（Ctrl+P）"))
        self.print_button.setMenu(
            print_menu(
                self.ctx,
                self.actor,
                self,
                lambda: self.case_uuid,
                draft_agreement=self.outcome.draft_agreement,  # 打印草稿
                save_draft=self.outcome.save_draft,
            )
        )
        self.print_button.setEnabled(self.case_uuid is not None)
        # -- end 打印 --
        # -- 案件处理: 更正, 重新调解, 作废, 由此新立案件 (gui/cases/lifecycle.py) --
        self.lifecycle_button = QPushButton(theme.icon("mdi6.file-document-edit-outline"), self.tr("案件处理"))
        self.lifecycle_button.setObjectName("lifecycleButton")
        self.lifecycle_button.setToolTip(self.tr("更正已结案的案件、重新调解、作废，或由此新立案件"))
        self.lifecycle_button.setMenu(
            lifecycle_menu(self.ctx, self.actor, self, lambda: self.case_uuid, self.lifecycle_done)
        )
        self.lifecycle_button.setEnabled(self.case_uuid is not None)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_current)
        QShortcut(QKeySequence.StandardKey.Print, self, self.open_print_menu)  # Ctrl+P

        head = QVBoxLayout()
        head.setSpacing(2)
        head.addWidget(self.title_label)
        head.addWidget(self.facts_label)
        head.addWidget(self.next_label)
        footer = QHBoxLayout()
        footer.addWidget(label(self.tr("带 * 的为必填项"), "muted"))
        footer.addSpacing(12)
        footer.addWidget(self.message_label, 1)
        footer.addWidget(self.lifecycle_button)  # 案件处理
        footer.addWidget(self.print_button)  # 打印
        footer.addWidget(self.save_button)
        footer.addWidget(self.close_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 10)
        box.setSpacing(8)
        box.addLayout(head)
        box.addWidget(self.tabs, 1)
        box.addLayout(footer)
        # Enter in a field must never press a button (立卷归档, 删除当事人…): saving is Ctrl+S or a click.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)

        # about 1200 × 720 at 100 % text, wider with the text, never beyond the screen (screenfit)
        screenfit.fit(self, 92, 48, restored=prefs.restore_geometry(GEOMETRY_KEY, self))
        self.reload()
        self.tabs.setCurrentIndex(0)

    # -- reading ------------------------------------------------------------------------------------

    def reload(self, saved: tuple[CaseTab, ...] = ()) -> None:
        """Read the case again and fill the tabs; tabs with unsaved typing keep it unless just saved."""
        detail = edit = None
        if self.case_uuid:
            detail = ops.read(self.ctx, self.actor, case_queries.case_detail, self.case_uuid)
            if self.actor.can(Perm.EDIT_CASES):
                edit = ops.read(self.ctx, self.actor, case_queries.case_for_edit, self.case_uuid)
        self.detail = detail
        kept = any(t.dirty and t not in saved for t in (self.intake, self.parties))
        if detail is None or not kept:  # refilled now; typing kept stays on the version it was typed over
            self.intake_version = detail["version"] if detail else None
        for tab in self.tab_list:
            tab.load(detail, edit, keep_typing=tab not in saved)
        for i in range(2, len(self.tab_list)):
            self.tabs.setTabEnabled(i, detail is not None)
            self.tabs.setTabToolTip(i, "" if detail else self.tr("保存受理信息和当事人后可用"))
        self._fill_header(detail)
        self.update_buttons()

    def _fill_header(self, d: dict[str, Any] | None) -> None:
        if d is None:
            self.setWindowTitle(self.tr("新建案件 — 受理登记"))
            self.title_label.setText(self.tr("新建案件（受理登记）"))
            self.facts_label.setText(self.tr("填写受理信息和当事人，保存后自动编号（按调委会和年度连续编号）。"))
            self.next_label.setText("")
            self.next_label.hide()
            return
        self.next_label.show()
        self.setWindowTitle(f"{d['case_no']} — {d['title']}")
        self.title_label.setText(f"{d['case_no']}　{d['title']}")
        if d["status"] in OPEN:
            due = self.tr("期限 {due}").format(due=d["due_on"]) + (self.tr("（已超期）") if d["overdue"] else "")
        else:
            due = self.tr("结案 {on}").format(on=d["closed_on"] or "—")
        leads = "、".join(m["name"] + (self.tr("（主持）") if m["lead"] else "") for m in d["mediator_assignments"])
        self.facts_label.setText(
            self.tr("{status}{outcome} · {committee} · 受理 {accepted} · {due} · 调解员：{m}").format(
                status=d["status_label"] + (self.tr("（简易程序）") if d["procedure"] == "simple" else ""),
                outcome=f"（{d['outcome_label']}）" if d["outcome_label"] else "",
                committee=d["committee"],
                accepted=d["accepted_on"],
                due=due,
                m=leads or self.tr("未指定"),
            )
        )
        moving = d.get("transfer")
        frozen = bool(moving and moving["direction"] == "out")  # 移送: said by next_step itself
        read_only = not self.actor.can(Perm.EDIT_CASES) or d["owner_node"] != self.node_id
        note = (
            self.tr("（只读：{why}）").format(
                why=self.tr("本单位只能查看") if self.actor.can(Perm.EDIT_CASES) else self.tr("当前角色不能修改案件")
            )
            if read_only and not frozen
            else ""
        )
        if moving and moving["direction"] == "in":
            from xihu_desk.gui.cases.transfer import banner_text

            note += " " + banner_text(moving)
        show_state(self.next_label, "error" if d["overdue"] else "hint", self.tr("下一步：") + next_step(d) + note)

    # -- tabs and buttons ---------------------------------------------------------------------------

    def show_tab(self, tab: CaseTab) -> None:
        self.tabs.setCurrentIndex(self.tab_list.index(tab))

    def current_tab(self) -> CaseTab:
        return self.tab_list[self.tabs.currentIndex()]

    def scroll_to(self, tab: CaseTab, widget: QWidget | None) -> None:
        if widget is not None:
            self.scrolls[tab].ensureWidgetVisible(widget)

    def saved_uuid(self) -> str:
        """The case's uuid: the tabs' actions that need it are enabled only once the case is saved."""
        if self.case_uuid is None:
            raise RuntimeError("the case is not saved yet")
        return self.case_uuid

    def any_dirty(self) -> bool:
        return any(t.dirty for t in self.tab_list)

    def update_buttons(self) -> None:
        if not hasattr(self, "tabs"):
            return  # a tab reports a change while the form is still being built
        tab = self.current_tab()
        self.save_button.setText(tab.save_text or self.tr("保存"))
        self.save_button.setVisible(bool(tab.save_text))
        self.save_button.setEnabled(tab.can_save() and not self.busy)
        if hasattr(self, "print_button"):  # 打印: a new case prints once it is saved
            self.print_button.setEnabled(self.case_uuid is not None and not self.busy)
        if hasattr(self, "lifecycle_button"):  # 案件处理
            self.lifecycle_button.setEnabled(self.case_uuid is not None and not self.busy)
        for i, t in enumerate(self.tab_list):
            self.tabs.setTabText(i, self.tab_titles[i] + (" *" if t.dirty else ""))

    def accepted_on(self) -> date:
        return self.intake.accepted()

    # -- saving -------------------------------------------------------------------------------------

    def open_print_menu(self) -> None:
        """Ctrl+P: the 打印 menu under its button (once the case is saved)."""
        if self.print_button.isEnabled() and self.print_button.menu() is not None:
            self.print_button.menu().popup(self.print_button.mapToGlobal(self.print_button.rect().bottomLeft()))

    def lifecycle_done(self, message: str, result: Any) -> None:
        """After 更正 / 重新调解 / 作废 / 新立: read the case again; a new linked case opens."""
        self.after_save((), message)
        if isinstance(result, cases.CaseRef):
            self.open_other.emit(result.uuid)

    def save_current(self) -> None:
        tab = self.current_tab()
        if tab.can_save() and not self.busy:
            tab.save()

    def save_intake(self) -> None:
        """受理信息 and 当事人 are saved together (open_case / update_intake take both)."""
        if self.busy:
            return
        for tab in (self.intake, self.parties):
            tab.errors.clear()
        try:
            values = self.intake.command_values()
        except FieldError as exc:
            self.refused(self.intake, exc.field, exc.message)
            return
        if not self.parties.prevalidate(values["accepted_on"] or clock.local_today()):
            return
        cmd = cases.IntakeCommand(parties=self.parties.inputs(), **values)
        actor, uuid, loaded = self.actor, self.case_uuid, self.intake_version
        if uuid is None:
            work: Callable[[Any], Any] = lambda s: cases.open_case(s, actor, cmd)  # noqa: E731
        else:
            work = lambda s: cases.update_intake(s, actor, uuid, cmd, loaded_version=loaded)  # noqa: E731

        def opened(ref: cases.CaseRef) -> None:
            new = self.case_uuid is None
            self.case_uuid = ref.uuid
            if new:
                self.intake.remember_committee()
            done = (
                self.tr("已受理，案件编号 {no}。").format(no=ref.case_no)
                if new
                else self.tr("已保存受理信息和当事人。")
            )
            self.after_save((self.intake, self.parties), done)

        self._start(self.intake if self.current_tab() is not self.parties else self.parties, work, opened, None)

    def run(
        self,
        tab: CaseTab,
        work: Callable[[Any], Any],
        message: str,
        *,
        on_refused: Callable[[str | None, str], None] | None = None,
        label: str = "",
        then: Callable[[], None] | None = None,
    ) -> None:
        """Save ``tab``'s part of the case: one unit of work, then read the case again (and ``then``)."""

        def ok(_result: Any) -> None:
            self.after_save((tab,), message)
            if then is not None:
                then()

        self._start(tab, work, ok, on_refused, label)

    def _start(
        self,
        tab: CaseTab,
        work: Callable[[Any], Any],
        on_ok: Callable[[Any], None],
        on_refused: Callable[[str | None, str], None] | None,
        label: str = "",
    ) -> None:
        if self.busy:
            return
        self.busy = True
        self.update_buttons()
        uuid, seen, said = self.case_uuid, {}, {}

        def tracked(session: Any) -> Any:
            """``work``, noting the case's version just before and after it (in the same unit, under
            the writer lock): a save of this form moves 受理信息's version along only when nobody
            else changed the case since, and a refused save on an older version tells the current one."""
            seen["before"] = edit_conflicts.case_version(session, uuid)
            try:
                result = work(session)
            except edit_conflicts.EditConflict as exc:
                seen["conflict"], said["conflict"] = exc.current_version, exc.editor_message
                raise
            seen["after"] = edit_conflicts.case_version(session, uuid)
            return result

        def ok(result: Any) -> None:
            self.busy = False
            if seen.get("before") is not None and seen["before"] == self.intake_version:
                self.intake_version = seen["after"]
            on_ok(result)

        def refused(field: str | None, message: str) -> None:
            self.busy = False
            if "conflict" in seen:  # what was typed stays; saving it again applies it over the current version
                self.intake_version, message = seen["conflict"], said["conflict"]
            self.update_buttons()
            if on_refused is not None:
                on_refused(field, message)
            self.refused(tab, field, message)

        submit(self.ctx, self, tracked, ok, refused, label or self.tr("正在保存…"))

    def after_save(self, saved: tuple[CaseTab, ...], message: str) -> None:
        self.reload(saved)
        show_state(
            self.message_label, "ok", self.tr("✓ {m}（{t}）").format(m=message, t=clock.local_now().strftime("%H:%M"))
        )
        if self.case_uuid:
            self.saved.emit(self.case_uuid)

    def refused(self, tab: CaseTab | None, field: str | None, message: str) -> None:
        """Nothing typed is touched: the message goes under its field (on whichever tab has it),
        the bar at the bottom says the save did not happen; a message box only when no field
        can show it (one message, where the user must act)."""
        shown = tab.show_error(field, message) if tab is not None else False
        if not shown and field:
            shown = any(other.show_error(field, message) for other in self.tab_list if other is not tab)
        if shown:
            show_state(self.message_label, "error", self.tr("未保存：请按标红的提示修改后再保存。"))
            return
        show_state(self.message_label, "error", self.tr("未保存：{m}").format(m=message))
        messages.error(self, message)

    # -- closing ------------------------------------------------------------------------------------

    def reject(self) -> None:
        if self.busy:
            messages.warning(self, self.tr("正在保存，请稍候再关闭。"))
            return
        dirty = [self.tab_titles[i] for i, t in enumerate(self.tab_list) if t.dirty]
        if dirty and not messages.confirm(
            self,
            self.tr("“{tabs}”有未保存的修改，关闭后将丢失。确定关闭吗？").format(tabs="、".join(dirty)),
            self.tr("未保存的修改"),
        ):
            return
        prefs.save_geometry(GEOMETRY_KEY, self)
        super().reject()
