"""Parties as the law sees them (民法典第17–23条): a minor's legal representative, the 16–17
own-income tick, under 8 never signs; 送达地址 and special-group tags; routes told and referral."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests import casekit
from xihu_desk.domain.cases import Outcome
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.parties import PartyInput, needs_representative, signs_self, suggested_tags, validate_party
from xihu_desk.services import case_queries, cases, party_law

ON = casekit.ACCEPTED  # 2026-03-02
# born 2009-06-01: 16 on the accepted date; 2019-01-01: 7
SIXTEEN = PartyInput("respondent", "person", "王小明", birth_date=date(2009, 6, 1))
SEVEN = PartyInput("respondent", "person", "王小小", birth_date=date(2019, 1, 1))
REP = dict(guardian="王大明", rep_relation="父亲", rep_id_number="330106198001010013", rep_phone="13900000000")


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def roster(db, head):
    return casekit.roster(db, head)


def test_sixteen_year_old_needs_a_representative_field_by_field() -> None:
    with pytest.raises(FieldError, match=r"未满 18 周岁.*法定代理人") as info:
        validate_party(SIXTEEN, ON)
    assert info.value.field == "guardian"
    with pytest.raises(FieldError, match="关系") as info:
        validate_party(replace(SIXTEEN, guardian="王大明"), ON)
    assert info.value.field == "rep_relation"
    with pytest.raises(FieldError, match="联系电话") as info:
        validate_party(replace(SIXTEEN, guardian="王大明", rep_relation="父亲"), ON)
    assert info.value.field == "rep_phone"
    with pytest.raises(FieldError, match="校验位") as info:
        validate_party(replace(SIXTEEN, **{**REP, "rep_id_number": "330106198001010012"}), ON)
    assert info.value.field == "rep_id_number"
    assert validate_party(replace(SIXTEEN, **REP), ON).guardian == "王大明"


def test_a_legal_agent_typed_as_the_agent_counts_as_the_representative() -> None:
    typed = replace(SIXTEEN, agent_kind="legal", agent_name="王大明", agent_phone="13900000000", rep_relation="父亲",
                    rep_id_number=REP["rep_id_number"])
    checked = validate_party(typed, ON)
    assert (checked.guardian, checked.rep_phone) == ("王大明", "13900000000")


def test_sixteen_year_old_living_on_own_income_acts_alone_only_with_a_reason() -> None:
    with pytest.raises(FieldError, match="写明依据") as info:
        validate_party(replace(SIXTEEN, acts_alone=True), ON)
    assert info.value.field == "acts_alone_reason"
    ok = validate_party(replace(SIXTEEN, acts_alone=True, acts_alone_reason="在杭州某餐馆全职工作，月收入 4000 元"), ON)
    assert not needs_representative(ok, ON)
    with pytest.raises(FieldError, match="16 周岁") as info:  # a 15-year-old cannot be ticked
        validate_party(replace(SIXTEEN, birth_date=date(2010, 6, 1), acts_alone=True, acts_alone_reason="打工"), ON)
    assert info.value.field == "acts_alone"


def test_age_is_taken_on_the_accepted_date_from_the_id_number() -> None:
    # born 2008-03-03 per the ID number: 17 on 2026-03-02, 18 the next day
    minor = PartyInput("respondent", "person", "赵某", id_number="330106200803030016")
    with pytest.raises(FieldError, match="未满 18 周岁"):
        validate_party(minor, ON)
    assert validate_party(minor, date(2026, 3, 3)).birth_date == date(2008, 3, 3)


def test_under_eight_never_signs_and_age_suggests_tags() -> None:
    with pytest.raises(FieldError, match="未满 8 周岁，不能自己签字"):
        validate_party(SEVEN, ON)
    assert not signs_self(SEVEN.birth_date, ON) and signs_self(SIXTEEN.birth_date, ON)
    assert suggested_tags(SEVEN, ON) == ["03"]
    assert suggested_tags(PartyInput("applicant", "person", "老张", birth_date=date(1950, 1, 1)), ON) == ["01"]
    assert suggested_tags(PartyInput("applicant", "person", "中年", birth_date=date(1980, 1, 1)), ON) == []


def test_case_show_gives_representative_service_address_and_tags(db, head, roster) -> None:
    parties = (replace(casekit.parties()[0], service_address="杭州市西湖区北山街道1号", tags="04、06"),
               replace(SIXTEEN, **REP))
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, parties=parties))
    with db.read() as s:
        detail = case_queries.case_detail(s, head, ref.uuid)
    applicant, minor = detail["parties"]
    assert applicant["legal_representative"] is None
    assert applicant["service_address"] == "杭州市西湖区北山街道1号"
    assert applicant["tags"] == ["农民工", "妇女"] and applicant["tag_codes"] == ["04", "06"]
    assert minor["legal_representative"] == {"name": "王大明", "relation": "父亲", "id_number": "3301**********0013",
                                             "phone": "13900000000"}
    assert minor["signs_self"] is True and minor["suggested_tags"] == ["未成年人"]
    with db.read() as s:  # the form gets everything back to edit
        edit = case_queries.case_for_edit(s, head, ref.uuid)
    assert edit.parties[0].service_address == "杭州市西湖区北山街道1号" and edit.parties[1].rep_relation == "父亲"


def test_a_sixteen_year_old_without_representative_is_refused_and_nothing_saved(db, head, roster) -> None:
    with db.write() as s, pytest.raises(FieldError, match="法定代理人"):
        cases.open_case(s, head, casekit.intake(db, roster, parties=(casekit.parties()[0], SIXTEEN)))
    with db.read() as s:
        assert case_queries.case_year_range(s, head) is None


def test_routes_told_and_referral_recorded_for_a_failed_case(db, head, roster) -> None:
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    with db.write() as s, pytest.raises(UserError, match="调解不成功或终止"):
        party_law.record_routes(s, head, ref.uuid, ["litigation"])
    with db.write() as s:
        cases.close_without_agreement(s, head, ref.uuid, Outcome.FAILED, date(2026, 3, 9), "双方分歧过大", routes_told=True)
    with db.write() as s, pytest.raises(FieldError) as info:
        party_law.record_routes(s, head, ref.uuid, [])
    assert info.value.field == "told_routes"
    with db.write() as s, pytest.raises(FieldError) as info:
        party_law.record_routes(s, head, ref.uuid, ["litigation"], "legal_aid")
    assert info.value.field == "referral_body"
    with db.write() as s:
        party_law.record_routes(s, head, ref.uuid, ["arbitration", "litigation"], "legal_aid", "杭州市西湖区法律援助中心",
                                "申请人经济困难，符合法律援助条件。")
    with db.read() as s:
        detail = case_queries.case_detail(s, head, ref.uuid)
    assert detail["told_routes"] == ["仲裁", "诉讼"]
    assert detail["referral"] == {"to": "legal_aid", "to_label": "法律援助", "body": "杭州市西湖区法律援助中心",
                                  "note": "申请人经济困难，符合法律援助条件。"}


def test_a_bundle_checks_the_new_code_columns() -> None:
    from xihu_desk.domain import record_checks

    assert record_checks.code_problem("party", "tags", "01,03", None) == ""
    assert record_checks.code_problem("party", "tags", "", None) == ""
    assert record_checks.code_problem("party", "tags", "01;<script>", None) == "值格式不对"
    assert record_checks.code_problem("mediation_case", "told_routes", "litigation,arbitration", None) == ""
    assert record_checks.code_problem("mediation_case", "told_routes", "诉讼", None) == "值格式不对"
    reference = {"referral_target": {"legal_aid", "court"}}
    assert record_checks.code_problem("mediation_case", "referral_to", "", reference) == ""
    assert "不在代码表中" in record_checks.code_problem("mediation_case", "referral_to", "police", reference)


def test_parties_travel_with_their_new_columns(db, head, roster) -> None:
    from sqlalchemy import select

    from xihu_desk.store import aggregates
    from xihu_desk.store.case_models import MediationCase, Party

    parties = (replace(casekit.parties()[0], tags="04", service_address="文三路1号"), replace(SIXTEEN, **REP))
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, parties=parties))
    with db.read() as s:
        doc = aggregates.case_doc(s, s.get(MediationCase, ref.uuid))
        minor = next(p for p in doc["parties"] if p["name"] == "王小明")
        assert (minor["guardian"], minor["rep_relation"], minor["rep_phone"]) == ("王大明", "父亲", "13900000000")
        assert aggregates.doc_values(Party, minor)["rep_id_number"] == REP["rep_id_number"]
        assert {p["tags"] for p in doc["parties"]} == {"04", ""}
        assert s.scalar(select(Party.service_address).where(Party.name == "张三")) == "文三路1号"
