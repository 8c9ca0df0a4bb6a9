"""Names the program proposes for the files it saves are made of what users typed (a case number
kept from an old ledger, a typical case's title, a mediator's or committee's name): characters an
NTFS disk or a FAT32 stick refuses must never reach them (domain/filenames.py)."""

from __future__ import annotations

import pytest

from xihu_desk.domain.filenames import safe_file_name
from xihu_desk.services.printing import Printed

FORBIDDEN = set('<>:"/\\|?*') | {chr(i) for i in range(32)}


def _windows_safe(name: str) -> bool:
    stem = name.rsplit(".", 1)[0]
    return (not FORBIDDEN & set(name) and name == name.rstrip(". ") and stem == stem.rstrip(". ")
            and stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"})


@pytest.mark.parametrize("typed,expected", [
    ("北山/西湖:调解?委员会等级评定申请表.pdf", "北山／西湖：调解？委员会等级评定申请表.pdf"),
    ('典型案例 "邻里"<漏水>|楼上*楼下\\.docx', "典型案例 ＂邻里＂＜漏水＞｜楼上＊楼下＼.docx"),
    ("CON.pdf", "_CON.pdf"),
    ("nul.tar.xlsx", "_nul.tar.xlsx"),
    ("协议书. . .pdf", "协议书.pdf"),
    ("\x1b[31m名单\x00.xlsx", "[31m名单.xlsx"),
    ("...pdf", "未命名.pdf"),
])
def test_a_typed_name_becomes_a_name_every_disk_takes(typed, expected, tmp_path):
    name = safe_file_name(typed)
    assert name == expected
    assert _windows_safe(name)
    (tmp_path / name).write_bytes(b"x")  # and this system takes it as one file in the folder
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_an_over_long_name_keeps_its_extension():
    name = safe_file_name("调解" * 200 + ".docx")
    assert name.endswith(".docx") and len(name) <= 125


def test_a_printed_documents_default_name_from_an_old_ledgers_case_number_is_safe():
    printed = Printed("agreement", "人民调解协议书", "u", "（2019）北山/综治:012号?", "", 1, 1, b"%PDF")
    assert printed.file_name == "（2019）北山／综治：012号？人民调解协议书.pdf"
    assert _windows_safe(printed.file_name)


def test_the_report_pages_file_picker_proposes_a_safe_name(qapp, tmp_path, monkeypatch):
    from xihu_desk.gui import prefs
    from xihu_desk.gui.reports import files

    monkeypatch.setattr(prefs, "get_text", lambda _key: str(tmp_path))
    start = files.FileDialogs()._start("北山/西湖:统计?.xlsx")
    assert start == str(tmp_path / "北山／西湖：统计？.xlsx")
