"""The recovery sheet's key boxes: every character the code can hold (W and M the widest) stands
clear of its box's lines by at least a millimetre on each side, so no stroke is read as part of a
letter when the key is copied by hand."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from xihu_desk.documents import fonts, recovery_sheet
from xihu_desk.documents.fonts import ensure_fonts
from xihu_desk.store.recovery_code import ALPHABET


def test_the_widest_character_stands_clear_of_its_box():
    ensure_fonts()
    widest = max(stringWidth(ch, fonts.BOLD, recovery_sheet.KEY_SIZE) for ch in ALPHABET)
    assert (recovery_sheet.BOX - widest) / 2 >= 1 * mm
