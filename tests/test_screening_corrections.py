"""矛盾纠纷排查 put right (issue 18): a recorded round corrected (its fields, its disputes changed,
added, dropped) or voided with who/when/why, never deleted; a dispute that became a case holds its
round; the statistics and 零报告 counts follow (checked against plain SQL); the correction reaches
the district's copy through real bundles; information officers deactivated and reactivated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests import casekit
from tests.test_exchange import district, pair, township  # noqa: F401 - fixtures
from tests.test_screening import _dispute, _round
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import organisation_stats, screening, screening_corrections, screening_queries, screening_stats
from xihu_desk.services.context import cli_actor

C = screening_corrections


def _detail(db, actor, uuid):
    with db.read() as s:
        return screening_queries.round_detail(s, actor, uuid)


def test_a_round_is_corrected_field_by_field_with_who_when_and_why(db):
    head = casekit.head_actor(db)
    uuid = _round(db, head, _dispute(), _dispute(applicant="孙某", respondent="李某"))
    before = _detail(db, head, uuid)
    first, second = (d["id"] for d in before["disputes"])
    with db.write() as s, pytest.raises(FieldError, match="理由"):
        C.correct_round(s, head, C.RoundCorrection(uuid, " ", area="北山社区 1 幢"))
    edit = C.DisputeEdit(first, "02", "赵邻居", "钱二邻居", "楼上漏水，墙面发霉。", "major", action="已上门")
    with db.write() as s:
        changes = C.correct_round(
            s,
            head,
            C.RoundCorrection(
                uuid,
                "排查范围登记错了",
                area="北山社区 1 幢至 2 幢",
                disputes=(edit,),
                dropped=(second,),
                added=(_dispute(applicant="周某", respondent="吴某"),),
                if_version=before["version"],
            ),
        )
    whats = [c["what"] for c in changes]
    assert "排查范围" in whats and "删去误登记的纠纷" in whats and "补登发现的纠纷" in whats
    assert any(w.endswith("另一方当事人") for w in whats) and any(w.endswith("风险等级") for w in whats)
    after = _detail(db, head, uuid)
    assert after["area"] == "北山社区 1 幢至 2 幢" and after["version"] > before["version"]
    assert sorted(d["respondent"] for d in after["disputes"]) == ["吴某", "钱二邻居"]
    (log,) = after["changes"]
    assert log["kind"] == "correct" and log["reason"] == "排查范围登记错了" and log["by"] and log["at"]
    # the second editor who loaded the old version is refused, with who changed it
    with db.write() as s, pytest.raises(UserError, match="修改"):
        C.correct_round(s, head, C.RoundCorrection(uuid, "再改", staff="某人", if_version=before["version"]))
    with db.read() as s:
        audited = s.execute(text("SELECT summary FROM audit_event WHERE action = 'screening.correct'")).scalars().all()
    assert len(audited) == 1 and "排查范围登记错了" in audited[0]
    with db.write() as s, pytest.raises(UserError, match="没有改动"):
        C.correct_round(s, head, C.RoundCorrection(uuid, "无", area="北山社区 1 幢至 2 幢"))


def test_a_dispute_that_became_a_case_holds_its_round(db):
    head = casekit.head_actor(db)
    uuid = _round(db, head, _dispute(), _dispute(applicant="孙某", respondent="李某"))
    made, other = (d["id"] for d in _detail(db, head, uuid)["disputes"])
    with db.write() as s:
        ref = screening.make_case(s, head, made)
    with db.write() as s, pytest.raises(UserError, match=f"已转为案件 {ref.case_no}.*不能从排查记录中删去"):
        C.correct_round(s, head, C.RoundCorrection(uuid, "误登记", dropped=(made,)))
    with db.write() as s, pytest.raises(UserError, match="不能作废"):
        C.void_round(s, head, uuid, "误登记")
    with db.write() as s:  # the other one may go; the facts of the case's dispute may be corrected
        C.correct_round(s, head, C.RoundCorrection(uuid, "重复登记", dropped=(other,)))
    assert [d["id"] for d in _detail(db, head, uuid)["disputes"]] == [made]
    single = _round(db, head)
    (only,) = (d["id"] for d in _detail(db, head, single)["disputes"])
    with db.write() as s, pytest.raises(UserError, match="至少要有一件"):
        C.correct_round(s, head, C.RoundCorrection(single, "x", dropped=(only,)))


def _sql_figures(db, start, end) -> tuple[int, int, int]:
    """Rounds, 零报告 and found disputes of the period straight from the tables."""
    with db.read() as s:
        rounds = s.execute(
            text(
                "SELECT sum(CASE WHEN zero_report THEN 0 ELSE 1 END), sum(CASE WHEN zero_report THEN 1 ELSE 0 END) "
                "FROM screening_round WHERE deleted = FALSE AND voided_on IS NULL AND held_on BETWEEN :a AND :b"
            ),
            {"a": start, "b": end},
        ).one()
        found = s.execute(
            text(
                "SELECT count(*) FROM screened_dispute d JOIN screening_round r ON r.uuid = d.round_uuid "
                "WHERE d.deleted = FALSE AND r.deleted = FALSE AND r.voided_on IS NULL AND r.held_on BETWEEN :a AND :b"
            ),
            {"a": start, "b": end},
        ).scalar_one()
    return int(rounds[0] or 0), int(rounds[1] or 0), int(found)


def test_voided_rounds_leave_the_statistics_and_zero_reports_follow(db):
    head = casekit.head_actor(db)
    cu = casekit.committee_uuid(db)
    today = head.today
    start, end = today - timedelta(days=60), today
    kept = _round(db, head, _dispute(), held_on=today - timedelta(days=2))
    wrong = _round(db, head, _dispute(risk="serious", responsible="周"), _dispute(), held_on=today - timedelta(days=3))
    with db.write() as s:
        zero = screening.record_zero_report(
            s, head, screening.ZeroReportInput(cu, today - timedelta(days=50), today - timedelta(days=40), "北山", "周")
        )

    def figures():
        with db.read() as s:
            t = screening_stats.figures(s, start, end).total
        return t["rounds"], t["zero_reports"], t["found"]

    assert figures() == _sql_figures(db, start, end) == (2, 1, 3)
    with db.write() as s:
        C.void_round(s, head, wrong, "重复登记了同一次走访")
    assert figures() == _sql_figures(db, start, end) == (1, 1, 1)
    with db.read() as s:
        ledger = screening_queries.ledger(s, head)
        listed = [r["id"] for r in screening_queries.screenings(s, head)]
        voided = screening_queries.list_rounds(s, head, screening_queries.ScreeningFilter(show="void"))
    assert ledger == [] and wrong not in listed and [r.uuid for r in voided] == [wrong]
    detail = _detail(db, head, wrong)
    assert (
        detail["voided"] and detail["void_reason"] == "重复登记了同一次走访" and detail["changes"][-1]["kind"] == "void"
    )
    with db.write() as s, pytest.raises(UserError, match="作废"):
        C.void_round(s, head, wrong, "again")
    # a 零报告 voided frees its period; one corrected onto a period with findings is refused
    with db.write() as s, pytest.raises(UserError, match="不能报零"):
        C.correct_round(s, head, C.RoundCorrection(zero, "期间写错", period_to=today - timedelta(days=1)))
    with db.write() as s:
        C.void_round(s, head, zero, "期间写错")
        screening.record_zero_report(
            s, head, screening.ZeroReportInput(cu, today - timedelta(days=50), today - timedelta(days=41), "北山", "周")
        )
    assert figures() == _sql_figures(db, start, end) == (1, 1, 1)
    assert kept


def test_officers_deactivated_are_kept_on_reports_not_offered_and_not_counted(db):
    head = casekit.head_actor(db)
    cu = casekit.committee_uuid(db)
    today = head.today
    with db.write() as s:
        officer = screening.add_officer(s, head, screening.OfficerInput(cu, "郑网格", "grid"))
        screening.add_officer(s, head, screening.OfficerInput(cu, "王楼长", "building"))
        report = screening.record_round(
            s,
            head,
            screening.RoundInput(
                cu, today - timedelta(days=10), "3 号网格", "周", "informant", (_dispute(),), officer_uuid=officer
            ),
        )
    with db.write() as s, pytest.raises(FieldError, match="晚于"):
        C.deactivate_officer(s, head, officer, today - timedelta(days=10), "调离")
    with db.write() as s, pytest.raises(FieldError, match="理由"):
        C.deactivate_officer(s, head, officer, today - timedelta(days=5), "")
    with db.write() as s:
        C.deactivate_officer(s, head, officer, today - timedelta(days=5), "调离本社区")

    def count(day):
        with db.read() as s:
            return organisation_stats.figures(s, day - timedelta(days=30), day).mediators["info_officer"]

    assert count(today) == 1 and count(today - timedelta(days=6)) == 2  # as of the period's end
    with db.read() as s:
        offered = [o[0] for o in screening_queries.form_choices(s, head)["officers"]]
        listed = {o["id"]: o for o in screening_queries.officers(s, head)}
    assert officer not in offered
    assert listed[officer]["reports"] == 1 and listed[officer]["deactivation_reason"] == "调离本社区"
    assert _detail(db, head, report)["officer"] == "郑网格"  # kept on the past report
    with db.write() as s, pytest.raises(FieldError, match="已停用"):
        screening.record_round(
            s, head, screening.RoundInput(cu, today, "3 号网格", "周", "informant", (_dispute(),), officer_uuid=officer)
        )
    with db.write() as s, pytest.raises(FieldError, match="不能早于停用日期"):
        C.reactivate_officer(s, head, officer, today - timedelta(days=6))
    with db.write() as s:
        C.reactivate_officer(s, head, officer, today - timedelta(days=1))
    assert count(today) == 2 and count(today - timedelta(days=3)) == 1
    with db.write() as s:  # serving again: its reports are taken
        screening.record_round(
            s, head, screening.RoundInput(cu, today, "3 号网格", "周", "informant", (_dispute(),), officer_uuid=officer)
        )


def test_a_correction_and_a_voiding_reach_the_districts_copy(pair, tmp_path):  # noqa: F811
    town, dist = pair
    head = casekit.head_actor(town.db)
    fixed = _round(town.db, head, _dispute(), _dispute(applicant="孙某", respondent="李某"))
    wrong = _round(town.db, head, _dispute(applicant="周某", respondent="吴某"))
    usb = tmp_path / "usb"
    usb.mkdir()
    assert dist.import_(town.export(usb).file).result == "applied"
    drop = _detail(town.db, head, fixed)["disputes"][1]["id"]
    with town.db.write() as s:
        C.correct_round(s, head, C.RoundCorrection(fixed, "范围写错", area="北山社区 9 幢", dropped=(drop,)))
        C.void_round(s, head, wrong, "重复登记")
    second = tmp_path / "usb2"
    second.mkdir()
    got = dist.import_(town.export(second).file)
    assert got.result == "applied" and got.counts.get("quarantined", 0) == 0, got
    actor = cli_actor()
    there = _detail(dist.db, actor, fixed)
    assert there["area"] == "北山社区 9 幢" and len(there["disputes"]) == 1 and not there["editable"]
    assert there["changes"][0]["reason"] == "范围写错"
    gone = _detail(dist.db, actor, wrong)
    assert gone["voided"] and gone["void_reason"] == "重复登记"
    with dist.db.read() as s:
        listed = [r["id"] for r in screening_queries.screenings(s, actor)]
    assert fixed in listed and wrong not in listed


def test_a_referred_disputes_closing_is_corrected_and_a_cases_is_not(db):
    head = casekit.head_actor(db)
    uuid = _round(db, head, _dispute(), _dispute(applicant="孙某", respondent="李某"))
    referred, made = (d["id"] for d in _detail(db, head, uuid)["disputes"])
    with db.write() as s:
        yesterday = head.today - timedelta(days=1)
        screening.close_dispute(s, head, referred, "referred", yesterday, "涉嫌违法搭建", referred_to="城管")
        screening.make_case(s, head, made)
    with db.write() as s:
        _round_uuid, edit = C.dispute_edit(s, referred, referred_to="综合执法队", closing_note="移交综合执法队处理")
        changes = C.correct_round(s, head, C.RoundCorrection(uuid, "移交单位写错", disputes=(edit,)))
    assert {c["after"] for c in changes} == {"综合执法队", "移交综合执法队处理"}
    got = {d["id"]: d for d in _detail(db, head, uuid)["disputes"]}
    assert got[referred]["referred_to"] == "综合执法队" and got[referred]["status"] == "referred"
    with db.write() as s, pytest.raises(FieldError, match="不能早于排查日期"):
        _r, edit = C.dispute_edit(s, referred, closed_on=head.today - timedelta(days=30))
        C.correct_round(s, head, C.RoundCorrection(uuid, "日期", disputes=(edit,)))
    with db.write() as s, pytest.raises(UserError, match="在案件中更正"):
        _r, edit = C.dispute_edit(s, made, closing_note="改")
        C.correct_round(s, head, C.RoundCorrection(uuid, "x", disputes=(edit,)))
    # the round cannot move past the day its dispute was dealt with
    with db.write() as s, pytest.raises(FieldError, match="不能晚于"):
        C.correct_round(s, head, C.RoundCorrection(uuid, "日期写错", held_on=head.today, area="x"))
