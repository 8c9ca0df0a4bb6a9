"""Printed documents: every kind built for demo cases and read back with poppler (pdftotext,
pdffonts), the 核验码 round trip, the agreement's refusals and layout rules, the font check."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import casekit
from xihu_desk import cli, documents
from xihu_desk.documents import text
from xihu_desk.documents.fonts import GlyphMissing
from xihu_desk.domain import printcode
from xihu_desk.domain.parties import PartyInput
from xihu_desk.paths import DataDir
from xihu_desk.services import case_queries, cases, demo, printing
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.case_list import CaseFilter
from xihu_desk.store.models import AuditEvent

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="pdftotext/pdffonts (Debian poppler-utils) not installed: `python3 bootstrap.py test` installs them as root")
TODAY = date(2026, 11, 27)


def squash(s: str) -> str:
    """Compare text as a reader sees it: NFKC (full-width → ASCII forms), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def pdf_text(pdf: bytes, tmp: Path, page: int | None = None, mode: str = "-raw") -> str:
    """The text in drawing order (-raw), or as laid out on the page (-layout)."""
    path = tmp / "doc.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", mode, "-enc", "UTF-8"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def assert_shows(pdf: bytes, tmp: Path, *needles: str) -> None:
    body = squash(pdf_text(pdf, tmp))
    missing = [n for n in needles if n and squash(n) not in body]
    assert not missing, f"not printed: {missing}"


# ---------------------------------------------------------------------------------- demo cases


@pytest.fixture(scope="module")
def demo_db(template_node, tmp_path_factory):
    """A node with demo cases in every stage (made once for this module)."""
    root = tmp_path_factory.mktemp("docs") / "data"
    shutil.copytree(template_node, root)
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(cases=36, seed=4, today=TODAY))
    yield opened.db
    opened.db.dispose()


def _pick(db, pred) -> dict:
    with db.read() as s:
        rows = case_queries.list_cases(s, cli_actor(), CaseFilter(), TODAY, 0, 200)
        for r in rows:
            d = case_queries.case_detail(s, cli_actor(), r.uuid)
            if pred(d):
                return d
    pytest.skip("the demo data has no such case")  # pragma: no cover - the seed is fixed


def _written(d):
    return d["outcome"] == "succeeded" and d["agreement"]["form"] == "written" and d["followups"]


PICKS = {
    "agreement": _written,
    "oral-agreement": lambda d: d["outcome"] == "succeeded" and d["agreement"]["form"] == "oral",
    "application": lambda d: d["intake_form"] == "application" and d["notice_given_on"],
    "register": lambda d: d["intake_form"] == "register",
    "notice": lambda d: d["notice_given_on"],
    "record": lambda d: d["records"],
    "followup": lambda d: d["followups"],
    "closing": lambda d: d["closing_report"],
    "casefile": lambda d: d["status"] == "filed" and _written(d),
}


@pytest.fixture(scope="module")
def printed(demo_db):
    """kind → (the case as printed, Printed): each kind built once for the module."""
    out = {}
    for kind, pred in PICKS.items():
        case = _pick(demo_db, pred)
        with demo_db.write() as s:
            out[kind] = (case, printing.print_document(s, cli_actor(), kind, case["uuid"]))
    return out


def _common(case, p) -> list[str]:
    return [p.title if p.kind not in ("record", "casefile") else "", case["case_no"], "核验码", p.code, "第1页"]


@needs_poppler
@pytest.mark.parametrize("kind", list(PICKS))
def test_every_document_prints_its_required_elements(printed, kind, tmp_path):
    case, p = printed[kind]
    names = [x["name"] for x in case["parties"]]
    expect = _common(case, p)
    a = case["agreement"] or {}
    if kind == "agreement":
        n = len(case["parties"]) + 1
        expect += names + [a["facts"], *a["clauses"], "经调解", "履行方式", a["performance_method"], "履行期限",
                           f"本协议一式{text.cn_number(n)}份，当事人各执一份，人民调解委员会留存一份",
                           "签名并按指印", "指印", "人民调解员（签名）", "记录人（签名）", *case["mediators"],
                           case["committee"], "（印章）", text.day_cn(a["effective_on"])]
        # the whole number on the paper the parties sign (the detail read here is masked)
        expect += [x["id_number"][-4:] for x in case["parties"] if x["id_number"]]
        assert "*" * 6 not in pdf_text(p.pdf, tmp_path)
        if a["amount"]:
            expect.append(text.money(a["amount"]))
    elif kind == "oral-agreement":
        expect += names + [*a["clauses"], "口头协议", "是否即时", "登记人", *case["mediators"], case["committee"]]
    elif kind == "application":
        expect += names + [case["summary"], "申请事项", case["claims"].splitlines()[0], "自愿申请人民调解",
                           "签名盖章或按指印"]
    elif kind == "register":
        expect += names + [case["dispute_type"], case["source_label"], case["summary"], "经当事人同意",
                           "此表由人民调解委员会填写"]
    elif kind == "notice":
        expect += names + ["不收取任何费用", "选择或者接受人民调解员", "如实陈述纠纷事实", "三十日内共同向人民法院申请司法确认",
                           text.day(case["notice_given_on"])]
    elif kind == "record":
        r = case["records"][0]
        expect += ["人民调解记录", r["place"], r["body"], r["recorder"], "当事人（签名）", text.minute(r["held_at"])]
    elif kind == "followup":
        f = case["followups"][0]
        expect += [f["party_name"], f["visitor"], f["performance_label"], a["number"], case["title"]]
    elif kind == "closing":
        expect += [case["committee"], case["mediators"][0], case["source_label"], case["summary"], case["outcome_label"],
                   case["closing_report"], text.day(case["accepted_on"]), text.day(case["closed_on"])] + names
    elif kind == "casefile":
        expect += ["调解卷宗", "卷内目录", case["title"], "保管期限", "卷内备考表", "人民调解协议书", "人民调解申请书"
                   if case["intake_form"] == "application" else "人民调解受理登记表", "人民调解结案报告表", "人民调解回访记录"]
    assert_shows(p.pdf, tmp_path, *expect)
    assert p.pdf.startswith(b"%PDF") and p.pages >= 1


@needs_poppler
def test_every_font_is_embedded(printed, tmp_path):
    for kind, (_case, p) in printed.items():
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(p.pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, kind
        for row in rows:
            assert "NotoSerif" in row, (kind, row)
            emb = row.split()[-5]  # name type encoding | emb sub uni object ID
            assert emb == "yes", (kind, row)


@needs_poppler
def test_case_file_contents_list_gives_the_page_each_document_starts_on(printed, tmp_path):
    _case, p = printed["casefile"]
    contents = pdf_text(p.pdf, tmp_path, 2, "-layout")
    found = re.search(r"人民调解协议书\s+(\d+)", contents)
    assert found, contents
    page = int(found.group(1))
    # documents are numbered from 1 after the cover and the contents list
    assert squash("人民调解协议书") in squash(pdf_text(p.pdf, tmp_path, page + 2))
    assert squash(f"第{page}页") in squash(pdf_text(p.pdf, tmp_path, page + 2))
    assert "第" not in pdf_text(p.pdf, tmp_path, 1).split("核验码")[-1]  # the cover carries no page number


# ---------------------------------------------------------------------------------- 核验码


def test_code_format_round_trips_and_tolerates_how_people_type_it():
    key = printcode.print_key(b"node key")
    uuid = "0196f3a2-c41b-7abc-9def-0123456789ab"
    code = printcode.make(key, "agreement", uuid, 7, printcode.content_digest({"x": 1}))
    typed = code.text().lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert printcode.parse(typed) == code
    assert printcode.authentic(key, printcode.parse(typed), uuid)
    assert not printcode.authentic(printcode.print_key(b"other node"), code, uuid)
    assert not printcode.authentic(key, code, uuid.replace("ab", "ac"))
    with pytest.raises(printcode.BadCode):
        printcode.parse(code.text()[:-2])
    assert re.fullmatch(r"A[0-9A-Z]{3}(-[0-9A-Z]{4}){5}", code.text())


def test_verify_matches_then_tells_an_unrelated_change_from_a_changed_document(printed, demo_db):
    # A case not yet filed: the follow-up below must be allowed.
    case = _pick(demo_db, lambda d: d["outcome"] == "succeeded" and d["agreement"]["form"] == "written" and d["status"] != "filed")
    with demo_db.write() as s:
        p = printing.print_document(s, cli_actor(), "agreement", case["uuid"])
    with demo_db.read() as s:
        v = printing.verify(s, cli_actor(), p.code)
    assert v.ok and v.result == "match" and v.case_no == case["case_no"] and v.printed_version == case["version"]
    # a follow-up visit changes the case (its version) but not what the agreement says
    with demo_db.write() as s:
        cases.add_followup(s, cli_actor(), case["uuid"], cases.FollowUpInput(TODAY, case["parties"][0]["name"], "回访员", "full"))
    with demo_db.read() as s:
        v = printing.verify(s, cli_actor(), p.code)
    assert v.ok and v.result == "match-older-version" and v.current_version > v.printed_version
    # …while the same follow-up changes what the follow-up record shows
    fcase, fp = printed["followup"]
    if fcase["uuid"] == case["uuid"]:
        with demo_db.read() as s:
            assert printing.verify(s, cli_actor(), fp.code).result == "changed"


def test_verify_fails_when_the_printed_content_changed(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        p = printing.print_document(s, head, "application", ref.uuid)
    with db.write() as s:
        cmd = casekit.intake(db, roster, summary="两家因楼上漏水发生争执，已多次协商。")
        cases.update_intake(s, head, ref.uuid, cmd)
    with db.read() as s:
        v = printing.verify(s, head, p.code)
    assert not v.ok and v.result == "changed" and "第 1 版" in v.message and "第 2 版" in v.message


def test_forged_or_mistyped_codes_fail(printed, demo_db):
    _case, p = printed["notice"]
    chars = p.code.replace("-", "")
    forged = chars[:-1] + ("0" if chars[-1] != "0" else "1")  # the MAC no longer fits
    other_kind = "A" + chars[1:]  # the same case and MAC, another document
    unknown = chars[0] + "ZZZZZZZZ" + chars[9:]  # no case has that uuid prefix
    with demo_db.read() as s:
        assert printing.verify(s, cli_actor(), forged).result == "forged"
        assert printing.verify(s, cli_actor(), other_kind).result == "forged"
        assert printing.verify(s, cli_actor(), unknown).result == "unknown"
        assert printing.verify(s, cli_actor(), "ABC").result == "malformed"


# ---------------------------------------------------------------------------------- the agreement


def _case_with(db, *, clauses=None, parties=None, **agreement):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    overrides = {"parties": parties} if parties else {}
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, **overrides))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        values = {"clauses": clauses} if clauses else {}
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement(**values, **agreement))
    return head, ref.uuid


@needs_poppler
def test_twenty_clauses_flow_to_page_two_and_the_signatures_stay_together(db, tmp_path):
    clauses = tuple(f"第{i}项：李四于2026年3月{i}日前向张三支付第{i}期款项人民币伍佰元，并书面确认收讫，逾期按约定承担责任。"
                    for i in range(1, 21))
    head, uuid = _case_with(db, clauses=clauses)
    with db.write() as s:
        p = printing.print_document(s, head, "agreement", uuid)
    assert p.pages >= 2
    first, last = squash(pdf_text(p.pdf, tmp_path, 1)), squash(pdf_text(p.pdf, tmp_path, p.pages))
    assert squash(clauses[0]) in first and squash("第1页共") in first
    block = ["本协议一式三份", "当事人(签名并按指印)", "人民调解员(签名)", "记录人(签名)", "北山街道人民调解委员会",
             "二〇二六年三月六日"]
    assert all(squash(b) in last for b in block), last
    assert squash(clauses[-1]) in squash(pdf_text(p.pdf, tmp_path))


@needs_poppler
def test_user_text_prints_as_typed(db, tmp_path):
    parties = (PartyInput("applicant", "person", "<b>", phone="13800000001"),
               PartyInput("respondent", "person", "李&amp;四", id_number="11010519491231002X"))
    head, uuid = _case_with(db, parties=parties, clauses=("<i>不</i>得 & 再犯 <br/>",))
    with db.write() as s:
        p = printing.print_document(s, head, "agreement", uuid)
    body = pdf_text(p.pdf, tmp_path)
    assert "<b>" in body and "李&amp;四" in body and "<i>不</i>得 & 再犯 <br/>" in body


def test_a_character_missing_from_the_font_is_refused_by_name(db):
    parties = (PartyInput("applicant", "person", "张\U00020BB7", phone="13800000001"),  # 𠮷 (Ext B)
               casekit.parties()[1])
    head, uuid = _case_with(db, parties=parties)
    with db.write() as s:
        with pytest.raises(GlyphMissing) as refused:
            printing.print_document(s, head, "agreement", uuid)
    assert "\U00020BB7" in refused.value.message and "U+20BB7" in refused.value.message
    assert "张\U00020BB7" in refused.value.message
    with db.read() as s:  # nothing printed, nothing audited
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action == "case.print")).all()


def test_an_incomplete_agreement_is_refused_with_what_is_missing(printed):
    case, _p = printed["agreement"]
    a = case["agreement"]
    bare = {**case, "parties": case["parties"][:1], "mediators": [],
            "agreement": {**a, "clauses": [" "], "performance_method": "", "performance_deadline": None,
                          "performed_on_the_spot": False}}
    reason, missing = documents.check("agreement", bare)
    assert reason is None
    assert missing == ["两方当事人", "至少一条协议内容", "履行方式", "履行期限", "调解员"]
    error = printing.Incomplete("agreement", reason, missing)
    assert error.message == "人民调解协议书尚不完整，不能打印。尚缺：两方当事人、至少一条协议内容、履行方式、履行期限、调解员。"


def test_failed_and_oral_cases_have_no_written_agreement_to_print(demo_db):
    failed = _pick(demo_db, lambda d: d["outcome"] in ("failed", "terminated"))
    oral = _pick(demo_db, lambda d: d["outcome"] == "succeeded" and d["agreement"]["form"] == "oral")
    with demo_db.write() as s:
        with pytest.raises(printing.Incomplete, match="没有调解协议可打印"):
            printing.print_document(s, cli_actor(), "agreement", failed["uuid"])
        with pytest.raises(printing.Incomplete, match="请打印人民调解口头协议登记表"):
            printing.print_document(s, cli_actor(), "agreement", oral["uuid"])
        with pytest.raises(printing.Incomplete, match="没有口头协议可打印"):
            printing.print_document(s, cli_actor(), "oral-agreement", failed["uuid"])


def test_money_is_printed_in_figures_and_capitals():
    assert text.money(170000) == "人民币壹拾柒万元整（¥170,000.00）"
    assert text.money(3000.5) == "人民币叁仟元伍角（¥3,000.50）"
    assert text.day_cn("2026-03-06") == "二〇二六年三月六日" and text.cn_number(20) == "二十"


@needs_poppler
def test_whole_id_numbers_on_the_signed_papers_audited_and_masked_elsewhere(db, tmp_path):
    from xihu_desk.services import settings

    head, uuid = _case_with(db)
    whole_id = "330106198001010013"
    with db.write() as s:
        signed = printing.print_document(s, head, "agreement", uuid)
        application = printing.print_document(s, head, "application", uuid)
        notice = printing.print_document(s, head, "notice", uuid)
        revealed = printing.print_document(s, head, "notice", uuid, reveal=True)
    assert whole_id in pdf_text(signed.pdf, tmp_path) and whole_id in pdf_text(application.pdf, tmp_path)
    assert whole_id not in pdf_text(notice.pdf, tmp_path) and revealed.code == notice.code
    with db.read() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid).order_by(AuditEvent.seq)).all()
    prints = [e for e in events if e.action == "case.print"]
    assert ["含完整证件号码" in e.summary for e in prints] == [True, True, False, True]
    assert sum(e.action == "party.reveal" for e in events) == 3
    # an office setting masks it on the signed papers too; the code is the same either way
    admin = casekit.cli_like()
    with db.write() as s:
        settings.update(s, admin, {"mask_id_on_signed_documents": 1})
        masked = printing.print_document(s, head, "agreement", uuid)
    assert whole_id not in pdf_text(masked.pdf, tmp_path) and "3301" in pdf_text(masked.pdf, tmp_path)
    assert masked.code == signed.code


# ---------------------------------------------------------------------------------- command line, templates


def test_cli_print_writes_the_file_and_verify_answers_with_its_exit_code(data_dir, capsys, tmp_path):
    from xihu_desk.services.context import cli_actor as actor

    opened = migrate.open_database(data_dir)
    with opened.db.write() as s:
        demo.fill(s, actor(), demo.DemoCommand(cases=12, seed=2, today=TODAY))
        rows = case_queries.list_cases(s, actor(), CaseFilter(status="filed"), TODAY, 0, 5)
        failed = [r for r in case_queries.list_cases(s, actor(), CaseFilter(), TODAY, 0, 50) if r.outcome == "failed"]
    opened.db.dispose()
    base = ["--data-dir", str(data_dir.root)]
    out = tmp_path / "卷宗.pdf"
    assert cli.main(["print", "casefile", rows[0].case_no, "-o", str(out), "--json", *base]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert out.read_bytes().startswith(b"%PDF") and doc["pages"] > 4 and doc["case_no"] == rows[0].case_no
    assert cli.main(["print", "verify", doc["code"], *base]) == 0
    assert "核验通过" in capsys.readouterr().out
    assert cli.main(["print", "verify", "A" * 24, *base]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("核验不通过") and "\n" not in err
    if failed:
        assert cli.main(["print", "agreement", failed[0].case_no, "-o", str(tmp_path / "x.pdf"), *base]) == 1
        assert "没有调解协议可打印" in capsys.readouterr().err
        assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(SystemExit) as usage:
        cli.main(["print", "leaflet", rows[0].case_no, "-o", str(out), *base])
    assert usage.value.code == 2


@needs_poppler
def test_an_office_can_change_the_wording_without_code(data_dir, tmp_path):
    shipped = (Path(__file__).parent.parent / "resources" / "templates" / "notice.toml").read_text(encoding="utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "notice.toml").write_text(shipped.replace('title = "人民调解当事人权利义务告知书"', 'title = "权利义务告知书（西湖版）"'),
                                        encoding="utf-8")
    opened = migrate.open_database(data_dir)
    head = casekit.head_actor(opened.db)
    roster = casekit.roster(opened.db, head)
    with opened.db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(opened.db, roster))
        p = printing.print_document(s, head, "notice", ref.uuid, templates=folder)
    opened.db.dispose()
    assert_shows(p.pdf, tmp_path, "权利义务告知书（西湖版）")


def test_documents_need_no_database_and_no_qt():
    code = ("import sys\nsys.modules['PySide6'] = None\nsys.modules['sqlalchemy'] = None\n"
            "import xihu_desk.documents, xihu_desk.documents.casefile\nprint('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_build_is_plain_data_in_pdf_out(printed):
    case, p = printed["register"]
    built = documents.build("register", json.loads(json.dumps(case)), documents.Stamp(p.code, qr=False))
    assert built.pdf.startswith(b"%PDF") and built.pages == p.pages
    assert replace(p, pdf=b"").file_name.endswith("人民调解受理登记表.pdf")


def test_a_long_build_reports_each_page_and_stops_when_asked(printed):
    case, p = printed["casefile"]
    seen = []

    class Stop(Exception):
        pass

    def page(n: int) -> None:
        seen.append(n)
        if n == 3:
            raise Stop  # the GUI's Progress.step raises Cancelled the same way

    with pytest.raises(Stop):
        documents.build("casefile", case, documents.Stamp(p.code), on_page=page)
    assert seen == [1, 2, 3]
