"""Typical-case write-ups (issue 20): parties anonymised everywhere in the .docx and the PDF, on every
closed demo case and on a case that plants names, numbers, phones, addresses and dates in its text;
the mediator's 评析 stored and audited; ``print typical``; the dialog."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, datetime

import pytest
from sqlalchemy import text

from tests import casekit
from tests.test_cli import run
from tests.test_documents import needs_poppler, pdf_text, squash
from xihu_desk.domain import anonymise
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.parties import PartyInput
from xihu_desk.paths import DataDir
from xihu_desk.services import cases, demo, typical_cases
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate

TODAY = date(2026, 11, 27)
EXACT_DAY = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}")
CASE_NO = re.compile(r"字第\d+号")


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        # the text of the document, its headers and footers, and its properties (title, subject)
        names = [n for n in z.namelist() if n.startswith("word/") or n == "docProps/core.xml"]
        xml = "".join(z.read(n).decode("utf-8") for n in names if n.endswith(".xml"))
        xml = re.sub(r"<dcterms:(created|modified)[^>]*>[^<]*<", "<", xml)  # the template's own dates
    return re.sub(r"<[^>]+>", "", xml)


def identifying(db, case_uuid: str) -> set[str]:
    """Everything of the case's parties that must not be printed, read with plain SQL."""
    cols = ("name", "id_number", "credit_code", "phone", "address", "service_address", "legal_rep", "guardian",
            "agent_name", "agent_phone", "rep_id_number", "rep_phone")
    with db.read() as s:
        rows = s.execute(text(f"SELECT {', '.join(cols)} FROM party WHERE case_uuid = :u"), {"u": case_uuid})
        return {v.strip() for row in rows for v in row if v and len(v.strip()) >= 2}


def assert_anonymous(output: str, secrets: set[str]) -> None:
    flat = squash(output)
    assert not [s for s in secrets if squash(s) in flat]
    assert not EXACT_DAY.search(flat) and not CASE_NO.search(flat)


# -------------------------------------------------------------------------------- the rules


def test_pseudonyms_keep_people_apart_and_organisations_by_kind():
    ps = anonymise.of_parties([
        {"role": "respondent", "kind": "person", "name": "王小明"},
        {"role": "applicant", "kind": "person", "name": "王建国", "legal_rep": ""},
        {"role": "third", "kind": "org", "name": "杭州西湖龙井茶叶专业合作社"},
        {"role": "respondent", "kind": "org", "name": "浙江省杭州市西湖区北山街道宝石山社区居民委员会", "legal_rep": "欧阳娜娜"},
        {"role": "respondent", "kind": "org", "name": "杭州某某物业管理有限公司"},
    ])
    assert ps.names["王建国"] == "王某甲" and ps.names["王小明"] == "王某乙"  # applicants first
    assert ps.names["欧阳娜娜"] == "欧阳某"
    assert ps.names["杭州西湖龙井茶叶专业合作社"] == "某合作社"
    assert ps.names["浙江省杭州市西湖区北山街道宝石山社区居民委员会"] == "某社区居委会"
    assert ps.names["杭州某某物业管理有限公司"] == "某公司"
    out = ps.apply("建国与小明于2026年3月20日、二〇二六年三月二十一日、2026-04-02 和 4月5日见面。")
    assert out == "王某甲与王某乙于2026年3月某日、二〇二六年三月某日、2026年4月某日 和 4月某日见面。"


def test_numbers_phones_addresses_and_case_numbers_go():
    ps = anonymise.of_parties([{"role": "applicant", "kind": "person", "name": "赵六", "phone": "0571-87654321",
                                "address": "浙江省杭州市西湖区文三路478号3幢2单元501室"}])
    out = ps.apply("赵六（330106198001010013，电话0571-87654321、13912345678）住浙江省杭州市西湖区文三路478号3幢2单元501室，"
                   "见（2026）北山人调字第0012号。信用代码91330106MA2H2X3Y4Q。金额3000元。")
    assert out == ("赵某（（证件号码略），电话（电话略）、（电话略））住浙江省杭州市西湖区某处，见。"
                   "信用代码（证件号码略）。金额3000元。")
    assert ps.leaks(out) == [] and ps.leaks("赵六来了") == ["赵六"]


# -------------------------------------------------------------------------------- a planted case


@pytest.fixture
def planted(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    people = (
        PartyInput("applicant", "person", "张建华", id_number="330106198001010013", phone="13800000001",
                   address="杭州市西湖区文三路1号"),
        PartyInput("respondent", "org", "杭州西湖龙井茶叶专业合作社", credit_code="91330106MA2H2X3Y4Q",
                   legal_rep="陈法人", phone="0571-88886666", address="杭州市西湖区龙井路88号"),
    )
    summary = "张建华（身份证330106198001010013，电话13800000001）称，2026年3月1日合作社在龙井路88号施工损坏其围墙。"
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, parties=people, summary=summary,
                                                      claims="建华要求陈法人代表合作社赔偿。"))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        body = "张建华陈述经过，陈法人（电话0571-88886666）同意于3月20日前修复，住址杭州市西湖区文三路1号。"
        cases.add_record(s, head, ref.uuid, cases.RecordInput(
            kind="mediation", held_at=datetime(2026, 3, 5, 9, 30), place="调解室", body=body, matter="围墙",
            subject="张建华、陈法人", mediators="周调解", recorder="吴调解", notice_announced=True))
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement(
            clauses=("杭州西湖龙井茶叶专业合作社于2026年3月20日前修复张建华家围墙", "合作社赔偿张建华3000元")))
    return db, head, ref.uuid


@needs_poppler
def test_a_planted_case_prints_nothing_of_its_parties(planted, tmp_path):
    db, head, uuid = planted
    with db.write() as s:
        typical_cases.save(s, head, uuid, "张建华与合作社（91330106MA2H2X3Y4Q）均认可，13800000001已回访。\n第二段。")
    with db.read() as s:
        up, docx, _ = typical_cases.document(s, head, uuid, word=True)
        _, pdf, pages = typical_cases.document(s, head, uuid, word=False)
    secrets = identifying(db, uuid)
    assert {"张建华", "陈法人", "13800000001", "0571-88886666", "330106198001010013"} <= secrets
    for output in (docx_text(docx), pdf_text(pdf, tmp_path)):
        assert_anonymous(output, secrets)
        assert "张某" in output and "某合作社" in output and "陈某" in output
        assert squash("人民币叁仟元") in squash(output) or "3000元" in squash(output)
    assert up.analysis_written and pages >= 1 and [h for h, _ in up.sections] == list(typical_cases.SECTIONS)


def test_only_a_closed_case_is_written_up_and_saving_is_audited(planted):
    db, head, uuid = planted
    roster = casekit.roster(db, head, names=("郑调解",))
    with db.write() as s:
        still_open = cases.open_case(s, head, casekit.intake(db, roster)).uuid
    with db.read() as s, pytest.raises(UserError, match="尚未结案"):
        typical_cases.write_up(s, head, still_open)
    with pytest.raises(UserError, match="尚未结案"), db.write() as s:
        typical_cases.save(s, head, still_open, "评析")
    with db.write() as s:
        up = typical_cases.save(s, head, uuid, "  调解员耐心释法。  ", title="围墙纠纷的调解")
    assert up.title == "围墙纠纷的调解" and up.analysis == "调解员耐心释法。" and up.saved_by == "陈所长"
    with db.read() as s:
        actions = [a for (a,) in s.execute(text("SELECT action FROM audit_event WHERE entity_id = :u"), {"u": uuid})]
    assert "case.typical_writeup" in actions


# -------------------------------------------------------------------------------- every demo case


@pytest.fixture(scope="module")
def demo_db(template_node, tmp_path_factory):
    root = tmp_path_factory.mktemp("typical") / "data"
    shutil.copytree(template_node, root)
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(cases=40, seed=11, today=TODAY))
    yield opened.db
    opened.db.dispose()


@needs_poppler
def test_every_closed_demo_case_is_anonymous_in_word_and_pdf(demo_db, tmp_path):
    with demo_db.read() as s:
        uuids = [u for (u,) in s.execute(text("SELECT uuid FROM mediation_case WHERE status IN ('closed', 'filed')"))]
    assert len(uuids) >= 12
    for uuid in uuids:
        with demo_db.read() as s:
            up, docx, _ = typical_cases.document(s, cli_actor(), uuid, word=True)
            secrets = identifying(demo_db, uuid)
            assert_anonymous(docx_text(docx), secrets)
            _, pdf, _ = typical_cases.document(s, cli_actor(), uuid, word=False)
            assert_anonymous(pdf_text(pdf, tmp_path), secrets)


def test_print_typical_on_the_command_line(planted, data_dir, capsys, tmp_path):
    import json

    db, head, uuid = planted
    with db.read() as s:
        case_no = s.scalar(text("SELECT case_no FROM mediation_case WHERE uuid = :u"), {"u": uuid})
    analysis = tmp_path / "评析.txt"
    analysis.write_text("张建华与合作社各让一步。\n", encoding="utf-8")
    out_file = tmp_path / "典型案例.docx"
    code, out, err = run(capsys, "print", "typical", case_no, "-o", str(out_file), "--analysis-file", str(analysis),
                         "--data-dir", str(data_dir.root), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["format"] == "docx" and doc["analysis_written"] and doc["title"].startswith("张某与某合作社")
    assert_anonymous(docx_text(out_file.read_bytes()), identifying(db, uuid))
    assert "张某与合作社各让一步。" in docx_text(out_file.read_bytes())
    code, out, err = run(capsys, "--data-dir", str(data_dir.root), "print", "typical", case_no, "-o",
                         str(tmp_path / "t.pdf"))
    assert code == 0 and (tmp_path / "t.pdf").read_bytes()[:5] == b"%PDF-" and "已生成" in out
    code, _, err = run(capsys, "print", "typical", case_no, "-o", str(tmp_path / "x.docx"), "--analysis-file",
                       str(tmp_path / "无此文件.txt"), "--data-dir", str(data_dir.root))
    assert code == 1 and "读不出案例评析文件" in err and not (tmp_path / "x.docx").exists()
