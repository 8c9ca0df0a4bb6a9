"""The papers of issue 14's party rules: under 8 never signs (the legal representative's line), a
minor of 8–17 signs beside the representative, and the referral slip (转介单) of a failed case."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests import casekit
from xihu_desk.domain.cases import Outcome
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.parties import PartyInput
from xihu_desk.services import cases, party_law, printing

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
REP = dict(rep_relation="母亲", rep_id_number="330106198001010013", rep_phone="13900000000")
CHILD = PartyInput("respondent", "person", "王小小", birth_date=date(2019, 1, 1), guardian="刘红", **REP)
TEEN = PartyInput("third", "person", "王小明", birth_date=date(2011, 6, 1), guardian="王大明",
                  **{**REP, "rep_relation": "父亲"}, service_address="杭州市西湖区灵隐街道8号")


def pdf_text(pdf: bytes, tmp: Path) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def case_uuid(db, head):
    roster = casekit.roster(db, head)
    parties = (casekit.parties()[0], CHILD, TEEN)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, parties=parties))
    return ref.uuid


@needs_poppler
def test_under_eight_never_signs_the_representative_does(db, head, case_uuid, tmp_path) -> None:
    with db.write() as s:
        cases.record_notice(s, head, case_uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, case_uuid, casekit.record())
        cases.record_agreement(s, head, case_uuid, casekit.written_agreement())
        p = printing.print_document(s, head, "agreement", case_uuid)
    lines = [" ".join(x.split()) for x in pdf_text(p.pdf, tmp_path).splitlines()]
    # the child's row: the representative signs for them (代为签名), the child has no line of their own
    assert not [x for x in lines if "王小小" in x and "签名" in x]
    assert any("法定代理人：刘红" in x and "代为签名" in x for x in lines), lines
    assert any(x.startswith("第三人：王小明") and "签名：" in x for x in lines)  # the 14-year-old signs
    assert any(x.startswith("法定代理人：王大明") and "签名：" in x for x in lines)  # and the father too
    body = "".join(lines)
    assert "法定代理人：刘红（母亲）" in body.replace(" ", "")


@needs_poppler
def test_referral_slip_shows_the_routes_the_receiver_and_the_parties(db, head, case_uuid, tmp_path) -> None:
    with db.write() as s, pytest.raises(UserError, match="调解不成功或终止"):
        printing.print_document(s, head, "referral", case_uuid)
    with db.write() as s:
        cases.close_without_agreement(s, head, case_uuid, Outcome.FAILED, date(2026, 3, 9), "双方对赔偿金额分歧过大",
                                      routes_told=True)
    with db.write() as s, pytest.raises(UserError, match="没有登记转介"):
        printing.print_document(s, head, "referral", case_uuid)
    with db.write() as s:
        party_law.record_routes(s, head, case_uuid, ["litigation", "arbitration"], "court", "杭州市西湖区人民法院",
                                "申请人坚持诉讼，转介法院诉讼服务中心立案。")
        p = printing.print_document(s, head, "referral", case_uuid)
    assert p.code and p.pages == 1
    text = "".join(pdf_text(p.pdf, tmp_path).split())
    for needle in ("人民调解转介单", "杭州市西湖区人民法院", "人民法院", "张三", "王小小", "（母亲）",
                   "杭州市西湖区灵隐街道8号", "双方对赔偿金额分歧过大", "已告知当事人可以通过诉讼、仲裁等途径维护自己的权利",
                   "申请人坚持诉讼", "北山街道人民调解委员会", "接收人（签名）", "周调解", "核验码"):
        assert needle in text, needle


def test_referral_slip_word_copy(db, head, case_uuid) -> None:
    with db.write() as s:
        cases.close_without_agreement(s, head, case_uuid, Outcome.TERMINATED, date(2026, 3, 9), "一方要求终止",
                                      routes_told=True)
        party_law.record_routes(s, head, case_uuid, ["litigation"], "legal_aid", "杭州市西湖区法律援助中心")
        p = printing.print_document(s, head, "referral", case_uuid, word=True)
    assert p.docx.startswith(b"PK")
    assert replace(p, pdf=b"").title == "人民调解转介单"


@needs_poppler
def test_cli_case_routes_then_print_referral(capsys, data_dir, tmp_path) -> None:
    from xihu_desk import cli
    from xihu_desk.store import migrate

    opened = migrate.open_database(data_dir)
    head = casekit.head_actor(opened.db)
    roster = casekit.roster(opened.db, head)
    with opened.db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(opened.db, roster, parties=(casekit.parties()[0], CHILD)))
        cases.close_without_agreement(s, head, ref.uuid, Outcome.FAILED, date(2026, 3, 9), "被申请人拒绝赔偿",
                                      routes_told=True)
    opened.db.dispose()
    base = ["--data-dir", str(data_dir.root)]
    out = tmp_path / "转介单.pdf"
    assert cli.main([*base, "print", "referral", ref.case_no, "-o", str(out)]) == 1
    assert "没有登记转介" in capsys.readouterr().err
    assert cli.main([*base, "case", "routes", ref.case_no, "--told", "litigation,仲裁"]) == 1
    assert "不在代码表中" in capsys.readouterr().err
    assert cli.main([*base, "case", "routes", ref.case_no, "--told", "litigation,arbitration", "--refer", "legal_aid",
                     "--body", "杭州市西湖区法律援助中心", "--note", "申请人经济困难，申请法律援助。"]) == 0
    assert "已登记告知途径和转介" in capsys.readouterr().out
    assert cli.main([*base, "case", "show", ref.case_no, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["told_routes"] == ["诉讼", "仲裁"] and doc["referral"]["body"] == "杭州市西湖区法律援助中心"
    assert doc["parties"][1]["legal_representative"]["name"] == "刘红" and doc["parties"][1]["signs_self"] is False
    assert cli.main([*base, "print", "referral", ref.case_no, "-o", str(out)]) == 0
    capsys.readouterr()
    text = "".join(pdf_text(out.read_bytes(), tmp_path).split())
    for needle in ("人民调解转介单", "杭州市西湖区法律援助中心", "法律援助", "被申请人拒绝赔偿", "申请人经济困难"):
        assert needle in text, needle


def test_a_signed_paper_with_a_representative_verifies(db, head, case_uuid) -> None:
    """The agreement carries whole numbers; its 核验码 is taken over masked ones, the
    representative's included, so verifying it later (masked) matches."""
    with db.write() as s:
        cases.record_notice(s, head, case_uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, case_uuid, casekit.record())
        cases.record_agreement(s, head, case_uuid, casekit.written_agreement())
        p = printing.print_document(s, head, "agreement", case_uuid)
    with db.read() as s:
        checked = printing.verify(s, head, p.code)
    assert checked.ok and checked.result == "match", checked.message


@pytest.mark.parametrize("n", [1, 3, 6])
def test_referral_slip_stays_one_page_for_one_to_six_parties(n: int) -> None:
    from xihu_desk import documents

    parties = [{"uuid": str(i), "role": "applicant" if i % 2 == 0 else "respondent",
                "role_label": "申请人" if i % 2 == 0 else "被申请人", "kind": "person", "name": f"当事人{i}",
                "phone": f"1380000000{i}", "address": f"杭州市西湖区文三路{i}号",
                "service_address": f"杭州市西湖区北山街道曙光路{i}号三单元502室" if i % 2 else "",
                "legal_representative": {"name": "王大明", "relation": "父亲", "id_number": "", "phone": "13900000000"}
                if i == n - 1 else None} for i in range(n)]
    case = {"case_no": "（2026）北山人调字第0012号", "committee": "北山街道人民调解委员会", "mediators": ["周调解", "吴调解"],
            "parties": parties, "summary": "各户因楼道堆物和漏水发生争执，多次协商未果。" * 4, "outcome": "terminated",
            "outcome_label": "终止调解", "outcome_on": "2026-03-09", "failure_reason": "一方要求终止调解",
            "told_routes": ["仲裁", "诉讼", "行政处理"],
            "referral": {"to": "court", "to_label": "人民法院", "body": "杭州市西湖区人民法院", "note": "当事人选择诉讼。" * 6}}
    assert documents.check("referral", case) == (None, [])
    assert documents.build("referral", case, documents.Stamp("ABCD-EFGH-JKLM-NPQR-STUV-WXYZ")).pages == 1
