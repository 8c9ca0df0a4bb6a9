"""The demo a district reviewer would believe (issue 14): both procedures, about half of the
settled disputes settled on the spot, cases at the signing table, committees in their own street,
records kept by named people in named rooms, performance clauses that match the way of
performance, and only a few overdue cases."""

from __future__ import annotations

from datetime import date

import pytest

from xihu_desk.paths import DataDir
from xihu_desk.services import case_queries, demo
from xihu_desk.services.context import cli_actor
from xihu_desk.services.demo_mediation import communities
from xihu_desk.store import migrate
from xihu_desk.store.case_list import CaseFilter

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo_root(template_node, tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("demo-believable") / "data"
    shutil.copytree(template_node, root)
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(cases=120, today=TODAY))
    opened.db.dispose()
    return root


@pytest.fixture(scope="module")
def filled(demo_root):
    opened = migrate.open_database(DataDir(demo_root))
    actor = cli_actor()
    with opened.db.read() as s:
        rows = case_queries.case_summaries(s, actor, CaseFilter(sort="case_no", descending=False), TODAY, 0, 500)
        details = [case_queries.case_detail(s, actor, r["uuid"], today=TODAY) for r in rows]
    opened.db.dispose()
    return rows, details


def test_both_procedures_and_half_the_settled_on_the_spot(filled):
    rows, details = filled
    assert {r["procedure"] for r in rows} == {"simple", "ordinary"}
    settled = [d for d in details if d["outcome"] == "succeeded"]
    simple = [d for d in settled if d["procedure"] == "simple"]
    assert 0.35 <= len(simple) / len(settled) <= 0.65
    assert all(d["agreement"]["form"] == "oral" and d["records"] == [] for d in simple)
    assert any(d["status"] == "filed" for d in simple)


def test_cases_at_the_signing_table(filled):
    _rows, details = filled
    table = [d for d in details if d["status"] == "mediating" and d["agreement"] is None
             and any("拟定协议条款" in r["body"] for r in d["records"])]
    assert table
    for d in table:  # the clauses typed are kept as the case's draft agreement, printable as 草稿
        draft = d["agreement_draft"]
        assert draft and draft["clauses"] and all(c in d["records"][-1]["body"] for c in draft["clauses"])


def test_committees_are_communities_of_their_own_street(filled):
    rows, _details = filled
    own = set(communities("330106002"))  # the template node is 北山街道
    for name in {r["committee"] for r in rows}:
        place = name.removeprefix("北山街道").removesuffix("人民调解委员会")
        assert place == "" or place in own or place in demo.TRADE_COMMITTEES, name


def test_records_name_people_and_places(filled):
    _rows, details = filled
    records = [r for d in details for r in d["records"]]
    assert records
    for r in records:
        assert r["place"] != "调解室" and r["place"].startswith("北山街道"), r["place"]
        assert "调解员" not in r["mediators"].split("、") and r["recorder"] not in ("记录员", "调解员")
    visitors = {f["visitor"] for d in details for f in d["followups"]}
    assert visitors and "调解员" not in visitors


def test_clauses_match_the_way_of_performance(filled):
    _rows, details = filled
    for d in details:
        a = d["agreement"]
        if a is None:
            continue
        text = "".join(a["clauses"])
        method = a["performance_method"]
        if method == "银行转账":
            assert "银行账户" in text
        elif method == "微信转账":
            assert "微信" in text and a["amount"] <= 5000
        elif method == "现金当面交付":
            assert "现金" in text
        elif method == "自行维修":
            assert "维修" in text
        else:
            assert method == "当场履行" and a["performed_on_the_spot"]
        if a["performed_on_the_spot"]:
            assert a["performance_deadline"] is None and "当场" in text


def test_a_realistic_share_of_overdue_cases(filled):
    _rows, details = filled
    overdue = [d for d in details if d["overdue"]]
    open_ = [d for d in details if d["status"] in ("accepted", "mediating")]
    assert open_ and len(overdue) <= 0.05 * len(details)
    assert len(overdue) < len(open_)


def test_the_roster_names_this_office_and_real_committees(demo_root):
    from sqlalchemy import select

    from xihu_desk.store.mediator_models import MediatorAppointment, MediatorEvent, MediatorTraining

    opened = migrate.open_database(DataDir(demo_root))
    with opened.db.read() as s:
        organisers = set(s.scalars(select(MediatorTraining.organiser)))
        earlier = set(s.scalars(select(MediatorAppointment.committee_name).where(MediatorAppointment.note == "原聘任")))
        issuers = set(s.scalars(select(MediatorEvent.issuer).where(MediatorEvent.kind == "award")))
    opened.db.dispose()
    assert "街道司法所" not in organisers and organisers <= {
        "西湖区司法局", "杭州市司法局", "西湖区人民调解员协会", "北山司法所", "浙江省人民调解协会"}
    assert "街道办事处" not in issuers
    streets = {"北山街道", "西溪街道", "翠苑街道", "古荡街道", "西湖街道", "留下街道", "转塘街道", "蒋村街道", "灵隐街道",
               "文新街道", "三墩镇", "双浦镇"}
    assert all(name.removesuffix("人民调解委员会") in streets - {"北山街道"} for name in earlier), earlier


def test_intake_names_real_looking_people_and_bodies(filled):
    _rows, details = filled
    mediators = {m for d in details for m in d["mediators"]}
    assert all(d["registrar"] in mediators for d in details if d["procedure"] == "ordinary")
    referrals = [d for d in details if d["source"] == "referral"]
    assert all(d["referrer_name"] == "杭州市公安局西湖区分局北山派出所" for d in referrals)
    companies = {p["name"] for d in details for p in d["parties"] if p["kind"] == "org"}
    assert companies and all(c.startswith("杭州") and c.endswith("有限公司") and len(c) <= 14 for c in companies)


def test_mediator_accounts_are_people_on_the_roster(demo_root):
    from tests import anydb

    rows = anydb.rows(DataDir(demo_root), "SELECT u.display_name, m.name FROM user_account u LEFT JOIN mediator m "
                      "ON m.uuid = u.mediator_uuid WHERE u.role = 'mediator'")
    assert rows and all(name == roster_name for name, roster_name in rows)  # linked, under the roster's name
