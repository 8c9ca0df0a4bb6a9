"""The roster and grading on the command line (design.md §10), the roster to and from Excel, the
grading results workbook, and the printed application form."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from tests import casekit, mediatorkit
from xihu_desk import cli
from xihu_desk.documents import mediator_application
from xihu_desk.documents.fonts import GlyphMissing
from xihu_desk.services import grading, mediators
from xihu_desk.services.context import cli_actor

POPPLER = shutil.which("pdftotext")


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def base(data_dir):
    return ["--data-dir", str(data_dir.root)]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_mediator_list_and_evidence_json(db, head, base, capsys, tmp_path):
    zhou = mediatorkit.mediator(db, head, "周调解", "full_time", appointed=date(2021, 1, 1))
    mediatorkit.mediator(db, head, "王律师", "invited")
    for accepted, kind in ((date(2024, 5, 1), "written"), (date(2025, 5, 1), "oral"), (date(2025, 8, 1), "failed")):
        mediatorkit.make_case(db, head, [zhou], accepted, kind, followups=1 if kind != "failed" else 0)
    with db.write() as s:
        mediators.add_training(s, head, zhou, mediators.TrainingInput(date(2025, 3, 1), "业务培训", "6"))
        mediators.add_event(s, head, zhou, mediators.EventInput("complaint", date(2025, 9, 1), "态度问题", outcome="rejected"))
    code, out, _ = run(capsys, "mediator", "list", "--json", *base)
    listed = json.loads(out)["mediators"]
    assert code == 0 and sorted(m["name"] for m in listed) == ["周调解", "王律师"]
    listed = sorted(listed, key=lambda m: m["name"] != "王律师")
    assert {k: listed[1][k] for k in ("id", "name", "committee", "employment_type", "grade")} == {
        "id": zhou, "name": "周调解", "committee": "北山街道人民调解委员会", "employment_type": "full_time", "grade": None}
    assert listed[0]["employment_type"] == "invited"

    code, out, _ = run(capsys, "mediator", "evidence", zhou[-8:], "--from", "2024-01-01", "--to", "2025-12-31", "--json", *base)
    doc = json.loads(out)
    assert code == 0
    assert {k: doc[k] for k in ("mediator", "from", "to", "cases_total", "cases_succeeded", "success_rate", "oral_share",
                                "followups", "training_hours", "complaints")} == {
        "mediator": zhou, "from": "2024-01-01", "to": "2025-12-31", "cases_total": 3, "cases_succeeded": 2,
        "success_rate": 0.6667, "oral_share": 0.3333, "followups": 2, "training_hours": 6.0, "complaints": 1}
    assert doc["years_of_service"] == 4.9 and doc["evaluation"] is None  # no level of Zhejiang's scheme met
    with db.read() as s:
        assert doc == {**grading.evidence(s, head, zhou, date(2024, 1, 1), date(2025, 12, 31)).as_json(),
                       "rule_set": "zhejiang-2017", "evaluation": None}  # the default scheme

    out_pdf = tmp_path / "申请表.pdf"
    code, out, _ = run(capsys, "mediator", "evidence", "周调解", "--from", "2024-01-01", "--to", "2025-12-31",
                       "--rule-set", "national", "--level", "4", "-o", str(out_pdf), *base)
    assert code == 0 and f"申请表已写入：{out_pdf}" in out
    assert "调解纠纷数不低于 50 件：实际 3 件" in out
    data = out_pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data
    if POPPLER:
        text = pdf_text(out_pdf)
        for fragment in ("人民调解员等级评定申请表", "周调解", "全国人民调解员等级评定", "调解纠纷数不低于 50 件", "未达到",
                         "2024年1月1日 至 2025年12月31日", "（已结 3 件）"):
            assert fragment in text
        assert text.count("示例") == 1 and "广东" not in text  # said once, under the conditions
    code, _out, err = run(capsys, "mediator", "evidence", "无此人", *base)
    assert code == 1 and err.startswith("错误：找不到调解员“无此人”")


def office_workbook(path) -> None:
    """A roster as an office keeps it: a title, its own spellings, a few bad rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(["北山街道人民调解员名册（2025年）"])
    ws.append([])
    ws.append(["序号", "姓名", "性别", "身份证号码", "手机", "所在调委会", "专兼职", "文化程度", "政治面貌", "聘任时间", "备案号",
               "调解员等级", "备注"])
    ws.append([1, "周调解", "男", "330106197003150015", "13900000001", "北山街道人民调解委员会", "专职调解员", "本科", "党员",
               "2020/3/1", "西司调备〔2020〕001号", "四级", ""])
    ws.append([2, "吴调解", "女", "3301**********0027", "13900000002", "北山", "兼职", "大专", "群众", "2021年5月1日", "", "", ""])
    ws.append([3, "郑调解", "男", "330106196511110031", "", "古荡调委会", "兼职", "", "", "", "", "", ""])
    ws.append([4, "小调解", "男", "330106201501010014", "", "北山街道人民调解委员会", "兼职", "", "", "", "", "", ""])
    ws.append([5, "周调解", "男", "", "", "北山街道人民调解委员会", "兼职", "", "", "", "", "", "同名同调委会"])
    ws.append([6, "王律师", "男", "330106198001010013", "", "北山街道人民调解委员会", "特邀", "硕士", "", "2024.6.1", "", "", ""])
    ws.append(["合计", "6 人"])
    wb.save(path)


def test_roster_import_accounts_for_every_row_and_export_imports_again(db, base, capsys, tmp_path):
    source = tmp_path / "名册.xlsx"
    office_workbook(source)
    code, out, _ = run(capsys, "ledger", "import", str(source), "--kind", "mediators", "--json", *base)
    report = json.loads(out)
    assert code == 0
    assert (report["kind"], report["rows"], report["imported"], report["duplicates"], report["refused"]) == (
        "mediators", 7, 3, 1, 3)
    problems = {(p["row"], p["column"], p["imported"]): p["reason"] for p in report["problems"]}
    assert problems[(5, "身份证号码", True)] == "身份证号已遮盖（导出的名册），此项未导入"
    assert problems[(6, "所在调委会", False)].startswith("调委会“古荡调委会”不在本单位的调委会名单中")
    assert "成年公民" in problems[(7, "身份证号码", False)]
    assert problems[(10, None, False)] == "合计行，不是台账记录，未导入"
    assert "序号" in " ".join(report["notes"])
    with db.read() as s:
        rows = {r.name: r for r in mediators.roster(s, cli_actor(), mediators.RosterFilter(status=""))}
        zhou = mediators.detail(s, cli_actor(), rows["周调解"].uuid)
    assert set(rows) == {"周调解", "吴调解", "王律师"}
    assert (rows["王律师"].employment_type, rows["吴调解"].committee) == ("invited", "北山街道人民调解委员会")
    assert (zhou["education"], zhou["political_status"], zhou["appointed_on"], zhou["grade"]) == (
        "bachelor", "cpc", date(2020, 3, 1), "四级")
    assert [(g["grade"], g["reason"], g["rule_set_code"]) for g in zhou["grades"]] == [("四级", "导入原有名册", "national")]

    exported = tmp_path / "导出.xlsx"
    assert run(capsys, "ledger", "export", "--kind", "mediators", "-o", str(exported), *base)[0] == 0
    sheet = load_workbook(exported).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[4][:6] == ("姓名", "调委会", "性别", "身份证号", "联系电话", "用工类型")
    assert ("周调解", "北山街道人民调解委员会", "男", "3301**********0015") in [v[:4] for v in values[5:]]
    code, out, _ = run(capsys, "ledger", "import", str(exported), "--kind", "mediators", "--dry-run", "--json", *base)
    again = json.loads(out)
    assert (again["rows"], again["imported"], again["duplicates"], again["refused"]) == (3, 0, 3, 0)


def test_results_workbook(db, head, base, capsys, tmp_path):
    mediatorkit.small_rules(db)
    zhou = mediatorkit.mediator(db, head, "周调解", appointed=date(2022, 1, 1))
    for accepted, kind in ((date(2024, 3, 1), "written"), (date(2024, 9, 1), "oral"), (date(2025, 2, 1), "written")):
        mediatorkit.make_case(db, head, [zhou], accepted, kind)
    with db.write() as s:
        mediators.add_training(s, head, zhou, mediators.TrainingInput(date(2025, 3, 1), "业务培训", "5"))
        app = grading.apply(s, head, grading.ApplyCommand(zhou, "test-small", "B", date(2024, 1, 1), date(2025, 12, 31),
                                                          date(2026, 1, 5)))
        grading.record_step(s, head, app.uuid, grading.StepCommand("committee", True, date(2026, 1, 6), "同意推荐"))
    out = tmp_path / "结果.xlsx"
    code, text, _ = run(capsys, "report", "mediators", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(out), *base)
    assert code == 0 and "等级评定结果表" in text
    wb = load_workbook(out)
    assert wb.sheetnames == ["评定结果", "办理过程", "现有等级"]
    result = [r for r in wb["评定结果"].iter_rows(values_only=True)]
    assert result[4][:5] == ("姓名", "调委会", "用工类型", "评定标准", "申请等级")
    assert result[5][0] == "周调解" and result[5][4] == "乙级" and result[5][15] == "待司法所初审"
    assert result[5][14] == "无"  # every threshold met
    steps = [r for r in wb["办理过程"].iter_rows(min_row=6, values_only=True)]
    assert [(r[2], r[3], r[5]) for r in steps] == [("提出申请", "提交", "陈所长"), ("调委会审核", "通过", "陈所长")]


def test_the_application_form_is_plain_data_in_pdf_out(db, head):
    mediatorkit.small_rules(db)
    zhou = mediatorkit.mediator(db, head, "周调解", appointed=date(2022, 1, 1))
    mediatorkit.make_case(db, head, [zhou], date(2024, 3, 1), "written")
    with db.write() as s:
        app = grading.apply(s, head, grading.ApplyCommand(zhou, "test-small", "B", date(2024, 1, 1), date(2025, 12, 31),
                                                          date(2026, 1, 5), "多年从事调解工作。\n第二段。"))
        form = grading.application_form(s, head, app.uuid)
    json.dumps(form, ensure_ascii=False)  # nothing but plain data
    pdf = mediator_application.build(form)
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf and b"Helvetica" not in pdf
    assert [c["met"] for c in form["checks"]] == [True, False, True, False, True, True]
    rare = {**form, "statement": "调解员姓名中有生僻字𠀀"}
    with pytest.raises(GlyphMissing, match="U\\+20000"):
        mediator_application.build(rare)
