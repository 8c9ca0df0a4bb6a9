"""矛盾纠纷排查: rounds and 零报告, a found dispute made a case (parties and facts carried over) or
closed with its link kept, the 重点矛盾纠纷 ledger's checks in the home page's 待办, and the
register travelling upward in a bundle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import casekit
from tests.test_exchange import district, pair, township  # noqa: F401 - fixtures
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.services import case_queries, home, screening, screening_queries
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import Party
from xihu_desk.store.screening_models import ScreenedDispute, ScreeningRound


def _dispute(**kw) -> screening.DisputeInput:
    values = dict(
        dispute_type="02",
        applicant="赵邻居",
        respondent="钱邻居",
        summary="楼上漏水，楼下墙面发霉，双方争吵。",
        risk="general",
        action="当场劝解，约定次日上门查看",
        applicant_phone="13900001111",
    )
    values.update(kw)
    return screening.DisputeInput(**values)


def _round(db, actor, *disputes, held_on=None, method="visit") -> str:
    with db.write() as s:
        return screening.record_round(
            s,
            actor,
            screening.RoundInput(
                casekit.committee_uuid(db),
                held_on or actor.today - timedelta(days=2),
                "北山社区 3 幢至 8 幢",
                "周调解、吴调解",
                method,
                disputes or (_dispute(),),
            ),
        )


def test_a_round_finds_a_dispute_and_it_becomes_a_case(db):
    head = casekit.head_actor(db)
    uuid = _round(db, head)
    with db.read() as s:
        detail = screening_queries.round_detail(s, head, uuid)
    assert detail["found"] == 1 and detail["editable"] and detail["disputes"][0]["status"] == "open"
    dispute_uuid = detail["disputes"][0]["id"]
    with db.write() as s:
        ref = screening.make_case(s, head, dispute_uuid)
    with db.read() as s:
        case = case_queries.case_detail(s, head, ref.uuid)
        names = {p.role: p.name for p in s.scalars(select(Party).where(Party.case_uuid == ref.uuid))}
        after = screening_queries.round_detail(s, head, uuid)["disputes"][0]
    assert names == {"applicant": "赵邻居", "respondent": "钱邻居"}
    assert case["summary"].startswith("楼上漏水") and case["source"] == "initiative"
    assert after["status"] == "case" and after["case_no"] == ref.case_no and after["case_uuid"] == ref.uuid
    with db.write() as s, pytest.raises(UserError):  # once only
        screening.make_case(s, head, dispute_uuid)


def test_resolved_on_the_spot_or_referred_keeps_the_record(db):
    head = casekit.head_actor(db)
    uuid = _round(db, head, _dispute(watched=True, responsible="周调解"), _dispute(applicant="孙某", respondent="李某"))
    with db.read() as s:
        first, second = (d["id"] for d in screening_queries.round_detail(s, head, uuid)["disputes"])
    with db.write() as s, pytest.raises(FieldError):
        screening.close_dispute(s, head, first, "referred", head.today, "交由派出所处理")  # to whom?
    with db.write() as s:
        screening.close_dispute(s, head, first, "resolved", head.today, "双方当场达成谅解")
        screening.close_dispute(s, head, second, "referred", head.today, "涉嫌违法搭建", referred_to="综合执法队")
    with db.read() as s:
        got = {d["id"]: d for d in screening_queries.round_detail(s, head, uuid)["disputes"]}
        still_open = screening_queries.count_rounds(s, head, screening_queries.ScreeningFilter(show="open"))
        found = screening_queries.count_rounds(s, head, screening_queries.ScreeningFilter(show="found"))
    assert (still_open, found) == (0, 1)
    assert got[first]["status"] == "resolved" and got[first]["closing_note"] == "双方当场达成谅解"
    assert got[second]["status"] == "referred" and got[second]["referred_to"] == "综合执法队"
    assert not got[first]["watched"] and got[first]["next_check_on"] is None  # settled: off the 重点 ledger


def test_a_round_with_nothing_found_is_a_zero_report_and_refused_when_something_was(db):
    head = casekit.head_actor(db)
    cu = casekit.committee_uuid(db)
    today = head.today
    with db.write() as s, pytest.raises(FieldError, match="零报告"):
        screening.record_round(s, head, screening.RoundInput(cu, today, "北山社区", "周调解", "visit"))
    _round(db, head, held_on=today - timedelta(days=3))
    week = screening.ZeroReportInput(cu, today - timedelta(days=6), today, "北山社区", "周调解")
    with db.write() as s, pytest.raises(UserError, match="不能报零"):
        screening.record_zero_report(s, head, week)
    earlier = screening.ZeroReportInput(
        cu, today - timedelta(days=40), today - timedelta(days=10), "北山社区", "周调解"
    )
    with db.write() as s:
        zero = screening.record_zero_report(s, head, earlier)
    with db.write() as s, pytest.raises(UserError, match="已有零报告"):
        screening.record_zero_report(s, head, earlier)
    with db.read() as s:
        listed = screening_queries.screenings(s, head)
        zeros = screening_queries.list_rounds(s, head, screening_queries.ScreeningFilter(show="zero"))
    assert [z.uuid for z in zeros] == [zero]
    assert {(d["zero_report"], d["found"]) for d in listed} == {(True, 0), (False, 1)}


def test_informant_reports_need_an_officer_of_the_committee(db):
    head = casekit.head_actor(db)
    cu = casekit.committee_uuid(db)
    with db.write() as s, pytest.raises(FieldError, match="信息员"):
        screening.record_round(
            s, head, screening.RoundInput(cu, head.today, "3 号网格", "周调解", "informant", (_dispute(),))
        )
    with db.write() as s:
        officer = screening.add_officer(s, head, screening.OfficerInput(cu, "郑网格", "grid", area="3 号网格"))
        screening.record_round(
            s,
            head,
            screening.RoundInput(
                cu, head.today, "3 号网格", "周调解", "informant", (_dispute(),), officer_uuid=officer
            ),
        )
    with db.read() as s:
        listed = screening_queries.officers(s, head)
    assert [(o["name"], o["kind_label"], o["reports"]) for o in listed] == [("郑网格", "网格员", 1)]


def test_serious_disputes_are_on_the_ledger_and_their_checks_on_the_home_page(db):
    head = casekit.head_actor(db)
    with db.write() as s, pytest.raises(FieldError, match="责任人"):
        screening.record_round(
            s,
            head,
            screening.RoundInput(
                casekit.committee_uuid(db), head.today, "北山社区", "周调解", "visit", (_dispute(risk="serious"),)
            ),
        )
    uuid = _round(db, head, _dispute(risk="serious", responsible="周调解", measures="每周上门"), _dispute())
    with db.read() as s:
        entries = screening_queries.ledger(s, head)
        todo = home.summary(s, head).due
    assert len(entries) == 1 and entries[0]["responsible"] == "周调解"
    # the first check falls a week after the round (held two days ago): within the notice days
    assert entries[0]["next_check_on"] == (head.today + timedelta(days=5)).isoformat()
    mine = [d for d in todo if d.kind == home.SCREENING]
    assert len(mine) == 0  # five days ahead: not yet among the 待办
    serious = entries[0]["id"]
    with db.write() as s, pytest.raises(FieldError, match="下次检查"):
        screening.record_check(s, head, serious, head.today, "已上门", None)  # still open: stays watched
    with db.write() as s:
        screening.record_check(s, head, serious, head.today, "已上门，双方情绪平稳", head.today + timedelta(days=1))
    with db.read() as s:
        todo = [d for d in home.summary(s, head).due if d.kind == home.SCREENING]
        entry = screening_queries.ledger(s, head)[0]
    assert [d.record_uuid for d in todo] == [serious] and "赵邻居与钱邻居" in todo[0].title
    assert entry["last_checked_on"] == head.today.isoformat() and "双方情绪平稳" in entry["measures"]
    assert uuid


def test_only_the_recording_node_changes_a_round(db):
    head = casekit.head_actor(db)
    uuid = _round(db, head)
    with db.write() as s:
        s.get_one(ScreeningRound, uuid).owner_node = "elsewhere"
        d = s.scalar(select(ScreenedDispute).where(ScreenedDispute.round_uuid == uuid))
        d.owner_node = "elsewhere"
        dispute_uuid = d.uuid
    with db.write() as s, pytest.raises(PermissionDenied):
        screening.close_dispute(s, head, dispute_uuid, "resolved", head.today, "已化解")
    with db.read() as s:
        assert screening_queries.round_detail(s, head, uuid)["editable"] is False


def test_the_register_travels_upward_in_a_bundle(pair, tmp_path):  # noqa: F811
    town, dist = pair
    head = casekit.head_actor(town.db)
    uuid = _round(town.db, head, _dispute(risk="serious", responsible="周调解"), _dispute())
    with town.db.read() as s:
        first = screening_queries.round_detail(s, head, uuid)["disputes"][0]["id"]
    with town.db.write() as s:
        screening.make_case(s, head, first)
    out = tmp_path / "usb"
    out.mkdir()
    got = dist.import_(town.export(out).file)
    assert got.result == "applied" and got.counts.get("quarantined", 0) == 0, got

    def register(node) -> list:
        with node.db.read() as s:
            return screening_queries.screenings(s, cli_actor())

    here, there = register(town), register(dist)
    assert there == here and any(r["id"] == uuid for r in there)
    made = next(d for r in there if r["id"] == uuid for d in r["disputes"] if d["status"] == "case")
    assert made["case_no"]  # the case came along: the link resolves upstream
    with dist.db.read() as s:
        assert s.scalar(select(func.count()).select_from(ScreenedDispute)) == sum(r["found"] for r in here)


def test_the_demo_screening_run_again_adds_nothing(db):
    from xihu_desk.services import demo_screening

    with db.write() as s:
        first = demo_screening.make_screening(s, cli_actor(), 3, date(2026, 11, 20))
        again = demo_screening.make_screening(s, cli_actor(), 3, date(2026, 11, 20))
    assert first == demo_screening.PERIODS and again == 0  # the office's own committee, once
