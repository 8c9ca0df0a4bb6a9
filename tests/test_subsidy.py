"""以案定补 (issue 20): a demo period's payment sheet equals the same rules applied with plain SQL;
approving closes the period and a later correction comes back as an adjustment; the rule table
goes down in the district's bundle; `subsidy` on the command line."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import date

import openpyxl
import pytest
from sqlalchemy import text

from tests import casekit
from tests.test_cli import run
from tests.test_exchange import Node, district, pair, township  # noqa: F401 - fixtures
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import case_lifecycle, cases, demo, subsidy
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate

TODAY = date(2026, 11, 27)
RULES = """
version = "测试-1"
valid_from = 2020-01-01
sample = false
written_agreement = 20
judicial_confirmation = 50
escalated = 30
cap_per_mediator = {cap}
excluded_sources = ["staff", "zhengfa"]
split = "lead"
lead_share = 0.6
[base]
simple = 50
ordinary = 100
complex = 200
major = 300
very_major = 500
[type_factor]
"01" = 1.5
"""


@pytest.fixture(scope="module")
def demo_db(template_node, tmp_path_factory):
    root = tmp_path_factory.mktemp("subsidy") / "data"
    shutil.copytree(template_node, root)
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(cases=80, seed=7, today=TODAY))
        subsidy.load_rules(s, cli_actor(), RULES.format(cap=400))
    yield opened.db, root
    opened.db.dispose()


def _by_sql(db, date_from: date, date_to: date, cap: int) -> dict[str, int]:
    """The rule table of RULES applied to the cases with plain SQL: fen per mediator."""
    base = {"simple": 5000, "ordinary": 10000, "complex": 20000, "major": 30000, "very_major": 50000}
    with db.read() as s:
        rows = s.execute(
            text("""
            SELECT c.uuid, coalesce(nullif(c.difficulty, ''), 'ordinary'), c.dispute_type, c.agreement_form,
                   EXISTS (SELECT 1 FROM confirmation f WHERE f.case_uuid = c.uuid AND f.result = 'confirmed'),
                   EXISTS (SELECT 1 FROM case_escalation e WHERE e.case_uuid = c.uuid AND NOT e.deleted)
            FROM mediation_case c
            WHERE c.status IN ('closed', 'filed') AND NOT c.deleted AND c.outcome = 'succeeded'
              AND c.closed_on BETWEEN :a AND :b"""),
            {"a": date_from.isoformat(), "b": date_to.isoformat()},
        ).all()
        people = defaultdict(list)
        for case_uuid, lead, m_uuid, key, source in s.execute(
            text("""
                SELECT cm.case_uuid, cm.lead, m.uuid, m.name_key, m.source FROM case_mediator cm
                JOIN mediator m ON m.uuid = cm.mediator_uuid ORDER BY cm.case_uuid, cm.lead DESC, m.name_key""")
        ):
            people[case_uuid].append((m_uuid, bool(lead), source))
    paid: dict[str, int] = defaultdict(int)
    for uuid, difficulty, kind, form, confirmed, escalated in rows:
        fen = round(base[difficulty] * (1.5 if kind == "01" else 1))
        fen += 2000 * (form == "written") + 5000 * bool(confirmed) + 3000 * bool(escalated)
        who = people[uuid]
        if len(who) > 1 and who[0][1]:
            first = round(fen * 0.6)
            each, left = divmod(fen - first, len(who) - 1)
            split = [first + left] + [each] * (len(who) - 1)
        else:
            each, left = divmod(fen, len(who))
            split = [each + left] + [each] * (len(who) - 1)
        for (m_uuid, _lead, source), share in zip(who, split, strict=True):
            if source not in ("staff", "zhengfa"):
                paid[m_uuid] += share
    return {m: min(v, cap) if cap else v for m, v in paid.items()}


def test_a_demo_period_equals_the_rules_applied_with_plain_sql(demo_db):
    demo_db, _root = demo_db
    first, last = date(2026, 1, 1), date(2026, 9, 30)
    with demo_db.read() as s:
        sheet = subsidy.sheet(s, cli_actor(), first, last)
    assert sheet.rules.version == "测试-1"
    got = {m.uuid: m.amount for m in sheet.mediators}
    expected = {m: v for m, v in _by_sql(demo_db, first, last, 40000).items() if v}
    assert got == expected and len(got) >= 8
    assert sheet.total == sum(expected.values())
    assert any(m.capped for m in sheet.mediators)  # the 400 元 cap bites somewhere
    assert {e["reason"] for e in sheet.excluded} <= {"在编人员，不发放以案定补", "政法专项编制，不发放以案定补"}
    assert sheet.excluded  # the demo's staff mediators are listed, not paid
    for m in sheet.mediators:
        assert all(i.reason for i in m.items)
        assert len({i.case_no for i in m.items}) == len(m.items)  # never paid twice for one case


def test_approval_closes_the_period_and_a_correction_comes_back_as_an_adjustment(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        subsidy.load_rules(s, head, RULES.format(cap=0))
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
    march, april = (date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 4, 30))
    with db.write() as s:
        approved = subsidy.approve(s, head, *march)
    amounts = {m.name: m.amount for m in approved.mediators}
    assert amounts == {"周调解": 7200, "吴调解": 4800} and approved.closed["by"] == "陈所长"  # (100 + 20) × 60 % / 40 %
    with db.write() as s, pytest.raises(UserError, match="已于"):
        subsidy.approve(s, head, *march)
    with db.read() as s, pytest.raises(UserError, match="重叠"):
        subsidy.sheet(s, head, date(2026, 3, 15), date(2026, 4, 15))
    with db.write() as s:
        case_lifecycle.correct(s, head, ref.uuid, [("difficulty", "complex")], "难易程度登记有误")
    with db.read() as s:
        again = subsidy.sheet(s, head, *march)
        later = subsidy.sheet(s, head, *april)
    assert {m.name: m.amount for m in again.mediators} == amounts  # the paid sheet stays as approved
    lines = {m.name: [(i.case_no, i.amount, i.adjustment) for i in m.items] for m in later.mediators}
    case_no = approved.mediators[0].items[0].case_no
    assert lines == {"周调解": [(case_no, 6000, True)], "吴调解": [(case_no, 4000, True)]}  # 200 - 100 = 100 元
    assert {m.items[0].reason for m in later.mediators} == {
        "更正调整：已发 72 元，现应 132 元",
        "更正调整：已发 48 元，现应 88 元",
    }


def test_only_the_head_approves_and_not_before_the_period_ends(db):
    head = casekit.head_actor(db)
    with db.write() as s, pytest.raises(UserError, match="尚未结束"):
        subsidy.approve(s, head, date(2026, 1, 1), head.today)
    from xihu_desk.domain.errors import PermissionDenied
    from xihu_desk.services.context import Actor
    from xihu_desk.domain.roles import Role

    mediator = Actor(name="m", role=Role.MEDIATOR, display_name="调解员")
    with db.write() as s, pytest.raises(PermissionDenied):
        subsidy.approve(s, mediator, date(2026, 1, 1), date(2026, 3, 31))


def test_a_wrong_rule_table_is_refused_whole(db):
    head = casekit.head_actor(db)
    with db.write() as s, pytest.raises(UserError, match="难易程度代码不认识"):
        subsidy.load_rules(s, head, 'version = "x"\nvalid_from = 2026-01-01\n[base]\nhard = 100\n')
    with db.write() as s, pytest.raises(UserError, match="格式有误"):
        subsidy.load_rules(s, head, "version = ")
    with db.read() as s:
        assert subsidy.rules_in_force(s, date(2026, 6, 1)).sample  # still the shipped 示例 table


def test_the_rule_table_goes_down_in_the_district_bundle(township, district, tmp_path):  # noqa: F811
    from xihu_desk.services import exchange as ex

    district.enrol(township)
    township.enrol(district)
    with district.db.write() as s:
        subsidy.load_rules(s, cli_actor(), RULES.format(cap=0))
    (tmp_path / "d").mkdir()
    down = ex.export_bundle(district.data, district.db, cli_actor(), tmp_path / "d", to="330106002")
    got = township.import_(down.file)
    assert got.counts["refused"] == 0
    with township.db.read() as s:
        table = subsidy.rules_in_force(s, date(2026, 6, 1))
    assert (table.version, table.type_factor) == ("测试-1", {"01": 1.5})
    again = township.import_(
        ex.export_bundle(district.data, district.db, cli_actor(), tmp_path / "d", to="330106002").file
    )
    assert again.counts["refused"] == 0


def test_subsidy_on_the_command_line(demo_db, capsys, tmp_path):
    root = str(demo_db[1])
    book, sheet_pdf = tmp_path / "补贴.xlsx", tmp_path / "补贴.pdf"
    code, out, err = run(
        capsys,
        "subsidy",
        "--from",
        "2026-01-01",
        "--to",
        "2026-09-30",
        "-o",
        str(book),
        "--pdf",
        str(sheet_pdf),
        "--data-dir",
        root,
        "--json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) >= {"from", "to", "rules_version", "mediators", "total", "excluded", "held"}
    assert {"id", "name", "committee", "cases", "amount", "items"} <= set(doc["mediators"][0])
    assert {"case_no", "amount", "reason"} <= set(doc["mediators"][0]["items"][0])
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["发放表", "明细", "暂缓与不发放", "规则"]
    total_row = [r for r in wb["发放表"].iter_rows(values_only=True) if r[1] == "合计"][0]
    assert total_row[4] == pytest.approx(doc["total"])
    assert sheet_pdf.read_bytes()[:5] == b"%PDF-"
    code, _, err = run(capsys, "subsidy", "--data-dir", root)
    assert code == 1 and "--from" in err
