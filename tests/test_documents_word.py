"""Editable Word copies (.docx) of every document: the same story as the PDF written with
python-docx (documents/word.py), opened again with python-docx to find the content, recorded as a
print like the PDF (a draft is not), and converted by LibreOffice where it is installed."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from sqlalchemy import select

from tests import casekit
from xihu_desk import cli, documents
from xihu_desk.documents import word
from xihu_desk.domain.parties import PartyInput
from xihu_desk.paths import resources_dir
from xihu_desk.services import cases, printing
from xihu_desk.store import migrate
from xihu_desk.store.models import AuditEvent

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
SIX = (
    PartyInput("applicant", "person", "张三", id_number="330106198001010013", phone="13800000001",
               address="杭州市西湖区文三路1号"),
    PartyInput("applicant", "person", "王五", phone="13800000003", address="杭州市西湖区古墩路88号"),
    PartyInput("applicant", "person", "赵六", phone="13800000004"),
    PartyInput("respondent", "person", "李四", id_number="11010519491231002X", phone="13800000002"),
    PartyInput("respondent", "org", "杭州西溪物业服务有限公司", credit_code="91350100M000100Y43", legal_rep="钱七", phone="057188000000",
               address="杭州市西湖区天目山路9号"),
    PartyInput("third", "person", "孙八", phone="13800000005"),
)
CLAUSES = ("李四于3月20日前修复漏水，并承担全部维修费用", "李四赔偿张三3000元", "杭州西溪物业服务有限公司协助查明漏点并出具书面说明")


def squash(s: str) -> str:
    """Text as a reader compares it: a title spaced out (卷 内 目 录) is the same title."""
    return re.sub(r"\s+", "", s)


def _text(document: docx.document.Document) -> str:
    """Every piece of text in the file: body, nested tables, headers and footers."""
    body = document.element.body
    parts = ["".join(t.text or "" for t in body.iter(qn("w:t")))]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.append("".join(t.text or "" for t in part._element.iter(qn("w:t"))))
    return "\n".join(parts)


def _open(data: bytes) -> docx.document.Document:
    assert data[:2] == b"PK"
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def node(template_node, tmp_path_factory):
    """A node with a case of six parties carried to a registered agreement, a follow-up, the
    closing report and a confirmation application."""
    root = tmp_path_factory.mktemp("word") / "data"
    shutil.copytree(template_node, root)
    from xihu_desk.paths import DataDir

    opened = migrate.open_database(DataDir(root))
    db = opened.db
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, parties=SIX))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement(clauses=CLAUSES))
        cases.add_followup(s, head, ref.uuid, cases.FollowUpInput(date(2026, 3, 21), "张三", "吴调解", "full"))
        cases.write_closing_report(s, head, ref.uuid, date(2026, 3, 21), "双方达成协议并已履行完毕。")
        cases.record_confirmation(s, head, ref.uuid, cases.ConfirmationInput(date(2026, 3, 10), "杭州市西湖区人民法院"))
    yield root, db, head, ref.uuid
    db.dispose()


def _cases(node) -> list[tuple[int, dict]]:
    """The six-party case as the service gives it, and the same case with one party (documents are
    plain data in: the service needs two parties for a case, a form must still lay out with one)."""
    _root, db, head, uuid = node
    with db.read() as s:
        case = printing._case(s, head, uuid, reveal=True)
    return [(6, case), (1, {**case, "parties": case["parties"][:1]})]


def _for(kind: str, case: dict) -> dict:
    """The case as the document needs it: the oral register is of an oral agreement."""
    if kind == "oral-agreement":
        return {**case, "agreement": {**case["agreement"], "form": "oral"}}
    if kind == "referral":  # the referral slip is of a failed case referred on
        return {**case, "outcome": "failed", "outcome_label": "调解不成功", "failure_reason": "双方分歧过大",
                "told_routes": ["诉讼"], "referral": {"to": "court", "to_label": "人民法院",
                                                    "body": "杭州市西湖区人民法院", "note": ""}}
    return case


def _expected(kind: str, case: dict) -> list[str]:
    a = case.get("agreement") or {}
    expect = [case["case_no"]]
    if kind not in ("record", "casefile", "followup"):
        expect += [p["name"] for p in case["parties"]]
    if kind not in ("record",):
        expect.append(documents.KINDS[kind] if kind != "casefile" else "调解卷宗")
    if kind == "agreement":
        expect += [*a["clauses"], a["facts"], a["performance_method"], case["committee"], "指印", "（印章）"]
    if kind == "record":
        expect += [case["records"][0]["body"], case["records"][0]["place"]]
    if kind == "followup":
        expect += [case["followups"][0]["party_name"], case["followups"][0]["visitor"]]
    if kind == "closing":
        expect += [case["closing_report"], case["summary"]]
    if kind == "casefile":
        expect += ["卷内目录", "卷内备考表", "人民调解协议书", *a["clauses"], *[p["name"] for p in case["parties"]]]
    return expect


@pytest.fixture(scope="module")
def built(node) -> dict[tuple[int, str], bytes]:
    """(parties, kind) → the .docx of every document the two cases can print (built once)."""
    out = {}
    for n, base in _cases(node):
        for kind in documents.KINDS:
            case = _for(kind, base)
            reason, missing = documents.check(kind, case)
            if reason or missing:  # an agreement needs two parties
                assert n == 1 and kind in ("agreement", "oral-agreement", "confirmation"), (kind, reason, missing)
                continue
            out[(n, kind)] = documents.build_docx(kind, case, documents.Stamp("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ"))
    assert len(out) == 2 * len(documents.KINDS) - 3
    return out


def test_every_document_opens_in_python_docx_with_its_content_for_one_and_six_parties(node, built):
    cases_by_n = dict(_cases(node))
    for (n, kind), data in built.items():
        case = _for(kind, cases_by_n[n])
        text = squash(_text(_open(data)))
        lost = [e for e in _expected(kind, case) if e and squash(e) not in text]
        assert not lost, f"{kind} with {n} parties lacks {lost}"
        assert "核验码：ABCD-EFGH-JKLM-NPQR-STUV-WXYZ" in text


def test_layout_intent_page_fonts_tables_and_the_case_file_sections(node):
    _n, case = _cases(node)[0]
    stamp = documents.Stamp("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ")
    reg = _open(documents.build_docx("register", case, stamp))
    section = reg.sections[0]
    assert abs(section.page_width.mm - 210) < 0.1 and abs(section.page_height.mm - 297) < 0.1  # A4
    assert abs(section.left_margin.mm - 28) < 0.1 and abs(section.right_margin.mm - 26) < 0.1
    assert abs(section.top_margin.mm - 25) < 0.1 and abs(section.bottom_margin.mm - 30) < 0.1
    fonts = reg.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == word.EAST_ASIAN == "宋体" and fonts.get(qn("w:hint")) == "eastAsia"
    title = reg.paragraphs[0]
    assert title.text == "人民调解受理登记表" and title.style.name == "文书标题" and title.style.font.bold
    form = reg.tables[0]
    spans = [tc for tc in form._tbl.iter(qn("w:tc")) if tc.grid_span > 1]
    merged_down = [tc for tc in form._tbl.iter(qn("w:tc")) if tc.vMerge == "continue"]
    assert spans and merged_down  # the sentence row spans the form; 当事人 runs down its rows
    assert abs(sum(gc.w for gc in form._tbl.tblGrid.gridCol_lst) / 12700 - documents.layout.WIDTH) < 1
    assert reg.tables[0].rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    # the PDF's leading exactly, no space pushed between Chinese and digits: cells wrap where the PDF's do
    assert title.style.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    lang = reg.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert (lang.get(qn("w:val")), lang.get(qn("w:eastAsia"))) == ("en-US", "zh-CN")  # numbers stay whole
    normal = reg.styles["Normal"].element.pPr
    assert normal.find(qn("w:autoSpaceDN")).get(qn("w:val")) == "0"
    # a box left for handwriting keeps its text at the top, as on the PDF
    summary = next(c for row in form.rows for c in row.cells if case["summary"] in c.text)
    assert summary.vertical_alignment == WD_CELL_VERTICAL_ALIGNMENT.TOP
    # the case file: cover and contents unnumbered, the documents numbered from 1, the back cover not
    cf = _open(documents.build_docx("casefile", case, stamp))
    assert len(cf.sections) == 3
    footers = ["".join(i.text or "" for i in s.footer._element.iter(qn("w:instrText"))) for s in cf.sections]
    assert "PAGE" not in footers[0] and "SECTIONPAGES" in footers[1] and "PAGE" not in footers[2]
    assert cf.sections[1]._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    contents = next(t for t in cf.tables if "文书名称" in t.rows[0].cells[1].text)
    pages = {r.cells[1].text: r.cells[2].text for r in contents.rows[1:]}
    assert pages["人民调解协议书"][:1].isdigit()  # the page number the PDF layout gave it


def test_word_print_is_recorded_like_a_pdf_and_a_draft_is_not(node, tmp_path):
    _root, db, head, uuid = node
    with db.write() as s:
        printed = printing.print_document(s, head, "agreement", uuid, word=True)
        draft = printing.print_document(s, head, "notice", uuid, word=True, draft=True)
    assert printed.pdf == b"" and printed.file_name.endswith("人民调解协议书.docx") and printed.code
    text = _text(_open(printed.docx))
    assert "330106198001010013" in text  # whole on the paper the parties sign, as in the PDF
    assert printed.code in text
    with db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid, AuditEvent.action == "case.print")
                          .order_by(AuditEvent.seq.desc())).first()
    assert "Word 可编辑文档" in event.summary and printed.code in event.summary
    assert json.loads(event.after)["format"] == "docx"
    # the draft: 草稿 in the header, no code, no print recorded
    d = _open(draft.docx)
    header = "".join(t.text or "" for t in d.sections[0].header._element.iter(qn("w:t")))
    assert word.DRAFT_MARK in header and draft.code == ""
    assert "无核验码" in _text(d)  # the footer says so, as the draft PDF's does
    assert "330106198001010013" not in _text(d)  # the notice stays masked, as its PDF
    with db.read() as s:
        n = len(s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid, AuditEvent.action == "case.print")).all())
    with db.write() as s:
        printing.print_document(s, head, "register", uuid, word=True, draft=True)
    with db.read() as s:
        assert len(s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid,
                                                      AuditEvent.action == "case.print")).all()) == n


def test_cli_suffix_chooses_word(node, tmp_path, capsys):
    root, _db, _head, uuid = node
    out = tmp_path / "协议书.docx"
    assert cli.main(["print", "agreement", uuid, "-o", str(out), "--json", "--data-dir", str(root)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["format"] == "docx" and doc["pages"] is None and doc["file"] == str(out)
    assert zipfile.is_zipfile(out) and "人民调解协议书" in _text(docx.Document(str(out)))
    assert cli.main(["print", "verify", doc["code"], "--data-dir", str(root)]) == 0
    capsys.readouterr()
    pdf = tmp_path / "协议书"
    assert cli.main(["print", "agreement", uuid, "-o", str(pdf), "--data-dir", str(root)]) == 0
    assert (tmp_path / "协议书.pdf").read_bytes().startswith(b"%PDF")  # no suffix: a PDF, as before


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_every_word_copy(node, built, tmp_path):
    """All documents of both cases converted in one LibreOffice run (it starts slowly), with the
    PDF's own Song face standing in for 宋体 (this machine may have none): the forms of the one-party
    case keep the PDF's page count."""
    files = []
    for (n, kind), data in built.items():
        path = tmp_path / f"{kind}-{n}.docx"
        path.write_bytes(data)
        files.append(path)
    out = tmp_path / "pdf"
    fonts = resources_dir() / "fonts"
    conf = tmp_path / "fonts.conf"
    alias = "".join(f"<alias binding='same'><family>{f}</family><prefer><family>Noto Serif SC</family></prefer></alias>"
                    for f in ("宋体", "SimSun", "Times New Roman"))
    conf.write_text("<?xml version='1.0'?><fontconfig><include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
                    f"<dir>{fonts}</dir>{alias}</fontconfig>", encoding="utf-8")
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: no clash with a LibreOffice already open
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(out), *map(str, files)], capture_output=True, timeout=120, check=True,
                   env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    made = {p.stem for p in out.glob("*.pdf")}
    assert made == {p.stem for p in files}
    for p in out.glob("*.pdf"):
        assert p.read_bytes().startswith(b"%PDF") and p.stat().st_size > 5000, p.name
    if not shutil.which("pdfinfo"):
        return
    cases_by_n = dict(_cases(node))
    for (n, kind) in built:
        if n != 1 or kind == "casefile":
            continue  # the forms of the one-party case: quick to lay out again as PDF
        info = subprocess.run(["pdfinfo", str(out / f"{kind}-{n}.pdf")], capture_output=True, text=True, check=True)
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
        expected = documents.build(kind, _for(kind, cases_by_n[n]), documents.Stamp("X")).pages
        assert pages == expected, (kind, n, pages, expected)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out / "register-6.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout.replace(" ", "")
    assert "人民调解受理登记表" in text and "杭州西溪物业服务有限公司" in text


def test_word_writer_refuses_an_unknown_piece_rather_than_dropping_it(node):
    from reportlab.platypus import Flowable

    _n, case = _cases(node)[0]
    sheet, story = documents.compose("notice", case, documents.Stamp("X"))
    with pytest.raises(TypeError, match="no Word form"):
        word.write([*story, Flowable()], sheet, title="t", author="a")


def test_the_frozen_program_ships_python_docx_templates():
    """python-docx reads its blank document and header/footer parts from its package folder."""
    spec = (Path(__file__).parent.parent / "packaging" / "xihu-desk.spec").read_text(encoding="utf-8")
    line = next(x for x in spec.splitlines() if x.startswith("for package in"))
    assert '"docx"' in line


def test_a_signed_paper_of_several_pages_has_its_join_seal_area(built):
    """As on the PDF: the 骑缝章 area on the page edge of a multi-page agreement, not on a form."""
    def header(data: bytes) -> str:
        return "".join(t.text or "" for t in _open(data).sections[0].header._element.iter(qn("w:t")))

    assert "骑缝章" in header(built[(6, "agreement")])  # three pages for six parties
    assert "骑缝章" not in header(built[(6, "register")])
