"""The life of a case through the services: intake to filing, with the rules that refuse."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import casekit
from xihu_desk.domain.cases import Outcome
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.domain.parties import PartyInput
from xihu_desk.services import case_queries, cases
from xihu_desk.store.case_list import CaseFilter
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def roster(db, head):
    return casekit.roster(db, head)


def _open(db, head, roster, **overrides):
    with db.write() as s:
        return cases.open_case(s, head, casekit.intake(db, roster, **overrides))


def test_intake_numbers_the_case_and_fills_title_and_due_date(db, head, roster):
    ref = _open(db, head, roster)
    assert ref.case_no == "（2026）北山人调字第0001号"
    second = _open(db, head, roster)
    assert second.case_no == "（2026）北山人调字第0002号"
    with db.read() as s:
        detail = case_queries.case_detail(s, head, ref.uuid)
    assert detail["title"] == "张三与李四邻里纠纷"
    assert detail["due_on"] == "2026-04-02" and detail["status"] == "accepted"
    assert detail["mediators"] == ["周调解", "吴调解"]
    assert detail["parties"][0]["id_number"] == "3301**********0013"
    assert detail["parties"][1]["gender"] == "女" and detail["parties"][1]["birth_date"] == "1949-12-31"
    assert detail["amount"] == 3000.0


@pytest.mark.parametrize(
    ("party", "field", "fragment"),
    [
        (PartyInput("respondent", "person", "李四", id_number="110105194912310021"), "id_number", "校验位"),
        (PartyInput("respondent", "person", "李四", gender="男", id_number="11010519491231002X"), "gender", "性别"),
        (PartyInput("respondent", "person", "小明", birth_date=date(2015, 1, 1)), "guardian", "18"),
        (PartyInput("respondent", "org", "某公司", credit_code="91350100M000100Y4Z"), "credit_code", "信用代码"),
        (PartyInput("respondent", "person", "", id_number=""), "name", "姓名"),
    ],
)
def test_bad_party_is_refused_with_the_field_and_nothing_is_saved(db, head, roster, party, field, fragment):
    bad = (casekit.parties()[0], party)
    with pytest.raises(FieldError, match=fragment) as info:
        _open(db, head, roster, parties=bad)
    assert info.value.field == field
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediationCase)) == 0


def test_passport_has_no_checksum_and_org_with_valid_code_is_taken(db, head, roster):
    ok = (casekit.parties()[0],
          PartyInput("respondent", "org", "杭州某物业公司", credit_code="91350100m000100y43", legal_rep="王经理"),
          PartyInput("third", "person", "John Smith", id_type="passport", id_number="E12345678"))
    ref = _open(db, head, roster, parties=ok)
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
    assert d["parties"][1]["credit_code"] == "91350100M000100Y43"
    assert d["parties"][2]["id_type"] == "passport"


def test_referral_needs_the_referrer(db, head, roster):
    with pytest.raises(FieldError, match="移送单位"):
        _open(db, head, roster, source="referral")
    with pytest.raises(FieldError, match="移送单位名称"):
        _open(db, head, roster, source="referral", referrer_type="police")
    ref = _open(db, head, roster, source="referral", referrer_type="police", referrer_name="北山派出所")
    assert ref.case_no.endswith("0001号")


def test_the_whole_life_from_intake_to_filing(db, head, roster):
    ref = _open(db, head, roster)
    with db.write() as s, pytest.raises(UserError, match="告知"):
        cases.add_record(s, head, ref.uuid, casekit.record())
    with db.write() as s:
        cases.record_notice(s, head, ref.uuid, date(2026, 3, 2), "written")
        cases.add_record(s, head, ref.uuid, casekit.record("investigation", datetime(2026, 3, 3, 10, 0)))
        cases.add_record(s, head, ref.uuid, casekit.record())
    with db.read() as s:
        assert case_queries.case_detail(s, head, ref.uuid)["status"] == "mediating"
    with db.write() as s, pytest.raises(FieldError, match="条"):
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement(clauses=(" ",)))
    with db.write() as s:
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
    assert d["status"] == "closed" and d["outcome"] == "succeeded" and d["agreement_form"] == "written"
    assert d["agreement"]["copies"] == 3 and d["agreement"]["confirmation_deadline"] == "2026-04-05"
    assert d["followup_due"] == "2026-04-05"

    with db.write() as s:
        cases.add_followup(s, head, ref.uuid, cases.FollowUpInput(date(2026, 3, 25), "张三", "周调解", "full", "satisfied"))
    with db.write() as s, pytest.raises(FieldError, match="30 日内"):
        cases.record_confirmation(s, head, ref.uuid, cases.ConfirmationInput(date(2026, 4, 20), "西湖区人民法院"))
    with db.write() as s:
        cases.record_confirmation(s, head, ref.uuid, cases.ConfirmationInput(
            date(2026, 3, 10), "杭州市西湖区人民法院", "confirmed", date(2026, 3, 13), "（2026）浙0106民特12号"))

    # Filing is refused while required documents are missing, naming them.
    with db.write() as s, pytest.raises(UserError) as refused:
        cases.file_case(s, head, ref.uuid, "30y", date(2026, 4, 1))
    assert "当事人身份证明" in refused.value.message and "结案报告表" in refused.value.message
    with db.write() as s:
        cases.mark_id_proofs(s, head, ref.uuid, True)
        cases.write_closing_report(s, head, ref.uuid, date(2026, 3, 25), "协议已全部履行。")
    with db.write() as s:
        cases.file_case(s, head, ref.uuid, "30y", date(2026, 4, 1))
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("case.%")).order_by(AuditEvent.seq)))
    assert d["status"] == "filed" and d["filing"]["missing"] == [] and d["followup_due"] is None
    assert d["confirmation"]["result"] == "confirmed" and len(d["followups"]) == 1 and len(d["records"]) == 2
    assert actions[0] == "case.open" and actions[-1] == "case.file"
    with db.write() as s, pytest.raises(UserError, match="归档"):
        cases.record_notice(s, head, ref.uuid, date(2026, 3, 2), "oral")


def test_oral_agreement_and_failed_case(db, head, roster):
    oral = _open(db, head, roster)
    failed = _open(db, head, roster)
    with db.write() as s:
        for ref in (oral, failed):
            cases.record_notice(s, head, ref.uuid, date(2026, 3, 2), "oral")
            cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, oral.uuid, casekit.written_agreement(
            form="oral", facts="", performed_on_the_spot=True, performance_deadline=None, amount_fen=0))
    with db.write() as s, pytest.raises(FieldError, match="途径"):
        cases.close_without_agreement(s, head, failed.uuid, Outcome.FAILED, date(2026, 3, 9), "双方分歧过大", routes_told=False)
    with db.write() as s:
        cases.close_without_agreement(s, head, failed.uuid, Outcome.FAILED, date(2026, 3, 9), "双方分歧过大", routes_told=True)
    with db.read() as s:
        o = case_queries.case_detail(s, head, oral.uuid)
        f = case_queries.case_detail(s, head, failed.uuid)
    assert o["agreement_form"] == "oral" and o["followup_due"] is None and o["performed"] == "full"
    assert f["outcome"] == "failed" and f["routes_told"]
    item8 = next(i for i in f["filing"]["contents"] if i["number"] == 8)
    assert not item8["required"]
    with db.write() as s, pytest.raises(UserError, match="书面"):
        cases.record_confirmation(s, head, oral.uuid, cases.ConfirmationInput(date(2026, 3, 7), "西湖区人民法院"))


def test_refusal_ends_the_case(db, head, roster):
    ref = _open(db, head, roster)
    with db.write() as s:
        cases.record_refusal(s, head, ref.uuid, "被申请人明确表示不接受调解")
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
    assert d["outcome"] == "terminated" and d["status"] == "closed" and d["refused_by_party"]


def test_extension_needs_both_parties_and_a_reason(db, head, roster):
    ref = _open(db, head, roster)
    with db.write() as s, pytest.raises(FieldError, match="双方"):
        cases.extend(s, head, ref.uuid, date(2026, 4, 30), "需要鉴定", both_agreed=False)
    with db.write() as s:
        cases.extend(s, head, ref.uuid, date(2026, 4, 30), "需要鉴定", both_agreed=True)
    with db.read() as s:
        assert case_queries.case_detail(s, head, ref.uuid)["due_on"] == "2026-04-30"


def test_due_items_and_overdue_filter(db, head, roster):
    ref = _open(db, head, roster)
    with db.read() as s:
        items = case_queries.due_items(s, head, date(2026, 4, 3))
        overdue = case_queries.count_cases(s, head, CaseFilter(overdue=True), date(2026, 4, 3))
        not_yet = case_queries.count_cases(s, head, CaseFilter(overdue=True), date(2026, 3, 20))
    assert [(i.kind, i.overdue) for i in items] == [("mediation", True)] and items[0].case_uuid == ref.uuid
    assert (overdue, not_yet) == (1, 0)


def test_repeat_dispute_hint(db, head, roster):
    first = _open(db, head, roster)
    again = [PartyInput("applicant", "person", "张三", id_number="330106198001010013")]
    by_phone = [PartyInput("applicant", "person", "李四", phone="13800000002")]
    with db.read() as s:
        hints = case_queries.repeat_hints(s, again)
        phone_hints = case_queries.repeat_hints(s, by_phone)
        none = case_queries.repeat_hints(s, again, exclude_case=first.uuid)
    assert hints[0].case_no == first.case_no and hints[0].matched_by == "身份证号"
    assert phone_hints[0].matched_by == "姓名和电话"
    assert none == []


def test_search_by_short_and_long_queries(db, head, roster):
    _open(db, head, roster)
    other = (PartyInput("applicant", "person", "王喆", phone="1"), PartyInput("respondent", "person", "赵敏阳", phone="2"))
    _open(db, head, roster, parties=other, summary="停车位使用纠纷")
    today = date(2026, 3, 10)
    with db.read() as s:
        def found(q):
            return [r.parties for r in case_queries.list_cases(s, head, CaseFilter(text=q), today)]
        assert found("王") == ["王喆、赵敏阳"]          # one character: surname
        assert found("王喆") == ["王喆、赵敏阳"]        # two characters: a whole name
        assert found("赵敏阳") == ["王喆、赵敏阳"]      # three: full text
        assert found("停车位") == ["王喆、赵敏阳"]
        assert found("漏水") == []                      # 2 chars only look at names (documented)
        assert len(found("0002")) == 1                  # case number
        assert found("不存在的词") == []


def test_reveal_is_audited_and_needs_the_right(db, head, roster):
    ref = _open(db, head, roster)
    with db.write() as s:
        d = case_queries.case_detail(s, head, ref.uuid, reveal=True)
    assert d["parties"][0]["id_number"] == "330106198001010013"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "party.reveal")) == 1
    from xihu_desk.services import auth
    from tests.conftest import ADMIN_PASSWORD
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.read() as s, pytest.raises(PermissionDenied):
        case_queries.case_detail(s, admin, ref.uuid)


def test_list_sorts_and_filters_in_sql(db, head, roster):
    for day in (5, 1, 3):
        _open(db, head, roster, accepted_on=date(2026, 3, day))
    _open(db, head, roster, accepted_on=date(2025, 12, 30), dispute_type="04")
    today = date(2026, 3, 10)
    with db.read() as s:
        newest = [r.accepted_on.day for r in case_queries.list_cases(s, head, CaseFilter(year=2026), today)]
        by_no = [r.case_no for r in case_queries.list_cases(s, head, CaseFilter(sort="case_no", descending=False), today)]
        contracts = case_queries.count_cases(s, head, CaseFilter(dispute_type="04"), today)
        page2 = case_queries.list_cases(s, head, CaseFilter(), today, offset=2, limit=2)
    assert newest == [5, 3, 1]
    assert by_no == ["（2025）北山人调字第0001号", "（2026）北山人调字第0001号", "（2026）北山人调字第0002号",
                     "（2026）北山人调字第0003号"]
    assert contracts == 1 and len(page2) == 2
    # Pages past the middle are read from the other end and must agree with a forward read.
    with db.read() as s:
        forward = [r.uuid for r in case_queries.list_cases(s, head, CaseFilter(), today, 0, 10)]
        pieces = [r.uuid for off in range(0, 4) for r in case_queries.list_cases(s, head, CaseFilter(), today, off, 1, total=4)]
        tail = [r.uuid for r in case_queries.list_cases(s, head, CaseFilter(), today, 3, 5, total=4)]
    assert pieces == forward and tail == forward[3:]


def test_case_number_cannot_move_to_another_year(db, head, roster):
    ref = _open(db, head, roster)
    with db.write() as s, pytest.raises(FieldError, match="年份"):
        cases.update_intake(s, head, ref.uuid, casekit.intake(db, roster, accepted_on=date(2025, 12, 1)))
    with db.write() as s:
        cases.update_intake(s, head, ref.uuid, casekit.intake(db, roster, summary="改写后的简要情况。"))
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
    assert d["summary"] == "改写后的简要情况。" and d["version"] == 2


def test_followup_due_again_until_performed(db, head, roster):
    ref = _open(db, head, roster)
    with db.write() as s:
        cases.record_notice(s, head, ref.uuid, date(2026, 3, 2), "oral")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
        cases.add_followup(s, head, ref.uuid, cases.FollowUpInput(date(2026, 3, 21), "张三", "周调解", "partial"))
    with db.read() as s:
        assert case_queries.case_detail(s, head, ref.uuid)["followup_due"] == (date(2026, 3, 21) + timedelta(days=30)).isoformat()
