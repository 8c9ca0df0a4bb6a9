"""The box that shows the recovery key once after the encrypt offer converted the file: the key
stands on its own in a large fixed-pitch font (as on the wizard's recovery-key page), the button
is the program's plain 确定 without a desktop-theme icon, the result's text is not said twice, and
every wrapped line is whole (at 150 % too)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from xihu_desk.gui import encrypt_offer
from xihu_desk.services.encrypt_node import EncryptResult

CODE = "QAOS-JZXM-I6CB-4CBW-HRMM-AM3A-2"


def test_the_key_is_large_fixed_pitch_and_the_button_plain(qtbot, ctx) -> None:
    result = EncryptResult(Path("d/xihu-desk.sqlite3"), Path("d/backups/b.sqlite3"), CODE, 67, 1650, [])
    box = encrypt_offer.code_box(None, result, ctx)
    qtbot.addWidget(box)
    keys = [w for w in box.findChildren(QLabel) if w.text() == CODE]
    assert len(keys) == 1
    assert QFontInfo(keys[0].font()).fixedPitch()
    assert keys[0].font().pointSizeF() >= 1.5 * box.font().pointSizeF()
    ok = box.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "确定" and ok.icon().isNull()
    said = "".join(w.text() for w in box.findChildren(QLabel))
    assert said.count("数据库已加密") == 1


def test_every_wrapped_line_is_whole(qtbot, ctx) -> None:
    result = EncryptResult(Path("d/xihu-desk.sqlite3"), Path("d/backups/b.sqlite3"), CODE, 67, 1650, [Path("x")])
    box = encrypt_offer.code_box(None, result, ctx)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    for widget in box.findChildren(QLabel):
        if widget.wordWrap():
            assert widget.height() >= widget.heightForWidth(widget.width())
