"""What every tab of the case form has: its field messages, whether the user changed something,
and how it fills itself from case_detail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from xihu_desk.domain.cases import Status
from xihu_desk.domain.roles import Perm
from xihu_desk.gui.kit import DirtyWatch, FieldErrors, Loading
from xihu_desk.services.case_queries import CaseForEdit

if TYPE_CHECKING:
    from xihu_desk.gui.cases.form import CaseDialog

OPEN = (Status.ACCEPTED.value, Status.MEDIATING.value)


class CaseTab(QWidget):
    """``save_text`` names what Ctrl+S does on this tab ("" when the tab has nothing to save)."""

    save_text = ""

    def __init__(self, dialog: CaseDialog) -> None:
        super().__init__()
        self.dialog = dialog
        self.ctx, self.actor = dialog.ctx, dialog.actor
        self.errors = FieldErrors()
        self.watch = DirtyWatch([])
        self.editable = False

    # -- state --------------------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.watch.dirty

    def loading(self) -> Loading:
        return Loading(self.watch)

    def watch_inputs(self, widgets: list[QWidget]) -> None:
        self.watch = DirtyWatch(widgets, self.dialog.update_buttons)

    def can_edit_case(self, detail: dict[str, Any] | None, *, after_closing: bool = False) -> bool:
        """May this user change this part of this case now (the services check it again)?"""
        if not self.actor.can(Perm.EDIT_CASES):
            return False
        if detail is None:
            return True  # a new case
        if detail["owner_node"] != self.dialog.node_id:
            return False
        moving = detail.get("transfer")
        if moving and moving["direction"] == "out" and moving["status"] == "pending":
            return False  # 移送 asked for: frozen until the district answers
        if detail["status"] in (Status.FILED.value, Status.VOID.value):
            return False
        # a case imported from an old ledger came in closed: it is completed until filed
        return after_closing or detail["status"] in OPEN or bool(detail.get("imported"))

    def can_save(self) -> bool:
        return bool(self.save_text) and self.editable

    # -- to override ---------------------------------------------------------------------------------

    def load(self, detail: dict[str, Any] | None, edit: CaseForEdit | None, keep_typing: bool) -> None:
        """Fill from the case. With ``keep_typing`` a tab the user has changed keeps its fields
        (only what it shows read-only is brought up to date)."""

    def save(self) -> None:
        pass

    def show_error(self, field: str | None, message: str) -> bool:
        """The message under its field, with the tab shown and the field scrolled into view."""
        if field is None or not self.errors.show(field, message):
            return False
        self.dialog.scroll_to(self, self.errors.widget(field))
        return True
