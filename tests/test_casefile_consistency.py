"""The 卷宗's contents list and its 卷内备考表 say the same about paper kept in the file; the filer is
a person (a filing from the command line leaves the line to sign); the register names a third party."""

from __future__ import annotations

from datetime import date

from tests import casekit
from tests.test_documents import needs_poppler, pdf_text, squash
from tests.test_documents_layout import _complete_case
from xihu_desk.domain.parties import PartyInput
from xihu_desk.services import cases, printing
from xihu_desk.services.context import cli_actor


@needs_poppler
def test_contents_list_and_back_cover_agree_and_the_filer_is_a_person(db, tmp_path):
    case = _complete_case(db)
    with db.write() as s:
        cases.mark_id_proofs(s, cli_actor(), case["uuid"], True)  # on paper, no scan attached
        cases.file_case(s, cli_actor(), case["uuid"], "30y", date(2026, 3, 25))
        p = printing.print_document(s, cli_actor(), "casefile", case["uuid"])
    contents = squash(pdf_text(p.pdf, tmp_path, 2))
    back = squash(pdf_text(p.pdf, tmp_path, p.pages))
    assert squash("当事人身份证明") in contents and squash("另附纸质材料") in contents
    assert squash("另附纸质材料1项（当事人身份证明）") in back, back
    assert "0件" not in back and "0项" not in back
    whole = pdf_text(p.pdf, tmp_path)
    assert "命令行" not in whole and "cli:" not in whole


@needs_poppler
def test_register_sentence_names_the_third_party(db, tmp_path):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    parties = (*casekit.parties(), PartyInput("third", "person", "王五", phone="13800000003"))
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, parties=parties, intake_form="register"))
        p = printing.print_document(s, head, "register", ref.uuid)
    assert squash("本委员会调解张三与李四之间的邻里纠纷，第三人王五参加调解。") in squash(pdf_text(p.pdf, tmp_path))


def test_register_sentence_without_respondents_has_no_dangling_conjunction(db):
    from xihu_desk import documents

    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, intake_form="register"))
        case = printing._case(s, head, ref.uuid)
    case["parties"] = [p for p in case["parties"] if p["role"] == "applicant"]
    sheet, _story = documents.compose("register", case, documents.Stamp("X" * 24))
    assert "与之间" not in " ".join(sheet.regular) and "张三之间的邻里纠纷" in " ".join(sheet.regular)
