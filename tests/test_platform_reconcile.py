"""Reconciliation with the provincial platform's export (issue 19): a platform workbook with a
planted difference of every kind, each found; proposals by names and date (± 3 days, the edge
included), linked only when asked, in one audited transaction; months remembered; a broken
workbook refused in Chinese with nothing changed; the command line's JSON and result workbook."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests import casekit
from xihu_desk import cli
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.parties import PartyInput
from xihu_desk.reports import platform as layouts
from xihu_desk.services import cases, platform_codes, platform_reconcile
from xihu_desk.services.platform_reconcile import ReconcileQuery
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent
from xihu_desk.store.platform_models import PlatformMonth

HEADERS = ["序号", "案件编号", "申请人", "被申请人", "登记日期", "纠纷类型", "办结日期", "化解结果", "涉及金额", "协议金额"]
ID = "330106198001010013"


def _parties(applicant: str, respondent: str) -> tuple[PartyInput, ...]:
    return (PartyInput("applicant", "person", applicant), PartyInput("respondent", "person", respondent))


@pytest.fixture
def office(db):
    """Six cases of October 2026, by name: (uuid, case_no)."""
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    made = {}
    plan = {
        "same": ("赵一", "钱二", date(2026, 10, 5), "P-SAME", True),
        "differs": ("孙三", "周四", date(2026, 10, 8), "P-DIFF", True),
        "edge": ("吴五", "郑六", date(2026, 10, 12), None, False),
        "beyond": ("王七", "冯八", date(2026, 10, 15), None, False),
        "alone": ("陈九", "褚十", date(2026, 10, 20), None, False),
        "coded_elsewhere": ("卫甲", "蒋乙", date(2026, 10, 22), "P-OLD", False),
    }
    with db.write() as s:
        for key, (a, r, on, code, close) in plan.items():
            ref = cases.open_case(
                s, head, casekit.intake(db, roster, parties=_parties(a, r), accepted_on=on, platform_code=code or "")
            )
            if close:
                cases.record_notice(s, head, ref.uuid, on, "written")
                cases.add_record(s, head, ref.uuid, casekit.record(when=datetime(on.year, on.month, on.day + 1, 9)))
                cases.record_agreement(s, head, ref.uuid, casekit.written_agreement(effective_on=date(on.year, on.month, on.day + 2), amount_fen=300000))
            made[key] = (ref.uuid, ref.case_no)
    return head, made


def _export(path, rows) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["浙江解纷码 矛盾纠纷调解案件导出"])  # a banner above the header, as the platform writes it
    ws.append(HEADERS)
    for i, row in enumerate(rows, start=1):
        ws.append([i, *row])
    wb.save(path)


def _planted(tmp_path):
    path = tmp_path / "平台导出.xlsx"
    _export(path, [
        # the same on both sides
        ["P-SAME", "赵一", "钱二", "2026-10-05", "邻里纠纷", "2026-10-07", "调解成功", 3000, 3000],
        # every compared field differs
        ["P-DIFF", "孙三", "周四", "2026-10-09", "婚姻家庭", "2026-10-30", "调解不成功", "5000元", "0"],
        # no code here: same names, 3 days later: proposed
        ["P-NEW-EDGE", "吴五", "郑六", "2026-10-15", "邻里纠纷", None, "调解中", None, None],
        # no code here: same names, 4 days later: not proposed (only on the platform; the case only here)
        ["P-NEW-FAR", "王七", "冯八", "2026-10-19", "邻里纠纷", None, "调解中", None, None],
        # nobody here
        ["P-ONLY", f"刘某 {ID}", "某公司", "2026-10-25", "合同纠纷", None, "调解中", None, None],
    ])
    return path


def _run(db, head, path, **query):
    with db.write() as s:
        return platform_reconcile.reconcile(s, head, path, ReconcileQuery(file_name=path.name, **query))


def test_every_planted_difference_is_found(db, office, tmp_path):
    head, made = office
    doc = _run(db, head, _planted(tmp_path))
    assert (doc["from"], doc["to"]) == ("2026-10-01", "2026-10-31")  # the whole month of the export's dates
    assert doc["matched"] == 2 and doc["linked"] == 0
    mismatched = {m["field"]: (m["here"], m["platform"]) for m in doc["mismatched"]}
    assert all(m["case_no"] == made["differs"][1] and m["platform_code"] == "P-DIFF" for m in doc["mismatched"])
    assert mismatched == {
        "dispute_type": ("邻里", "婚姻家庭"),
        "accepted_on": ("2026-10-08", "2026-10-09"),
        "closed_on": ("2026-10-10", "2026-10-30"),
        "outcome": ("调解成功", "调解不成功"),
        "amount": ("3000.00", "5000.00"),
        "agreement_amount": ("3000.00", "0.00"),
    }
    assert [(p["platform_code"], p["case_no"], p["days_apart"]) for p in doc["proposals"]] == [
        ("P-NEW-EDGE", made["edge"][1], 3)
    ]
    assert {r["platform_code"] for r in doc["only_platform"]} == {"P-NEW-FAR", "P-ONLY"}
    only = next(r for r in doc["only_platform"] if r["platform_code"] == "P-ONLY")
    assert only["row"] == 7 and only["accepted_on"] == "2026-10-25"
    assert {c["case_no"] for c in doc["only_here"]} == {made[k][1] for k in ("beyond", "alone", "coded_elsewhere")}
    with db.read() as s:  # nothing linked without being asked; the month is remembered
        assert s.get_one(MediationCase, made["edge"][0]).platform_code is None
        month = s.get_one(PlatformMonth, "2026-10")
        assert month.only_here == 3 and month.file_name == "平台导出.xlsx"


def test_tolerance_is_configurable(db, office, tmp_path):
    head, made = office
    layout = layouts.load_layout()
    wider = layouts.Layout(layout.columns, 4, layout.entry_columns)
    with db.write() as s:
        doc = platform_reconcile.reconcile(s, head, _planted(tmp_path), layout=wider)
    assert {p["case_no"] for p in doc["proposals"]} == {made["edge"][1], made["beyond"][1]}


def test_link_accepts_the_proposals_in_one_audited_transaction(db, office, tmp_path):
    head, made = office
    path = _planted(tmp_path)
    doc = _run(db, head, path, link=True)
    assert doc["linked"] == 1 and doc["proposals"][0]["linked"]
    with db.read() as s:
        assert s.get_one(MediationCase, made["edge"][0]).platform_code == "P-NEW-EDGE"
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq.desc()).limit(2)))
    assert actions == ["platform.reconcile", "case.platform_code"]
    again = _run(db, head, path)
    assert again["matched"] == 3 and again["proposals"] == []
    # the linked case's own differences now show: 3 days apart, and the platform left the amount blank
    assert {m["field"] for m in again["mismatched"] if m["platform_code"] == "P-NEW-EDGE"} == {"accepted_on", "amount"}


def test_link_proposals_is_all_or_nothing(db, office):
    head, made = office
    with pytest.raises(UserError), db.write() as s:
        platform_reconcile.link_proposals(s, head, [(made["edge"][0], "P-X"), (made["alone"][0], "P-SAME")])
    with db.read() as s:
        assert s.get_one(MediationCase, made["edge"][0]).platform_code is None


def test_explicit_period_limits_the_lists_and_remembers_whole_months_only(db, office, tmp_path):
    head, made = office
    doc = _run(db, head, _planted(tmp_path), date_from=date(2026, 10, 1), date_to=date(2026, 10, 16))
    assert {c["case_no"] for c in doc["only_here"]} == {made["beyond"][1]}
    assert {r["platform_code"] for r in doc["only_platform"]} == set()  # 10-19 and 10-25 are outside
    assert doc["months"] == []
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PlatformMonth)) == 0


@pytest.mark.parametrize("content", [b"not a workbook", b"PK\x03\x04broken zip"])
def test_a_broken_workbook_is_refused_in_chinese_and_changes_nothing(db, office, tmp_path, content):
    head, _made = office
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    with db.read() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(UserError) as err:
        _run(db, head, path, link=True)
    assert err.value.message.startswith("平台导出文件无法对账") and "xlsx" in err.value.message
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events
        assert s.scalar(select(func.count()).select_from(PlatformMonth)) == 0


def test_a_workbook_without_the_platform_headings_is_refused(db, office, tmp_path):
    head, _made = office
    wb = Workbook()
    wb.active.append(["甲", "乙"])
    wb.active.append(["1", "2"])
    path = tmp_path / "other.xlsx"
    wb.save(path)
    with pytest.raises(UserError) as err:
        _run(db, head, path)
    assert "表头" in err.value.message


def test_cli_json_and_result_workbook_mask_id_numbers(capsys, data_dir, db, office, tmp_path):
    db.dispose()
    out = tmp_path / "结果.xlsx"
    argv = ["reconcile", str(_planted(tmp_path)), "--data-dir", str(data_dir.root), "-o", str(out), "--json"]
    assert cli.main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"matched", "linked", "only_here", "only_platform", "mismatched"} <= set(doc)
    assert set(doc["only_here"][0]) >= {"case_no", "accepted_on"}
    assert set(doc["only_platform"][0]) >= {"row", "platform_code", "applicant", "accepted_on"}
    assert set(doc["mismatched"][0]) >= {"case_no", "platform_code", "field", "here", "platform"}
    assert ID not in json.dumps(doc, ensure_ascii=False)
    wb = load_workbook(out)
    assert wb.sheetnames == ["对账概要", "仅本系统有", "仅平台有", "内容不一致", "建议关联"]
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert any("刘某" in c for c in cells) and not any(ID in c for c in cells)
    assert any("3301" in c and "0013" in c for c in cells)  # masked, front and back kept
    assert cli.main(["reconcile", str(_planted(tmp_path)), "--data-dir", str(data_dir.root), "--link"]) == 0
    assert "已关联" in capsys.readouterr().out


def test_the_entry_list_has_the_cases_still_to_enter_in_the_platform_order(db, office):
    head, made = office
    with db.write() as s:
        platform_codes.set_code(s, head, made["alone"][0], "P-ALONE")
        data = platform_reconcile.entry_list(s, head)
    ws = load_workbook(io.BytesIO(data)).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "序号")
    layout = layouts.load_layout()
    assert list(header[1:]) == [h for _k, h in layout.entry_columns]
    numbers = {r[1] for r in rows[rows.index(header) + 1 :]}
    assert numbers == {made[k][1] for k in ("edge", "beyond")}


def test_home_says_what_is_still_missing_for_the_month(db, office, tmp_path):
    head, made = office
    from xihu_desk.services import home

    november = date(2026, 11, 20)  # October's six cases: last month, never reconciled
    with db.read() as s:
        due = home.summary(s, head, november).due
    assert [d.title for d in due if "省平台对账" in d.title] == ["2026年10月尚未与省平台对账（统计报表 → 平台对账）"]
    october = date(2026, 10, 25)
    with db.read() as s:
        missing = [d for d in home.summary(s, head, october).due if "平台案件编号" in d.title]
    assert len(missing) == 1 and "3 件" in missing[0].title  # edge, beyond, alone: without a code
    assert missing[0].kind == home.CASES and missing[0].record_uuid == made["edge"][0]
    _run(db, head, _planted(tmp_path))  # October reconciled
    with db.read() as s:
        assert not [d for d in home.summary(s, head, november).due if "省平台对账" in d.title]
