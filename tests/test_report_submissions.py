"""报出 (issue 19): a submitted period's workbook is the same file byte for byte after later
corrections; the corrections show as 更正 lines in the next report, once; the submission travels
up in a bundle and the district's workbook lists which units submitted which period."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pytest

from tests import casekit
from tests.test_exchange import Node
from tests.test_mediation_stats_rules import plant
from xihu_desk import cli
from xihu_desk.domain.errors import UserError
from xihu_desk.services import case_lifecycle, cases, mediation_stats, node, report_submissions
from xihu_desk.services.context import cli_actor
from xihu_desk.services.mediation_stats import StatsQuery
from xihu_desk.store.report_models import ReportSubmission

JAN = StatsQuery(date(2026, 1, 1), date(2026, 1, 31))
FEB = StatsQuery(date(2026, 2, 1), date(2026, 2, 28))
MAR = StatsQuery(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def planted(db, head):
    return plant(db, head, casekit.roster(db, head))


def _submit(db, actor, q: StatsQuery, **kw) -> report_submissions.Submitted:
    with db.write() as s:
        return report_submissions.submit(s, actor, q, **kw)


def _rows(data: bytes, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True))


def _workbook(db, actor, q: StatsQuery) -> bytes:
    with db.read() as s:
        return mediation_stats.workbook(s, actor, q)


def test_submitted_workbook_is_reproduced_byte_for_byte_and_corrections_show_next(db, head, planted):
    jan = _submit(db, head, JAN, responsible="王主任")
    assert jan.stats.total["accepted"] == 2 and jan.times == 1
    texts = [v for row in _rows(jan.workbook, "统计表") for v in row if isinstance(v, str)]
    assert any("单位负责人：王主任" in t and "填表人：陈所长" in t and "报出日期：" in t for t in texts)
    # A January case is voided after January was submitted.
    with db.write() as s:
        case_lifecycle.void(s, head, planted["e"], "误登记")
    with db.read() as s:
        again, sub = report_submissions.submitted_workbook(s, head, JAN.date_from, JAN.date_to)
    assert again == jan.workbook  # the same file, although January's figures are now different
    with db.read() as s:  # and made again from the snapshot's figures, still the same bytes
        assert report_submissions.regenerate(s.get(ReportSubmission, jan.uuid)) == jan.workbook
    assert sub.accepted == 2 and sub.submitted_by.startswith("陈所长")
    assert _workbook(db, head, JAN) != jan.workbook
    # February's report carries the change, case by case.
    feb_rows = _rows(_workbook(db, head, FEB), "更正")
    lines = [r for r in feb_rows if r[0] == "2026年1月"]
    with db.read() as s:
        case_no = cases.get_case(s, planted["e"]).case_no
    assert {r[3] for r in lines} >= {"受理件数", "结案件数", "调解成功", "协议金额（元）"}
    assert {r[2] for r in lines} == {case_no}
    accepted = next(r for r in lines if r[3] == "受理件数")
    assert accepted[4:7] == (1, 0, -1)
    amount = next(r for r in lines if r[3] == "协议金额（元）")
    assert amount[4:7] == (1000.0, 0, -1000.0)
    ws = openpyxl.load_workbook(io.BytesIO(_workbook(db, head, FEB)))["更正"]
    money = next(r for r in ws.iter_rows() if r[3].value == "协议金额（元）")
    assert [c.number_format for c in money[4:7]] == ["#,##0.00"] * 3  # 元 with two decimals
    summary = [v for row in _rows(_workbook(db, head, FEB), "统计表") for v in row if isinstance(v, str)]
    assert any(v.startswith("更正：已报出的 2026年1月") for v in summary)
    # Submitting February records that it carried them: March shows no January line again …
    feb = _submit(db, head, FEB)
    assert [c.period for c in feb.stats.corrections] and {c.period for c in feb.stats.corrections} == {"2026年1月"}
    with db.read() as s:
        assert report_submissions.rebuild(s.get(ReportSubmission, feb.uuid)) == feb.workbook
    assert not [r for r in _rows(_workbook(db, head, MAR), "更正") if r[0] == "2026年1月"]
    # … until January changes again.
    with db.write() as s:
        case_lifecycle.void(s, head, planted["a"], "误登记")
    march = [r for r in _rows(_workbook(db, head, MAR), "更正") if r[0] in ("2026年1月", "2026年2月")]
    assert {(r[0], r[3]) for r in march} >= {("2026年1月", "受理件数"), ("2026年2月", "调解成功")}
    assert not any(r[0] == "2026年1月" and r[3] == "结案件数" for r in march)  # E's line is not repeated


def test_submit_refuses_a_part_or_an_unfinished_period_or_a_mediator(db, head, planted):
    with db.write() as s, pytest.raises(UserError, match="全部调委会"):
        report_submissions.submit(s, head, StatsQuery(JAN.date_from, JAN.date_to, org_code="330106002"))
    today = head.today
    with db.write() as s, pytest.raises(UserError, match="尚未结束"):
        report_submissions.submit(s, head, StatsQuery(date(today.year, today.month, 1), today))


def test_the_submission_travels_up_and_the_district_lists_it(db, data_dir, head, planted, tmp_path):
    _submit(db, head, JAN)
    db.dispose()
    township = Node(data_dir.root)
    district = Node(tmp_path / "district")
    with district.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    district.enrol(township)
    township.enrol(district)
    (tmp_path / "out").mkdir()
    sent = township.export(tmp_path / "out")
    assert sent.counts["report_submission"] == 1
    got = district.import_(sent.file)
    assert got.result == "applied"
    with district.db.read() as s:
        stats = mediation_stats.compute(s, cli_actor(), StatsQuery(date(2026, 1, 1), date(2026, 12, 31)))
        listed = report_submissions.list_submissions(s, cli_actor())
    assert [(x.org_code, x.date_from, x.accepted) for x in stats.submissions] == [("330106002", JAN.date_from, 2)]
    assert [x.org_name for x in listed] == ["北山街道"]
    with district.db.read() as s:
        rows = _rows(mediation_stats.workbook(s, cli_actor(), StatsQuery(date(2026, 1, 1), date(2026, 12, 31))),
                     "报出情况")
    row = next(r for r in rows if r[1] == "330106002")
    with district.db.read() as s:
        summary = _rows(mediation_stats.workbook(s, cli_actor(), StatsQuery(date(2026, 1, 1), date(2026, 12, 31))),
                        "统计表")
    cover = next(r[0] for r in summary if isinstance(r[0], str) and r[0].startswith("数据来源"))
    assert "北山街道 第 1 号" in cover  # the bundles included, named on the cover
    assert row[2] == "2026-01-01 至 2026-01-31" and row[5] == 2
    township.db.dispose()
    district.db.dispose()


def test_cli_submit_then_as_submitted(capsys, db, data_dir, head, planted, tmp_path):
    db.dispose()
    first, second = tmp_path / "报出.xlsx", tmp_path / "取回.xlsx"
    args = ["report", "mediation", "--from", "2026-01-01", "--to", "2026-01-31", "--json", "--data-dir", str(data_dir.root)]
    assert cli.main([*args, "-o", str(first), "--submit", "--responsible", "王主任"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["accepted"] == 2 and doc["submitted"]["times"] == 1 and doc["corrections"] == []
    assert cli.main([*args, "-o", str(second), "--as-submitted"]) == 0
    back = json.loads(capsys.readouterr().out)
    assert second.read_bytes() == first.read_bytes() and back["submitted"]["sha256"] == doc["submitted"]["sha256"]
    assert cli.main(["report", "mediation", "--from", "2025-01-01", "--to", "2025-01-31", "-o", str(second),
                     "--as-submitted", "--data-dir", str(data_dir.root)]) == 1
    assert "没有报出过" in capsys.readouterr().err


def test_the_submitted_file_survives_a_program_that_lays_workbooks_out_differently(db, head, planted, monkeypatch):
    jan = _submit(db, head, JAN)
    monkeypatch.setattr(report_submissions.report, "workbook", lambda *_a, **_k: b"a later layout")
    with db.read() as s:
        data, _sub = report_submissions.submitted_workbook(s, head, JAN.date_from, JAN.date_to)
    assert data == jan.workbook
