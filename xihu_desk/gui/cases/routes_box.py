"""告知途径与转介 under a failed or ended case's result (人民调解法第26条): the routes the parties
were told of and, if they wish, a referral to legal aid or the court, printed as the 转介单
(打印 → 人民调解转介单). Saved on its own: the case is already closed."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from xihu_desk.gui import ops, theme
from xihu_desk.gui.kit import FieldErrors, code_of, error_label, fill_combo, set_code
from xihu_desk.services import codes, party_law


class RoutesBox(QGroupBox):
    def __init__(self, tab: Any) -> None:
        super().__init__(tab)
        self.tab = tab
        self.setTitle(self.tr("告知的其他途径与转介"))
        self.setObjectName("routesBox")
        lists = ops.session_read(tab.ctx, codes.items_of, "told_route", "referral_target")
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.routes: dict[str, QCheckBox] = {}
        for code, text in lists["told_route"]:
            box = QCheckBox(text)
            box.setObjectName(f"route_{code}")
            self.routes[code] = box
            row.addWidget(box)
        row.addStretch(1)
        routes = QWidget()
        routes.setLayout(row)
        self.routes_area = routes
        form.addRow(self.tr("已告知："), routes)
        self.routes_error = error_label("told_routes")
        form.addRow("", self.routes_error)
        self.referral = QComboBox()
        self.referral.setObjectName("referralTo")
        fill_combo(self.referral, lists["referral_target"], self.tr("不转介"))
        form.addRow(self.tr("转介："), self.referral)
        self.body = QLineEdit()
        self.body.setObjectName("referralBody")
        self.body.setMaxLength(80)
        self.body.setPlaceholderText(self.tr("接收机构，如杭州市西湖区法律援助中心、杭州市西湖区人民法院"))
        form.addRow(self.tr("接收机构："), self.body)
        self.body_error = error_label("referral_body")
        form.addRow("", self.body_error)
        self.note = QPlainTextEdit()
        self.note.setObjectName("referralNote")
        self.note.setPlaceholderText(self.tr("转介事由（印在转介单上）"))
        self.note.setMaximumHeight(self.fontMetrics().height() * 4)
        form.addRow(self.tr("转介事由："), self.note)
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline"), self.tr("保存告知途径与转介"))
        self.save_button.setObjectName("saveRoutes")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
        self.errors = FieldErrors()
        self.errors.add("told_routes", routes, self.routes_error)
        self.errors.add("referral_body", self.body, self.body_error)
        self.referral.currentIndexChanged.connect(self._referral_changed)
        self.setVisible(False)

    def _referral_changed(self) -> None:
        on = bool(code_of(self.referral))
        self.body.setEnabled(on)
        self.note.setEnabled(on)

    def load(self, detail: dict[str, Any] | None, editable: bool) -> None:
        """Shown once the case ended without agreement; editable while it is closed (not filed)."""
        failed = detail is not None and detail.get("outcome") in ("failed", "terminated")
        self.setVisible(failed)
        if not failed or detail is None:
            return
        told = set(detail.get("told_route_codes") or [])
        for code, box in self.routes.items():
            box.setChecked(code in told)
            box.setEnabled(editable)
        r = detail.get("referral") or {}
        set_code(self.referral, r.get("to", ""))
        self.body.setText(r.get("body", ""))
        self.note.setPlainText(r.get("note", ""))
        self.referral.setEnabled(editable)
        self.body.setReadOnly(not editable)
        self.note.setReadOnly(not editable)
        self.save_button.setVisible(editable)
        self.routes_error.setVisible(False)
        self.body_error.setVisible(False)
        self._referral_changed()

    def save(self) -> None:
        dialog, actor, uuid = self.tab.dialog, self.tab.actor, self.tab.dialog.case_uuid
        told = [code for code, box in self.routes.items() if box.isChecked()]
        to, body, note = code_of(self.referral), self.body.text(), self.note.toPlainText()
        work = lambda s: party_law.record_routes(s, actor, uuid, told, to, body, note)  # noqa: E731
        done = self.tr("已登记告知途径和转介，可在“打印”中打印转介单。") if to else self.tr("已登记告知的其他途径。")
        dialog.run(self.tab, work, done, on_refused=self._refused)

    def _refused(self, field: str | None, message: str) -> None:
        if field in ("told_routes", "referral_body"):
            self.errors.show(field, message)
