"""Legacy ledgers whose ID column is headed 证件号, 身份证, 身份证号码, 公民身份号码 ... or split into
证件类型 / 证件号码 beside each party: the column is recognised (cases and the mediator roster), every
number in it is checked (checksum, 15 digits, a birth date after the day the case was accepted)
and each bad one is reported on its own row; nothing of it lands unchecked in 原台账其他信息."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests import casekit
from xihu_desk.reports import ledger
from xihu_desk.services import case_ledger, mediator_ledger
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import Mediator, Party
from xihu_desk.store.ledger_models import CaseImport

GOOD = "330106198001010013"
GOOD_2 = "11010519491231002X"
BAD_CHECK = "330106198001010014"
OLD_15 = "330106800101001"
FUTURE = "330106203001010016"  # born 2030: the check digit is right, the date is not


def _book(header: list[str], rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _import(db, data: bytes) -> ledger.ImportReport:  # noqa: ANN001
    with db.write() as s:
        return case_ledger.import_ledger(s, cli_actor(), data, file_name="旧台账.xlsx")


@pytest.mark.parametrize("heading", ["证件号", "身份证", "身份证号", "身份证号码", "证件号码", "公民身份号码",
                                     "身份证号（18位）", "申请人证件号", "申请人身份证"])
def test_every_usual_id_heading_is_recognised_and_checked(db, heading):
    data = _book(["受理日期", "申请人", heading, "被申请人", "纠纷类型"], [
        ["2024-03-05", "张三", GOOD, "李四", "邻里"],
        ["2024-03-06", "王五", BAD_CHECK, "赵六", "邻里"],
        ["2024-03-07", "钱七", OLD_15, "孙八", "邻里"],
        ["2024-03-08", "周九", FUTURE, "吴十", "邻里"],
    ])
    report = _import(db, data)
    assert report.imported == 4 and report.sheets[0]["columns"]["applicant_id"] == heading
    warned = {p.row: p for p in report.problems if p.imported and p.column == heading}
    assert set(warned) == {3, 4, 5}  # one line per bad number, on its own row
    assert "校验位" in warned[3].reason and "15 位" in warned[4].reason and "出生日期" in warned[5].reason
    with db.read() as s:
        extras = [json.loads(m.extra) for m in s.scalars(select(CaseImport))]
        numbers = set(s.scalars(select(Party.id_number)))
    assert all(heading not in e for e in extras)  # not kept unchecked as 原台账其他信息
    assert GOOD in numbers and not {BAD_CHECK, OLD_15, FUTURE} & numbers


def test_an_id_column_beside_each_party_and_id_types_in_their_own_columns(db):
    data = _book(["受理日期", "申请人", "证件类型", "证件号码", "被申请人", "证件类型", "证件号码", "纠纷类型"], [
        ["2024-03-05", "张三", "居民身份证", GOOD, "李四", "身份证", GOOD_2, "邻里"],
        ["2024-03-06", "王五", "护照", "E12345678", "赵六", "居民身份证", BAD_CHECK, "邻里"],
    ])
    report = _import(db, data)
    assert report.imported == 2
    assert {k for k in report.sheets[0]["columns"]} >= {"applicant_id_type", "applicant_id", "respondent_id_type",
                                                       "respondent_id"}
    assert [(p.row, p.column) for p in report.problems if p.imported and "校验位" in p.reason] == [(3, "证件号码")]
    with db.read() as s:
        parties = {p.name: p for p in s.scalars(select(Party))}
    assert parties["张三"].id_number == GOOD and parties["李四"].id_number == GOOD_2
    assert parties["王五"].id_type == "passport" and parties["王五"].id_number == "E12345678"
    assert parties["赵六"].id_number == ""


def test_an_id_typed_as_a_number_says_why_it_is_wrong(db):
    data = _book(["受理日期", "申请人", "身份证号码", "被申请人", "纠纷类型"],
                 [["2024-03-05", "张三", 330106198001010013, "李四", "邻里"]])  # Excel keeps 15 significant digits
    report = _import(db, data)
    assert report.imported == 1
    assert any("数字格式" in p.reason for p in report.problems)


def test_an_exported_ledger_has_no_id_from_an_unrecognised_column(db, tmp_path):
    data = _book(["受理日期", "申请人", "被申请人", "纠纷类型", "备注"],
                 [["2024-03-05", "张三", "李四", "邻里", f"申请人身份证{GOOD}，被申请人{OLD_15}"]])
    assert _import(db, data).imported == 1
    with db.write() as s:
        out = case_ledger.export_ledger(s, cli_actor())
    texts = [str(c.value) for ws in openpyxl.load_workbook(io.BytesIO(out)).worksheets for row in ws.iter_rows()
             for c in row if c.value is not None]
    assert not any(GOOD in t or OLD_15 in t for t in texts)
    assert any("3301**********0013" in t for t in texts) and any("3301*******1001" in t for t in texts)


@pytest.mark.parametrize("heading", ["证件号", "身份证", "公民身份号码", "身份证件号码"])
def test_roster_import_recognises_the_id_heading_and_reports_bad_numbers_by_row(db, heading):
    actor = casekit.head_actor(db)
    data = _book(["姓名", "调委会", heading, "性别"], [
        ["周一", "北山街道人民调解委员会", GOOD, "男"],
        ["吴二", "北山街道人民调解委员会", BAD_CHECK, "男"],
        ["郑三", "北山街道人民调解委员会", OLD_15, "男"],
    ])
    with db.write() as s:
        report = mediator_ledger.import_roster(s, actor, data)
    assert report.sheets[0]["columns"]["id_number"] == heading
    problems = {p.row: p for p in report.problems}
    assert report.imported == 1 and "校验位" in problems[3].reason and "15 位" in problems[4].reason
    assert problems[3].column == heading
    with db.read() as s:
        assert s.scalar(select(Mediator.id_number).where(Mediator.name == "周一")) == GOOD


def test_one_id_column_for_both_sides_checks_every_number(db):
    data = _book(["受理日期", "当事人", "身份证号码", "纠纷类型"], [
        ["2024-03-05", "张三与李四", f"{GOOD}、{GOOD_2}", "邻里"],
        ["2024-03-06", "王五与赵六", f"{GOOD}、{BAD_CHECK}", "邻里"],
    ])
    report = _import(db, data)
    assert report.imported == 2 and not any("多出" in p.reason for p in report.problems)
    assert [(p.row, p.column) for p in report.problems if "校验位" in p.reason] == [(3, "身份证号码")]
    with db.read() as s:
        parties = {p.name: p.id_number for p in s.scalars(select(Party))}
    assert parties["李四"] == GOOD_2 and parties["赵六"] == "" and parties["王五"] == GOOD
