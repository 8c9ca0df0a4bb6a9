"""Opening a case's attachment from the case form (issue 21): the encrypted file is opened as a
plain copy under its own name for the PC's viewer; a tampered file is one message naming the case
and the material, never a crash or a wrong file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices

from tests import casekit
from xihu_desk.services import attachments, cases, view_copies

from .casegui import head, page  # noqa: F401 - fixtures
from .helpers import click, wait_op


def test_open_decrypts_a_copy_and_a_tampered_file_is_named(
    qtbot, db, ctx, runner, page, head, tmp_path, monkeypatch, message_mock  # noqa: F811 - the fixtures
) -> None:
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        case_no = s.get_one(cases.MediationCase, ref.uuid).case_no
    scan = tmp_path / "身份证复印件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan of an ID card")
    monkeypatch.setattr(view_copies, "view_folder", lambda: tmp_path / "view")
    monkeypatch.setattr(attachments, "view_folder", lambda: tmp_path / "view")
    opened_urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened_urls.append(url.toLocalFile()) or True)

    dialog = page.open_case(ref.uuid)
    qtbot.waitExposed(dialog)
    tab = dialog.attachments
    tab.choose_file = lambda _parent: str(scan)
    bar = dialog.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(dialog.tab_list.index(tab)).center())
    tab.kind.setCurrentIndex(tab.kind.findData("id_proof"))
    assert wait_op(qtbot, runner, lambda: click(qtbot, tab.add_button))

    tab.open_file(0)
    assert [p.rsplit("/", 1)[-1] for p in opened_urls] == ["身份证复印件.pdf"]
    assert Path(opened_urls[0]).read_bytes() == scan.read_bytes()

    (stored,) = [p for p in (ctx.data.root / "attachments").rglob("*") if p.is_file() and not p.name.startswith(".")]
    stored.write_bytes(stored.read_bytes()[:-1] + b"\0")
    tab.open_file(0)
    assert len(opened_urls) == 1
    text = message_mock.single("error").text
    assert case_no in text and "身份证复印件.pdf" in text and "损坏或被改动" in text
