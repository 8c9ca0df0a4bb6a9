"""Masking is a property of every export, not of known columns; formula neutralisation is one path.

Canary ID numbers are planted in every free-text field the app keeps (case facts and claims, party
address, agreement clauses and facts, records, follow-up notes, the columns a legacy ledger kept,
review titles, notes, opinions and adoption reasons, mediator notes, the grading opinion ...).
Every workbook any ledger or report writes is opened with openpyxl and every cell of every sheet
is scanned, and every command-line document is read: no canary appears whole, no cell is a live
formula (a review type of =HYPERLINK(...) received in a bundle included), birth dates show the
year only; ``--reveal`` by a role that may gives the full text back and is audited."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl import Workbook

from tests import anydb, casekit, reviewkit
from xihu_desk import cli
from xihu_desk.domain import idnumber
from xihu_desk.reports import ledger
from xihu_desk.reports import mediation_stats as layouts
from xihu_desk.services import (
    case_ledger,
    cases,
    mediation_stats,
    mediator_ledger,
    mediators,
    review_ledger,
    reviews,
)
from xihu_desk.services.context import cli_actor

CANARIES: list[str] = []


def canary(kind: str = "18") -> str:
    """A fresh ID-shaped number: 18 characters ending in X, 15 digits, or 18 full-width digits."""
    n = len(CANARIES)
    value = {"18": f"33010619900101{n:03d}X", "15": f"330106900101{n:03d}",
             "wide": "".join(chr(ord(c) + 0xFEE0) for c in f"3301061990010{n:03d}12")}[kind]
    CANARIES.append(value)
    return value


# fits review_item.item_type (20 characters), which a PostgreSQL column enforces as a bundle import does
HYPERLINK = '=HYPERLINK("x","点此")'


@pytest.fixture
def planted(db, data_dir, tmp_path):
    CANARIES.clear()
    head = casekit.head_actor(db)
    team = casekit.roster(db, head)
    with db.write() as s:
        m = mediators.get(s, team[0])
        mediators.update_mediator(s, head, m.uuid, mediators.MediatorCommand(
            m.name, m.committee_uuid, note=f"身份证 {canary()}", registration_no=canary("15")))
        mediators.add_training(s, head, team[0], mediators.TrainingInput(
            date(2026, 1, 5), f"培训（学员证件 {canary()}）", "2", note=canary()))
    parties = (casekit.parties()[0].__class__("applicant", "person", "张三", id_number="330106198001010013",
                                              address=f"文三路1号（房东证件{canary()}）", phone="13800000001"),
               casekit.parties()[1])
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(
            db, team, parties=parties, summary=f"事实：{canary()}与{canary('15')}相邻", claims=f"请求：{canary('wide')}",
            referrer_name=""))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "oral")
        rec = casekit.record(when=datetime(2026, 3, 4, 9, 30))
        cases.add_record(s, head, ref.uuid, cases.RecordInput(**{**rec.__dict__, "body": f"笔录 {canary()}"}))
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement(
            clauses=(f"李四（{canary()}）赔偿", "=1+2"), facts=f"查明 {canary()}", effective_on=date(2026, 3, 6)))
        cases.add_followup(s, head, ref.uuid, cases.FollowUpInput(
            date(2026, 3, 8), "张三", "周调解", "partial", "satisfied", risks=f"风险 {canary()}", measures=canary()))
    legacy = Workbook()
    legacy.active.append(["受理日期", "申请人", "被申请人", "纠纷类型", "备注", "原登记人证件"])
    legacy.active.append(["2024-03-05", "王五", "赵六", "邻里", f"旧台账 {canary()}", canary()])
    legacy.active.append(["2024-03-06", f"错行{canary()}", None, "邻里", None, None])  # refused: in the problem list
    legacy_path = tmp_path / "旧台账.xlsx"
    legacy.save(legacy_path)
    with db.write() as s:
        report = case_ledger.import_ledger(s, cli_actor(), legacy_path)
    shen = reviewkit.reviewer(db, date(2026, 3, 2))
    with db.write() as s:
        ref = reviews.register(s, shen, reviewkit.command(title=f"关于{canary()}的决定", note=canary(),
                                                           unit=f"城建办{canary('15')}"))
        reviews.record_opinion(s, shen, ref.uuid, reviews.OpinionInput(
            date(2026, 2, 27), "lawful_amended", issues=f"意见：{canary()}", points=1))
        reviews.record_after(s, shen, ref.uuid, reviews.AfterInput(adoption="not_adopted", adoption_reason=canary()))
        bundled = reviews.register(s, shen, reviewkit.command(title="从数据包收到的事项"))
    # A record that came in a bundle with a type no code list has (a live formula in a workbook).
    anydb.execute(db, "UPDATE review_item SET item_type = :t WHERE uuid = :u", params={"t": HYPERLINK, "u": bundled.uuid})
    assert len(CANARIES) > 20
    return {"head": head, "report": report, "legacy": legacy_path}


def _cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _leaks(text: str) -> list[str]:
    return [c for c in CANARIES if c in text]


def _workbooks(db, planted) -> dict[str, bytes]:
    actor = cli_actor()
    out = {}
    with db.write() as s:
        out["case ledger"] = case_ledger.export_ledger(s, actor)
        out["review ledger"] = review_ledger.export_ledger(s, actor, today=date(2026, 3, 9))
        out["review statistics"] = review_ledger.statistics_workbook(s, actor, date(2026, 1, 1), date(2026, 12, 31),
                                                                    date(2026, 3, 9))
        out["roster"] = mediator_ledger.export_roster(s, actor)
        out["grading results"] = mediator_ledger.results_workbook(s, actor, date(2026, 1, 1), date(2026, 12, 31))
        layout = layouts.load_layout()
        stats = mediation_stats.compute(s, actor, mediation_stats.StatsQuery(date(2024, 1, 1), date(2026, 12, 31)), layout)
    out["mediation statistics"] = layouts.workbook(stats, layout)
    out["problem list"] = case_ledger.problems_workbook(planted["report"], "旧台账.xlsx")
    return out


def test_no_canary_whole_and_no_formula_in_any_workbook(db, planted):
    books = _workbooks(db, planted)
    for name, data in books.items():
        cells = _cells(data)
        assert cells, name
        assert not [c.coordinate for c in cells if c.data_type == "f"], name
        texts = "\n".join(str(c.value) for c in cells)
        assert not _leaks(texts), (name, _leaks(texts))
    # The canaries are there, masked (the fields were exported, not dropped).
    ledger_text = "\n".join(str(c.value) for c in _cells(books["case ledger"]))
    assert "3301**********" in ledger_text and "（房东证件3301" in ledger_text
    stats_cells = _cells(books["review statistics"])
    assert "'" + HYPERLINK in [c.value for c in stats_cells]


def test_reveal_gives_the_full_text_to_a_role_that_may_and_is_audited(db, planted):
    with db.write() as s:
        full = case_ledger.export_ledger(s, cli_actor(), reveal=True)
        reviews_full = review_ledger.export_ledger(s, cli_actor(), today=date(2026, 3, 9), reveal=True)
    text = "\n".join(str(c.value) for c in _cells(full))
    assert "330106198001010013" in text and [c for c in CANARIES if c in text]
    assert [c for c in CANARIES if c in "\n".join(str(c.value) for c in _cells(reviews_full))]
    assert not [c for c in _cells(full) if c.data_type == "f"]  # neutralised all the same
    shen = reviewkit.reviewer(db)
    with db.write() as s, pytest.raises(Exception, match=r"权限|无权"):
        review_ledger.export_ledger(s, shen, reveal=True)
    actions = [a for (a,) in anydb.rows(db, "SELECT action FROM audit_event WHERE action = 'party.reveal'")]
    assert len(actions) >= 2


def _run(capsys, *argv: str) -> str:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_no_canary_whole_in_any_command_line_document(db, data_dir, planted, capsys, tmp_path):
    home = ["--data-dir", str(data_dir.root)]
    listing = json.loads(_run(capsys, "case", "list", "--json", *home))
    numbers = [c["case_no"] for c in listing["cases"]]
    outputs = {"case list": json.dumps(listing, ensure_ascii=False),
               "case list text": _run(capsys, "case", "list", *home)}
    for no in numbers:
        doc = _run(capsys, "case", "show", no, "--json", *home)
        outputs[f"case show {no}"] = doc
        outputs[f"case show text {no}"] = _run(capsys, "case", "show", no, *home)
        for p in json.loads(doc)["parties"]:
            assert p["birth_date"] is None or len(p["birth_date"]) == 4  # the year only
    review_list = json.loads(_run(capsys, "review", "list", "--json", *home))
    outputs["review list"] = json.dumps(review_list, ensure_ascii=False)
    for r in review_list["reviews"]:
        outputs[f"review show {r['number']}"] = _run(capsys, "review", "show", r["number"], "--json", *home)
    outputs["mediator list"] = _run(capsys, "mediator", "list", "--all", "--json", *home)
    outputs["ledger import"] = _run(capsys, "ledger", "import", str(planted["legacy"]), "--dry-run", "--json", *home)
    outputs["ledger import text"] = _run(capsys, "ledger", "import", str(planted["legacy"]), "--dry-run", *home)
    for name, text in outputs.items():
        assert not _leaks(text), (name, _leaks(text))
    shown = outputs[f"case show {numbers[-1]}"]
    assert "请求：" in shown and "笔录" in shown and "赔偿" in shown  # the fields are printed, masked
    # Revealed on request (a role that may; audited by the service): the full numbers and dates.
    revealed = _run(capsys, "case", "show", numbers[-1], "--json", "--reveal", *home)
    assert _leaks(revealed) and "1980-01-01" in revealed
    for kind in ("cases", "reviews", "mediators"):
        target = tmp_path / f"{kind}.xlsx"
        doc = json.loads(_run(capsys, "ledger", "export", "--kind", kind, "-o", str(target), "--json", *home))
        assert doc["masked"] and not _leaks("\n".join(str(c.value) for c in _cells(target.read_bytes())))
        _run(capsys, "ledger", "export", "--kind", kind, "-o", str(target), "--reveal", *home)
        assert _leaks("\n".join(str(c.value) for c in _cells(target.read_bytes()))), kind


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "\0=1", "正常\x1b[31m"])
def test_one_cell_path_neutralises_and_cleans_whatever_the_writer(value):
    wb = Workbook()
    wb.active["A1"] = value.replace("\0", "").replace("\x1b", "")  # what a careless writer could put there
    wb.active.cell(2, 1, ledger.safe_text(value))
    cells = _cells(ledger.to_bytes(wb))
    assert not [c for c in cells if c.data_type == "f"]
    assert all(not str(c.value).startswith(ledger.FORMULA_START) for c in cells)
    assert all("\x1b" not in str(c.value) and "\0" not in str(c.value) for c in cells)


def test_mask_text_keeps_first_and_last_four_like_the_lists():
    assert idnumber.mask_text("证件 330106198001010013。") == f"证件 {idnumber.mask('330106198001010013')}。"
    assert idnumber.mask("330106198001010013") == "3301**********0013"
    assert idnumber.mask_text("电话 13800000001，案号 （2026）北山人调字第0012号") == "电话 13800000001，案号 （2026）北山人调字第0012号"
    assert idnumber.mask_text("a" * 10 + "0" * 54) == "a" * 10 + "0" * 54  # a digest is not an ID
    digest = "sha256:" + "ab12" + "330106198001010013" + "cd" * 20
    assert idnumber.mask_text(digest) == digest
    assert idnumber.mask_text("ID330106198001010013") == "ID3301**********0013"
    assert idnumber.mask_text("身份证 330106 19800101 001X 号") == "身份证 3301**********001X 号"
    assert idnumber.mask_text("旧证330106-800101-001") == "旧证3301*******1001"
    assert idnumber.mask_text("11010519491231002x。") == "1101**********002x。"
    assert idnumber.mask_text("33010619800101001312") == "33010619800101001312"  # 20 digits: not an ID
    # A company's credit code in digits only is public and stays readable (no resident ID begins with 9).
    assert idnumber.mask_text("信用代码 913301061432657042") == "信用代码 913301061432657042"
    assert idnumber.mask_text("913301061432657043") == "9133**********7043"  # not a valid code: masked
    assert idnumber.scrub({"birth_date": "1980-01-01", "n": [330106198001010013]}) == {
        "birth_date": "1980", "n": ["3301**********0013"]}
    assert idnumber.scrub({"birth_date": "1980-01-01"}, reveal=True) == {"birth_date": "1980-01-01"}


def test_command_line_text_carries_no_terminal_control_characters(capsys):
    import argparse

    from xihu_desk.cli import common as cli_emit

    cli_emit.emit(argparse.Namespace(json=False), {}, "张三\x1b[2J\r李四\x00 330106198001010013\n下一行\t制表")
    out = capsys.readouterr().out
    assert out == "张三[2J李四 3301**********0013\n下一行\t制表\n"
