"""The simple procedure (简易程序, issue 14): one step from intake to the oral-agreement register,
filing that asks only what the district's settings name, conversion that keeps everything."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import casekit
from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import auth, case_queries, cases, settings, simple_cases
from xihu_desk.store.case_models import MediationCase

SETTLED = date(2026, 3, 2)


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def admin_actor(db):
    return auth.sign_in(db, "admin", ADMIN_PASSWORD)


@pytest.fixture
def roster(db, head):
    return casekit.roster(db, head)


def _command(db, roster, **overrides) -> simple_cases.SimpleCaseCommand:
    values = dict(
        committee_uuid=casekit.committee_uuid(db), source="apply", dispute_type="02", settled_on=SETTLED,
        summary="楼上空调外机滴水落到楼下阳台，双方当场争执。", parties=casekit.parties(),
        mediators=(cases.MediatorAssignment(roster[0], lead=True),),
        clauses=("张三当日调整空调外机排水管走向。", "双方今后和睦相处。"), performance_method="当场自行调整",
        performed_on_the_spot=True, registrar="吴调解")
    values.update(overrides)
    return simple_cases.SimpleCaseCommand(**values)


def test_one_step_writes_intake_parties_and_oral_register_and_filing_needs_only_the_simple_file(db, head, roster):
    with db.write() as s:
        ref = simple_cases.open_simple_case(s, head, _command(db, roster))
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
    assert d["procedure"] == "simple" and d["status"] == "closed" and d["outcome"] == "succeeded"
    assert d["agreement"]["form"] == "oral" and d["agreement"]["registrar"] == "吴调解"
    assert d["agreement"]["clauses"] == ["张三当日调整空调外机排水管走向。", "双方今后和睦相处。"]
    assert [p["name"] for p in d["parties"]] == ["张三", "李四"]
    assert d["records"] == [] and d["closing_report"] == ""
    # no mediation record, no closing report: the simple procedure does not ask for them
    assert d["filing"]["missing"] == []
    required = [i["name"] for i in d["filing"]["contents"] if i["required"]]
    assert "人民调解记录" not in required and "结案报告表" not in required
    assert "人民调解口头协议登记表" in required
    with db.write() as s:
        cases.file_case(s, head, ref.uuid, "10y", SETTLED)
    with db.read() as s:
        assert case_queries.case_detail(s, head, ref.uuid)["status"] == "filed"


def test_the_district_setting_decides_what_a_simple_file_needs(db, head, roster, admin_actor):
    with db.write() as s:
        settings.update(s, admin_actor, {"simple_filing_record": 1, "simple_filing_id_proofs": 0})
    with db.write() as s:
        ref = simple_cases.open_simple_case(s, head, _command(db, roster, id_proofs_checked=False))
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
        assert simple_cases.filing_requirements(s, head) == [
            "人民调解申请书或受理登记表", "人民调解记录", "人民调解口头协议登记表"]
    assert d["filing"]["missing"] == ["人民调解记录"]
    with pytest.raises(UserError, match="人民调解记录"), db.write() as s:
        cases.file_case(s, head, ref.uuid, "10y", SETTLED)


def test_a_refusal_anywhere_writes_nothing_not_even_a_number(db, head, roster):
    with pytest.raises(FieldError) as err, db.write() as s:
        simple_cases.open_simple_case(s, head, _command(db, roster, clauses=("  ",)))
    assert err.value.field == "clauses"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediationCase)) == 0
    with db.write() as s:
        ref = simple_cases.open_simple_case(s, head, _command(db, roster))
    assert ref.case_no == "（2026）北山人调字第0001号"


def test_conversion_keeps_everything_and_asks_for_the_ordinary_file(db, head, roster):
    with db.write() as s:
        ref = simple_cases.open_simple_case(s, head, _command(db, roster))
    with db.read() as s:
        before = case_queries.case_detail(s, head, ref.uuid)
    with pytest.raises(FieldError), db.write() as s:
        simple_cases.convert_to_ordinary(s, head, ref.uuid, " ")
    with db.write() as s:
        missing = simple_cases.convert_to_ordinary(s, head, ref.uuid, "当事人要求出具书面协议")
    assert "人民调解记录" in missing and "结案报告表" in missing
    with db.read() as s:
        after = case_queries.case_detail(s, head, ref.uuid)
    assert after["procedure"] == "ordinary" and after["version"] > before["version"]
    for key in ("case_no", "parties", "agreement", "mediators", "status", "notice_given_on", "id_proofs_received"):
        assert after[key] == before[key], key
    with pytest.raises(UserError, match="普通程序"), db.write() as s:
        simple_cases.convert_to_ordinary(s, head, ref.uuid, "再转一次")


def test_an_ordinary_case_still_needs_the_whole_file(db, head, roster):
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, SETTLED, "oral")
    with pytest.raises(UserError, match="调解记录"), db.write() as s:
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
    with db.read() as s:
        assert case_queries.case_detail(s, head, ref.uuid)["procedure"] == "ordinary"


def test_the_contents_list_says_what_the_simple_procedure_waives_only_where_the_paper_is_absent():
    from xihu_desk.domain.cases import AgreementForm, FileFacts, Outcome, SimpleFiling, contents_list

    facts = FileFacts(outcome=Outcome.SUCCEEDED, agreement_form=AgreementForm.ORAL, has_intake_document=True,
                      notice_given=True, id_proofs=True, mediation_records=0, has_agreement=True, closing_report=False)
    items = {i.number: i for i in contents_list(facts, simple=SimpleFiling())}
    assert items[2].note == "" and not items[2].required  # told orally and registered: no remark
    assert items[7].note == items[12].note == "简易程序不要求"
    assert items[8].name == "人民调解口头协议登记表" and items[8].required
    ordinary = {i.number: i for i in contents_list(facts)}
    assert ordinary[7].required and ordinary[7].note == "" and ordinary[12].required
