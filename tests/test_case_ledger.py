"""The case ledger in Excel: legacy ledgers in (the sample, a messy hand-made one, every row
accounted for, a second import adds nothing, fix and import again), the ledger out (masked ID
numbers, formulas neutralised, imports again as duplicates), and the workbook safety limits."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests import anydb, casekit, statskit
from xihu_desk import cli
from xihu_desk.domain.errors import UserError
from xihu_desk.reports import case_ledger as columns_module
from xihu_desk.reports import ledger
from xihu_desk.services import case_ledger, case_queries, cases
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.ledger_models import CaseImport

SAMPLE = Path(__file__).parent / "data" / "sample-ledger-cases.xlsx"  # copy of shared/data/
PROBLEM_KEYS = {"sheet", "row", "column", "value", "reason", "imported"}


def _import(db, source, **kwargs) -> ledger.ImportReport:  # noqa: ANN001
    with db.write() as s:
        return case_ledger.import_ledger(s, cli_actor(), source, **kwargs)


def _count(db) -> int:  # noqa: ANN001
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(MediationCase).where(MediationCase.deleted.is_(False)))


def _accounted(report: ledger.ImportReport) -> None:
    """design.md §10: every row is imported, a duplicate, or a problem with imported false."""
    refused_rows = {(p.sheet, p.row) for p in report.problems if not p.imported}
    assert report.imported + report.duplicates + len(refused_rows) == report.rows
    assert len(refused_rows) == report.refused


# ---------------------------------------------------------------- values and words


@pytest.mark.parametrize(("value", "fen"), [
    (12000, 1_200_000), (12000.5, 1_200_050), ("12,000元", 1_200_000), ("１２０００", 1_200_000), ("￥3,500.00", 350_000),
    ("1.2万", 1_200_000), ("1.2万元", 1_200_000), ("一万二千", 1_200_000), ("壹万贰仟元整", 1_200_000),
    ("人民币5000元整", 500_000), (" 800 元 ", 80_000), ("无", None), ("", None), (None, None),
])
def test_amounts_as_people_write_them(value, fen):
    assert ledger.parse_amount(value) == fen


@pytest.mark.parametrize("value", ["-300", "十二美元", "大约两千", True])
def test_bad_amounts_say_why(value):
    with pytest.raises(ValueError, match="金额"):
        ledger.parse_amount(value)


def test_dispute_types_in_the_words_people_use():
    labels = {"01": "婚姻家庭", "02": "邻里", "04": "合同", "10": "劳动争议", "13": "道路交通事故", "14": "物业", "99": "其他"}
    parse = columns_module.dispute_parser(labels)
    assert parse("邻里") == ("02", "") and parse("邻里纠纷") == ("02", "") and parse("02") == ("02", "")
    assert parse("赡养纠纷") == ("01", "赡养") and parse("劳资") == ("10", "") and parse("欠薪") == ("10", "欠薪")
    assert parse("交通事故纠纷") == ("13", "") and parse("物业服务合同纠纷") == ("14", "物业服务合同")
    assert parse("其它") == ("99", "") and parse(None) is None
    with pytest.raises(ValueError, match="邻里"):
        parse("天气")


# ---------------------------------------------------------------- the sample ledger


def test_sample_ledger_imports_with_a_full_report_and_only_once(db):
    dry = _import(db, SAMPLE, dry_run=True)
    assert dry.dry_run and dry.rows == 60 and dry.imported == 60 and _count(db) == 0
    report = _import(db, SAMPLE)
    _accounted(report)
    doc = report.as_json()
    assert {"kind", "rows", "imported", "duplicates", "problems"} <= set(doc) and doc["kind"] == "cases"
    assert all(set(p) == PROBLEM_KEYS for p in doc["problems"])
    json.dumps(doc, ensure_ascii=False)
    assert report.rows == 60 and report.imported == 60 and _count(db) == 60
    # Companies on the sample lack a credit code; its mediators are not on this node's roster: warned.
    assert all(p.imported for p in report.problems)
    assert {p.column for p in report.problems} <= {"被申请人", "调解员"}
    assert any(n.startswith("调解员名册中没有这些调解员") and "陈静（" in n for n in report.notes)
    with db.read() as s:
        marks = list(s.scalars(select(CaseImport)))
        assert len(marks) == 60 and {m.sheet for m in marks} == {"2024年"} and sorted(m.row for m in marks) == list(range(3, 63))
        first = next(m for m in marks if m.row == 3)
        assert json.loads(first.extra)["序号"] == "1"  # an unknown column stays with the case
        detail = case_queries.case_detail(s, cli_actor(), first.case_uuid)
    assert detail["accepted_on"] == "2024-03-10" and detail["dispute_type"] == "消费"
    assert detail["outcome"] == "succeeded" and detail["agreement_form"] == "oral" and detail["agreement"]["amount"] == 170000
    assert detail["parties"][0]["id_number"].startswith("3301") and "*" in detail["parties"][0]["id_number"]
    again = _import(db, SAMPLE)
    assert (again.imported, again.duplicates, again.refused) == (0, 60, 0) and _count(db) == 60


# ---------------------------------------------------------------- a messy ledger of our own


def test_messy_ledger_every_row_accounted_for_and_second_import_adds_nothing(db, tmp_path):
    path = tmp_path / "messy.xlsx"
    expected = statskit.messy_ledger(path)
    report = _import(db, path)
    _accounted(report)
    assert (report.rows, report.imported, report.duplicates, report.refused) == (
        expected["rows"], expected["imported"], expected["duplicates"], expected["refused"])
    assert _count(db) == expected["imported"]
    refused = {(p.sheet, p.row): p for p in report.problems if not p.imported}
    assert "缺少被申请人" in refused[("2024年台账", 10)].reason
    assert refused[("2024年台账", 14)].value == "2024-02-30" and "不存在的日期" in refused[("2024年台账", 14)].reason
    assert refused[("2024年台账", 15)].value == "天气"
    assert "合计行" in refused[("2024年台账", 20)].reason
    assert refused[("2025年", 4)].value == "不存在的调委会"
    warned = {(p.sheet, p.row, p.column): p for p in report.problems if p.imported}
    assert warned[("2024年台账", 6, "身份证号")].value == statskit.BAD_ID and "校验位" in warned[("2024年台账", 6, "身份证号")].reason
    assert "18 位" in warned[("2024年台账", 7, "身份证号")].reason
    assert "遮蔽" in warned[("2024年台账", 8, "身份证号")].reason
    assert "负数" in warned[("2024年台账", 19, "协议金额（元）")].reason
    assert any("说明" in n and "没有找到台账表头" in n for n in report.notes)
    with db.read() as s:
        by_row = {(m.sheet, m.row): m.case_uuid for m in s.scalars(select(CaseImport))}
        rows = {k: s.get(MediationCase, v) for k, v in by_row.items()}
        first = case_queries.case_detail(s, cli_actor(), by_row[("2024年台账", 5)])
        second = case_queries.case_detail(s, cli_actor(), by_row[("2024年台账", 6)])
        org = case_queries.case_detail(s, cli_actor(), by_row[("2024年台账", 8)])
        extra = json.loads(s.get(CaseImport, by_row[("2024年台账", 5)]).extra)
    assert first["accepted_on"] == "2024-03-05" and first["closed_on"] == "2024-03-20"
    assert first["agreement"]["amount"] == 12000 and first["agreement_form"] == "written"
    assert first["parties"][0]["id_number"] == "3301**********0013" and extra == {"序号": "1", "备注": "已回访"}
    assert second["dispute_type_code"] == "01" and second["dispute_subtype"] == "赡养"
    assert second["agreement"]["amount"] == 12000 and second["parties"][0]["id_number"] == ""
    assert org["parties"][1]["kind"] == "org" and org["agreement"]["amount"] == 3500
    # Dates in every form people type, full-width digits included.
    assert [rows[("2024年台账", r)].accepted_on for r in (5, 6, 7, 8, 11, 12, 13)] == [
        date(2024, 3, 5), date(2024, 3, 6), date(2024, 3, 7), date(2024, 3, 8), date(2024, 3, 11), date(2024, 3, 12),
        date(2024, 3, 13)]
    assert rows[("2024年台账", 7)].outcome == "failed" and rows[("2024年台账", 11)].outcome == "terminated"
    assert rows[("2024年台账", 12)].outcome is None and rows[("2024年台账", 12)].status == "accepted"
    again = _import(db, path)
    assert (again.imported, again.duplicates, again.refused) == (0, expected["imported"] + expected["duplicates"],
                                                                 expected["refused"])
    assert _count(db) == expected["imported"]


def test_problem_list_is_a_workbook_to_fix_and_import_again(db, tmp_path):
    path = tmp_path / "messy.xlsx"
    statskit.messy_ledger(path)
    report = _import(db, path)
    book = openpyxl.load_workbook(io.BytesIO(case_ledger.problems_workbook(report, path.name)))
    ws = book["问题清单"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("缺少被申请人" in t for t in texts) and "天气" in texts
    # The clerk corrects the refused rows in the ledger and imports it again: only those are added.
    wb = openpyxl.load_workbook(path)
    ws = wb["2024年台账"]
    ws["F10"] = "冯某"
    ws["B14"] = "2024-02-28"
    ws["G15"] = "其他"
    wb["2025年"]["B4"] = "北山街道人民调解委员会"
    wb.save(path)
    fixed = _import(db, path)
    _accounted(fixed)
    assert (fixed.imported, fixed.refused) == (4, 1)  # the total row stays refused
    assert _count(db) == report.imported + 4


def test_rows_refused_by_the_services_leave_nothing(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["受理日期", "申请人", "被申请人", "纠纷类型", "调解结果", "结案日期", "案件来源"])
    ws.append(["2024-05-01", "甲", "乙", "邻里", "调解成功", "2024-04-01", "申请"])  # closed before accepted
    ws.append(["2099-05-01", "丙", "丁", "邻里", None, None, "申请"])  # accepted in the future
    ws.append(["2024-05-02", "戊", "己", "邻里", "调解不成", "2024-05-09", "委托移送"])  # referral: 移送单位 from the cell
    path = tmp_path / "rules.xlsx"
    wb.save(path)
    report = _import(db, path)
    _accounted(report)
    assert (report.imported, report.refused) == (1, 2) and _count(db) == 1
    reasons = {p.row: p.reason for p in report.problems if not p.imported}
    assert "早于受理日期" in reasons[2] and "晚于今天" in reasons[3]
    with db.read() as s:
        case = s.scalars(select(MediationCase)).one()
    assert case.source == "referral" and case.referrer_name == "委托移送" and case.referrer_type == "other"


# ---------------------------------------------------------------- the export


def test_export_masks_ids_neutralises_formulas_and_imports_again_as_duplicates(db, tmp_path):
    actor = casekit.head_actor(db)
    ids = casekit.roster(db, actor)
    parties = (casekit.parties()[0].__class__("applicant", "person", "=HYPERLINK(\"x\")", id_number=casekit.parties()[0].id_number),
               casekit.parties()[1])
    with db.write() as s:
        cases.open_case(s, actor, casekit.intake(db, ids, parties=parties, summary="+1 先付一半；@所有人\t-2"))
    _import(db, SAMPLE)
    with db.write() as s:
        data = case_ledger.export_ledger(s, cli_actor())
    ws = openpyxl.load_workbook(io.BytesIO(data))["案件台账"]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"x\")" in texts and "'+1 先付一半；@所有人\t-2" in texts
    assert not any(ledger.parse_text(t) != t.strip() for t in texts if not t.startswith("'"))
    assert not any(len(t) == 18 and t[:17].isdigit() for t in texts)  # no full ID number anywhere
    assert any(t.startswith("3301") and "*" in t for t in texts)
    header_row = next(r for r in ws.iter_rows(values_only=True) if r and r[0] == "序号")
    assert {"案件编号", "受理日期", "申请人身份证号", "导入来源", "原台账其他信息"} <= set(header_row)
    assert ws.freeze_panes and ws.page_setup.orientation == "landscape"
    out = tmp_path / "exported.xlsx"
    out.write_bytes(data)
    again = _import(db, out)
    _accounted(again)
    assert again.imported == 0 and again.duplicates == 61
    with db.write() as s:
        full = case_ledger.export_ledger(s, cli_actor(), reveal=True)
    texts = [c.value for row in openpyxl.load_workbook(io.BytesIO(full)).active.iter_rows() for c in row if isinstance(c.value, str)]
    assert casekit.parties()[0].id_number in texts
    actions = [a for (a,) in anydb.rows(db.engine, "SELECT action FROM audit_event WHERE action IN "
                                        "('ledger.export_cases', 'party.reveal') ORDER BY seq")]
    assert actions == ["ledger.export_cases", "party.reveal"]


# ---------------------------------------------------------------- safety


def test_defusedxml_is_active_and_an_entity_bomb_is_refused(db, tmp_path):
    from openpyxl import xml as openpyxl_xml

    assert openpyxl_xml.DEFUSEDXML
    wb = Workbook()
    wb.active.append(["受理日期", "申请人", "被申请人", "纠纷类型"])
    wb.active.append(["2024-03-05", "张三", "李四", "邻里"])
    good = io.BytesIO()
    wb.save(good)
    out = io.BytesIO()
    doctype = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                data = (doctype + text.replace("张三", "&lol2;")).encode()
            dst.writestr(item, data)
    with pytest.raises(UserError, match="损坏|无法读取"):
        _import(db, out.getvalue())
    assert _count(db) == 0
    with pytest.raises(ledger.LedgerError) as info:  # refused by defusedxml, not by luck
        ledger.read(out.getvalue(), columns_module.columns({"02": "邻里"}))
    chain, error = [], info.value
    while error is not None:
        chain.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    assert "EntitiesForbidden" in chain


def test_limits_refuse_the_whole_workbook(db, tmp_path, monkeypatch):
    monkeypatch.setattr(ledger, "MAX_ROWS", 40)
    with pytest.raises(UserError, match="超过 40 行"):
        _import(db, SAMPLE)
    assert _count(db) == 0
    monkeypatch.setattr(ledger, "MAX_ROWS", 200_000)
    monkeypatch.setattr(ledger, "MAX_FILE_BYTES", 1000)
    with pytest.raises(UserError, match="文件过大"):
        _import(db, SAMPLE)
    monkeypatch.setattr(ledger, "MAX_FILE_BYTES", 50 * 1024 * 1024)
    wb = Workbook()
    for i in range(3):
        wb.create_sheet(f"表{i}")
    many = tmp_path / "many.xlsx"
    wb.save(many)
    monkeypatch.setattr(ledger, "MAX_SHEETS", 2)
    with pytest.raises(UserError, match="4 张工作表"):
        _import(db, many)
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (30 * 1024 * 1024) + b">")
    with pytest.raises(UserError, match="压缩"):
        _import(db, packed.getvalue())
    with pytest.raises(UserError, match="xlsx"):
        _import(db, b"not an excel file")


# ---------------------------------------------------------------- the command line


def _run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_ledger_import_and_export_cases(capsys, data_dir, tmp_path):
    home = str(data_dir.root)
    path = tmp_path / "messy.xlsx"
    expected = statskit.messy_ledger(path)
    code, out, _ = _run(capsys, "ledger", "import", str(path), "--kind", "cases", "--dry-run", "--json", "--data-dir", home)
    doc = json.loads(out)
    assert code == 0 and doc["dry_run"] and doc["imported"] == expected["imported"]
    assert all(set(p) == PROBLEM_KEYS for p in doc["problems"])
    problems = tmp_path / "问题清单.xlsx"
    code, out, _ = _run(capsys, "ledger", "import", str(path), "--kind", "cases", "--problems", str(problems), "--data-dir", home)
    assert code == 0 and out.startswith(f"共 {expected['rows']} 行：已导入 {expected['imported']} 行") and problems.is_file()
    target = tmp_path / "台账.xlsx"
    code, out, _ = _run(capsys, "ledger", "export", "--kind", "cases", "-o", str(target), "--json", "--data-dir", home)
    doc = json.loads(out)
    # title, two lines, a blank row, the header, one row per case
    assert code == 0 and doc["masked"] and openpyxl.load_workbook(target)["案件台账"].max_row == 5 + expected["imported"]
