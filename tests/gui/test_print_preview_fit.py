"""The print preview opens within the screen at whole-page zoom, and the print dialog proposes as
many copies as the document says (协议书: 一式 N 份, one per party and one for the committee)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtPdfWidgets import QPdfView

from tests import casekit
from xihu_desk.domain import cases as rules
from xihu_desk.gui import documents as gui_documents
from xihu_desk.services import case_queries, cases, printing


def _case(db):  # noqa: ANN001, ANN202
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
    return head, ref.uuid


def test_preview_fits_the_screen_at_whole_page(qtbot, db) -> None:  # noqa: ANN001
    head, uuid = _case(db)
    with db.write() as s:
        printed = printing.print_document(s, head, "notice", uuid)
    dialog = gui_documents.PreviewDialog(printed)
    qtbot.addWidget(dialog)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert dialog.height() <= screen.height() and dialog.width() <= screen.width()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitInView


def test_print_dialog_proposes_the_copies_the_agreement_names(qtbot, db) -> None:  # noqa: ANN001
    head, uuid = _case(db)
    with db.write() as s:
        printed = printing.print_document(s, head, "agreement", uuid)
        parties = len(case_queries.case_detail(s, head, uuid)["parties"])
    assert printed.copies == rules.copies(parties) == parties + 1
    dialog = gui_documents.PreviewDialog(printed)
    qtbot.addWidget(dialog)
    assert dialog.make_printer().copyCount() == parties + 1
    with db.write() as s:
        notice = printing.print_document(s, head, "notice", uuid)
    assert notice.copies == 1
