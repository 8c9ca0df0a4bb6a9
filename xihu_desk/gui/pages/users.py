"""用户管理: the account list, the user form (forms/user_dialog.ui), password reset and unlock.

Only administrators see this tab; the services check Perm.MANAGE_USERS again on every call.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.roles import PERM_LABELS, PERMISSIONS, ROLE_LABELS, Role
from xihu_desk.gui import ops, prefs, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.fmt import local_time
from xihu_desk.gui.forms import child, load_form
from xihu_desk.gui.widgets import PasswordCheck, label, show_state
from xihu_desk.services import committees, mediators, settings, users
from xihu_desk.services.context import Actor

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def role_rights(role: Role) -> str:
    return "、".join(PERM_LABELS[p] for p in PERM_LABELS if p in PERMISSIONS[role])


class UsersModel(QAbstractTableModel):
    """All accounts of the node: a short list, read whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[users.UserRow] = []
        self.headers = [
            self.tr("用户名"),
            self.tr("姓名"),
            self.tr("角色"),
            self.tr("状态"),
            self.tr("最近登录"),
            self.tr("名册中的本人"),
        ]

    def set_rows(self, rows: list[users.UserRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def status(self, row: users.UserRow) -> str:
        if not row.active:
            return self.tr("已停用")
        return self.tr("已锁定") if row.locked else self.tr("正常")

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.username,
                row.display_name,
                row.role_label,
                self.status(row),
                local_time(row.last_login_at),
                row.mediator_name,
            )[index.column()]
        if role == ID_ROLE:
            return row.uuid
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 3:
            if not row.active:
                return theme.icon("mdi6.account-cancel-outline", theme.MUTED)
            if row.locked:
                return theme.icon("mdi6.lock-outline", theme.DANGER)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class UserDialog(QDialog):
    """New user, or change an existing one (then without the password fields)."""

    saved = Signal(object)  # UserRow

    def __init__(
        self, ctx: AppContext, actor: Actor, row: users.UserRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.row = ctx, actor, row
        self.setWindowTitle(self.tr("新建用户") if row is None else self.tr("修改用户"))
        self.form = load_form("user_dialog", self)
        QVBoxLayout(self).addWidget(self.form)
        self.username = child(self.form, QLineEdit, "username")
        self.username_hint = child(self.form, QLabel, "usernameHint")
        self.display_name = child(self.form, QLineEdit, "displayName")
        self.role = child(self.form, QComboBox, "role")
        self.role_hint = child(self.form, QLabel, "roleHint")
        self.committee = child(self.form, QComboBox, "committee")
        self.active = child(self.form, QCheckBox, "active")
        self.password = child(self.form, QLineEdit, "password")
        self.confirm = child(self.form, QLineEdit, "confirm")
        self.error_label = child(self.form, QLabel, "errorLabel")
        self.save_button = child(self.form, QPushButton, "saveButton")
        child(self.form, QPushButton, "cancelButton").clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        for value, text in ROLE_LABELS.items():
            self.role.addItem(text, value.value)
        self.role.currentIndexChanged.connect(self._role_changed)
        self.committee.addItem(self.tr("（不指定）"), None)
        for c in ops.session_read(ctx, committees.list_committees):
            self.committee.addItem(c.name, c.uuid)
        self._add_roster_row(ctx)
        min_length = ops.session_read(ctx, settings.get, "password_min_length")
        self.check = PasswordCheck(
            self.password,
            self.confirm,
            child(self.form, QLabel, "passwordHint"),
            child(self.form, QLabel, "matchHint"),
            username=self.username.text,
            min_length=min_length,
            parent=self,
        )
        self.check.changed.connect(self._update_save)
        self.username.textChanged.connect(self._username_changed)
        self.display_name.textChanged.connect(self._update_save)
        if row is None:
            self.role.setCurrentIndex(self.role.findData(Role.MEDIATOR.value))
        else:
            self._fill(row)
        self._role_changed()
        self._username_changed()
        self.setMinimumWidth(520)

    def _fill(self, row: users.UserRow) -> None:
        self.username.setText(row.username)
        self.username.setReadOnly(True)  # the audit log and bundles refer to it
        self.display_name.setText(row.display_name)
        self.role.setCurrentIndex(self.role.findData(row.role))
        self.active.setChecked(row.active)
        committee_uuid = ops.read(self.ctx, self.actor, users.user_committee, row.uuid)
        self.committee.setCurrentIndex(max(self.committee.findData(committee_uuid), 0))
        self.roster.setCurrentIndex(max(self.roster.findData(row.mediator_uuid), 0))
        fields = child(self.form, QFormLayout, "fieldsLayout")
        for name in ("password", "passwordHint", "confirm", "matchHint"):
            fields.setRowVisible(child(self.form, QWidget, name), False)

    def _add_roster_row(self, ctx: AppContext) -> None:
        """Accounts are people on the roster: a mediator's account names its roster entry, so the
        home page shows 我的案件 and a new case starts with this mediator and committee."""
        self.roster = QComboBox(self.form)
        self.roster.setObjectName("roster")
        self.roster.addItem(self.tr("（不是名册中的调解员）"), None)
        self._roster_committees: dict[str, str] = {}
        for m in ops.session_read(ctx, mediators.list_mediators):
            self.roster.addItem(f"{m.name}（{m.committee}）", m.uuid)
            self._roster_committees[m.uuid] = m.committee_uuid
        fields = child(self.form, QFormLayout, "fieldsLayout")
        position: Any = fields.getWidgetPosition(self.committee)  # (row, role); PySide's stub says object
        row, _role = position
        fields.insertRow(row + 1, label(self.tr("名册中的本人")), self.roster)
        self.roster.currentIndexChanged.connect(self._roster_changed)

    def _roster_changed(self) -> None:
        """The committee follows the roster entry's unless one was chosen."""
        uuid = self.roster.currentData()
        if uuid and self.committee.currentData() is None:
            self.committee.setCurrentIndex(max(self.committee.findData(self._roster_committees.get(uuid)), 0))

    def _role_changed(self) -> None:
        role = Role(self.role.currentData())
        show_state(self.role_hint, "hint", self.tr("可以：{rights}").format(rights=role_rights(role)))

    def _username_changed(self) -> None:
        name = self.username.text().strip()
        if self.row is None and self.username.text() and (len(name) < 2 or any(c.isspace() for c in name)):
            show_state(self.username_hint, "error", self.tr("用户名须为 2–40 个字符，且不含空格。"))
        elif self.row is None:
            show_state(self.username_hint, "hint", self.tr("登录时使用，保存后不能更改。"))
        else:
            show_state(self.username_hint, "hint", self.tr("用户名不能更改。"))
        self.check.revalidate()
        self._update_save()

    def is_complete(self) -> bool:
        name = self.username.text().strip()
        filled = len(name) >= 2 and not any(c.isspace() for c in name) and bool(self.display_name.text().strip())
        return filled and (self.row is not None or self.check.is_valid())

    def _update_save(self) -> None:
        self.save_button.setEnabled(self.is_complete() and not self.ctx.runner.busy())

    def command(self) -> users.UserCommand:
        return users.UserCommand(
            username=self.username.text().strip(),
            display_name=self.display_name.text().strip(),
            role=self.role.currentData(),
            password=self.password.text() if self.row is None else "",
            active=self.active.isChecked(),
            committee_uuid=self.committee.currentData(),
            mediator_uuid=self.roster.currentData(),
        )

    def save(self) -> None:
        if not self.is_complete() or self.ctx.runner.busy():
            return
        cmd, row = self.command(), self.row
        self.save_button.setEnabled(False)
        self.error_label.setText("")
        if row is None:
            ops.write(
                self.ctx, self.actor, users.create_user, cmd, parent=self, on_ok=self._saved, on_error=self._failed
            )
        else:
            ops.write(
                self.ctx,
                self.actor,
                users.update_user,
                row.uuid,
                cmd,
                parent=self,
                on_ok=self._saved,
                on_error=self._failed,
            )

    def _saved(self, row: users.UserRow) -> None:
        self.accept()
        self.saved.emit(row)

    def _failed(self, message: str) -> None:
        self.error_label.setText(message)  # the form keeps everything typed
        self._update_save()


class PasswordDialog(QDialog):
    """An administrator sets someone's new password, or a user changes their own (with the old one)."""

    saved = Signal()

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        user_uuid: str,
        username: str,
        display_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.user_uuid = ctx, actor, user_uuid
        self.own = user_uuid == actor.user_uuid
        box = QVBoxLayout(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.old_password = QLineEdit()
        self.old_password.setObjectName("oldPassword")
        self.old_password.setEchoMode(QLineEdit.EchoMode.Password)
        if self.own:
            self.setWindowTitle(self.tr("修改我的密码"))
            box.addWidget(label(self.tr("请输入原密码，再设置新密码。"), wrap=True))
            form.addRow(self.tr("原密码：*"), self.old_password)
        else:
            self.setWindowTitle(self.tr("重设密码"))
            box.addWidget(
                label(
                    self.tr(
                        "为 {name}（{username}）设置新密码。设置后该账户的锁定同时解除；"
                        "请当面告知本人，并提醒其尽快自行修改。"
                    ).format(name=display_name, username=username),
                    wrap=True,
                )
            )
        self.password, self.confirm = QLineEdit(), QLineEdit()
        self.password.setObjectName("newPassword")
        self.confirm.setObjectName("confirmPassword")
        hint, match = label(wrap=True), label(wrap=True)
        form.addRow(self.tr("新密码：*"), self.password)
        form.addRow("", hint)
        form.addRow(self.tr("确认密码：*"), self.confirm)
        form.addRow("", match)
        box.addLayout(form)
        self.error_label = label(wrap=True)
        self.error_label.setProperty("state", "error")
        box.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(self.tr("取消"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setProperty("kind", "primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        box.addLayout(buttons)
        min_length = ops.session_read(ctx, settings.get, "password_min_length")
        self.check = PasswordCheck(
            self.password, self.confirm, hint, match, username=lambda: username, min_length=min_length, parent=self
        )
        self.check.changed.connect(self.save_button.setEnabled)
        self.save_button.setEnabled(False)
        self.setMinimumWidth(460)

    def save(self) -> None:
        if not self.check.is_valid() or self.ctx.runner.busy():
            return
        old = self.old_password.text() if self.own else None
        self.save_button.setEnabled(False)
        ops.write(
            self.ctx,
            self.actor,
            users.set_password,
            self.user_uuid,
            self.password.text(),
            old,
            parent=self,
            on_ok=self._saved,
            on_error=self._failed,
        )

    def _saved(self, _result: None) -> None:
        self.accept()
        self.saved.emit()

    def _failed(self, message: str) -> None:
        self.error_label.setText(message)
        self.save_button.setEnabled(self.check.is_valid())


class UsersTab(QWidget):
    changed = Signal(str)  # a line for the status bar

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.dialog: QDialog | None = None  # the open form; tests drive it
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 12, 12, 12)
        bar = QHBoxLayout()
        self.new_button = QPushButton(theme.icon("mdi6.account-plus-outline"), self.tr("新建用户"))
        self.new_button.setShortcut(QKeySequence.StandardKey.New)
        self.new_button.setToolTip(self.tr("新建用户（Ctrl+N）"))
        self.edit_button = QPushButton(theme.icon("mdi6.account-edit-outline"), self.tr("修改"))
        self.password_button = QPushButton(theme.icon("mdi6.key-outline"), self.tr("重设密码"))
        self.unlock_button = QPushButton(theme.icon("mdi6.lock-open-variant-outline"), self.tr("解除锁定"))
        for button in (self.new_button, self.edit_button, self.password_button, self.unlock_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.active_only = QCheckBox(self.tr("仅显示在用账户"))
        self.active_only.setObjectName("activeOnly")
        self.active_only.toggled.connect(lambda _on: self.refresh())
        bar.addWidget(self.active_only)
        box.addLayout(bar)
        self.model = UsersModel(self)
        self.view = QTableView()
        self.view.setObjectName("usersView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((140, 140, 100, 100)):
            self.view.setColumnWidth(column, width)
        prefs.restore_state("users/header", self.view.horizontalHeader())
        self.view.horizontalHeader().sectionResized.connect(
            lambda *_: prefs.save_state("users/header", self.view.horizontalHeader())
        )
        box.addWidget(self.view, 1)
        self.new_button.clicked.connect(self.new_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.password_button.clicked.connect(self.reset_password)
        self.unlock_button.clicked.connect(self.unlock)
        self.view.activated.connect(lambda _index: self.edit_user())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self, select_uuid: str | None = None) -> None:
        current = self.selected()
        select_uuid = select_uuid or (current.uuid if current else None)
        rows = ops.read(self.ctx, self.actor, users.list_users)
        if self.active_only.isChecked():
            rows = [r for r in rows if r.active]
        self.model.set_rows(rows)
        for i, row in enumerate(rows):
            if row.uuid == select_uuid:
                self.view.selectRow(i)
        self._update_buttons()

    def show_list(self, active_only: bool) -> None:
        """The accounts in use only (the home page's 在用账户), or every account."""
        self.active_only.setChecked(active_only)
        self.refresh()

    def selected(self) -> users.UserRow | None:
        indexes = self.view.selectionModel().selectedRows()
        return self.model.rows[indexes[0].row()] if indexes else None

    def _update_buttons(self) -> None:
        row = self.selected()
        for button in (self.edit_button, self.password_button):
            button.setEnabled(row is not None)
        self.unlock_button.setEnabled(row is not None and row.locked)

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()

    def new_user(self) -> None:
        dialog = UserDialog(self.ctx, self.actor, parent=self)
        dialog.saved.connect(lambda row: self._saved(row, self.tr("已新建用户 {u}").format(u=row.username)))
        self._open(dialog)

    def edit_user(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = UserDialog(self.ctx, self.actor, row, parent=self)
        dialog.saved.connect(lambda saved: self._saved(saved, self.tr("已保存用户 {u}").format(u=saved.username)))
        self._open(dialog)

    def reset_password(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = PasswordDialog(self.ctx, self.actor, row.uuid, row.username, row.display_name, parent=self)
        dialog.saved.connect(lambda: self._saved(row, self.tr("已为 {u} 重设密码").format(u=row.username)))
        self._open(dialog)

    def unlock(self) -> None:
        row = self.selected()
        if row is None:
            return
        ops.write(
            self.ctx,
            self.actor,
            users.unlock,
            row.uuid,
            parent=self,
            on_ok=lambda _r: self._saved(row, self.tr("已解除 {u} 的锁定").format(u=row.username)),
        )

    def _saved(self, row: users.UserRow, note: str) -> None:
        self.refresh(row.uuid)
        self.changed.emit(note)  # a routine success goes to the status bar, not a box
