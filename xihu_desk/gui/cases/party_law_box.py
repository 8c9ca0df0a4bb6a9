"""The parts of a party the law asks for beyond the paper form (issue 14): the legal
representative's relation, ID number and telephone (the name is the form's 法定代理人 field), the
16–17 own-income tick with its reason, the 送达地址 and the special-group tags, with 未成年人 and
老年人 suggested from the age on the accepted date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGridLayout, QGroupBox, QLabel, QLineEdit, QWidget

from xihu_desk.domain.parties import PartyInput, suggested_tags, tag_codes
from xihu_desk.gui.kit import FieldErrors, error_label
from xihu_desk.gui.widgets import label, show_state

TAG_COLUMNS = 4


class PartyLawBox(QGroupBox):
    def __init__(self, tags: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("法定代理人、送达与特殊群体"))
        self.setObjectName("partyLawBox")
        form = QFormLayout(self)
        self.rep_relation = self._line("repRelation", 20, self.tr("如父亲、母亲、其他监护人"))
        self.rep_id_number = self._line("repIdNumber", 40, self.tr("法定代理人的身份证件号码"))
        self.rep_phone = self._line("repPhone", 30, "")
        self.acts_alone = QCheckBox(self.tr("已满 16 周岁，以自己的劳动收入为主要生活来源（可独立参加调解）"))
        self.acts_alone.setObjectName("actsAlone")
        self.acts_alone_reason = self._line("actsAloneReason", 120, self.tr("勾选时写明依据，如工作单位、收入情况"))
        self.service_address = self._line("serviceAddress", 120, self.tr("文书送达的地址，不填则按住址送达"))
        self.errors_of: dict[str, QLabel] = {}
        for field, text, widget in (
            ("rep_relation", self.tr("与当事人关系："), self.rep_relation),
            ("rep_id_number", self.tr("代理人证件号码："), self.rep_id_number),
            ("rep_phone", self.tr("代理人电话："), self.rep_phone),
            ("acts_alone", "", self.acts_alone),
            ("acts_alone_reason", self.tr("依据："), self.acts_alone_reason),
            ("service_address", self.tr("送达地址："), self.service_address),
        ):
            form.addRow(text, widget)
            self.errors_of[field] = error_label(field)
            form.addRow("", self.errors_of[field])
        self.tag_boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for i, (code, text) in enumerate(tags):
            box = QCheckBox(text)
            box.setObjectName(f"tag{code}")
            self.tag_boxes[code] = box
            grid.addWidget(box, i // TAG_COLUMNS, i % TAG_COLUMNS)
        tag_area = QWidget()
        tag_area.setLayout(grid)
        form.addRow(self.tr("特殊群体："), tag_area)
        self.tag_hint = label("", "muted", wrap=True)
        self.tag_hint.setObjectName("tagHint")
        form.addRow("", self.tag_hint)
        self.errors_of["tags"] = error_label("tags")
        form.addRow("", self.errors_of["tags"])
        self.tag_area = tag_area
        self.acts_alone.toggled.connect(self._acts_alone_changed)
        self._acts_alone_changed()

    def _line(self, name: str, length: int, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setMaxLength(length)
        edit.setPlaceholderText(placeholder)
        return edit

    def register(self, errors: FieldErrors, before_show: Callable[[], None]) -> None:
        widgets = {
            "rep_relation": self.rep_relation,
            "rep_id_number": self.rep_id_number,
            "rep_phone": self.rep_phone,
            "acts_alone": self.acts_alone,
            "acts_alone_reason": self.acts_alone_reason,
            "service_address": self.service_address,
            "tags": self.tag_area,
        }
        for field, widget in widgets.items():
            errors.add(field, widget, self.errors_of[field], before_show)

    def _acts_alone_changed(self) -> None:
        self.acts_alone_reason.setEnabled(self.acts_alone.isChecked())

    def fill(self, p: PartyInput) -> None:
        self.rep_relation.setText(p.rep_relation)
        self.rep_id_number.setText(p.rep_id_number)
        self.rep_phone.setText(p.rep_phone)
        self.acts_alone.setChecked(p.acts_alone)
        self.acts_alone_reason.setText(p.acts_alone_reason)
        self.service_address.setText(p.service_address)
        chosen = set(tag_codes(p.tags))
        for code, box in self.tag_boxes.items():
            box.setChecked(code in chosen)
        for error in self.errors_of.values():
            error.clear()
            error.setVisible(False)
        self._acts_alone_changed()

    def read(self, p: PartyInput, person: bool) -> PartyInput:
        tags = ",".join(code for code, box in self.tag_boxes.items() if box.isChecked())
        return replace(
            p,
            rep_relation=self.rep_relation.text().strip() if person else "",
            rep_id_number=self.rep_id_number.text().strip() if person else "",
            rep_phone=self.rep_phone.text().strip() if person else "",
            acts_alone=self.acts_alone.isChecked() and person,
            acts_alone_reason=self.acts_alone_reason.text().strip() if person and self.acts_alone.isChecked() else "",
            service_address=self.service_address.text().strip(),
            tags=tags,
        )

    def show_person(self, person: bool) -> None:
        form = self.layout()
        assert isinstance(form, QFormLayout)
        for widget in (self.rep_relation, self.rep_id_number, self.rep_phone, self.acts_alone, self.acts_alone_reason):
            form.setRowVisible(widget, person)

    def suggest(self, p: PartyInput, on: date) -> None:
        """未成年人 / 老年人 from the age: offered, not ticked (the mediator decides)."""
        names = {code: box.text() for code, box in self.tag_boxes.items()}
        missing = [names[c] for c in suggested_tags(p, on) if c in names and not self.tag_boxes[c].isChecked()]
        if missing:
            show_state(self.tag_hint, "hint", self.tr("按年龄建议标注：{tags}").format(tags="、".join(missing)))
            self.tag_hint.setVisible(True)
        else:
            self.tag_hint.clear()
            self.tag_hint.setVisible(False)
