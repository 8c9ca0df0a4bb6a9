"""A text longer than its column is refused before anything is written, naming the row and the field,
on SQLite (which would store it) and PostgreSQL (which would fail the whole transaction with a driver
error): through the services (store/lengths.py) and in a bundle (the record quarantined, the rest
imported)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests import casekit, reviewkit
from tests.pg_databases import postgres_node_url
from tests.test_bundle_hardening import _leaf, _lines, _put, district, rebuild, world  # noqa: F401 - fixtures
from xihu_desk.domain.errors import FieldError
from xihu_desk.services import reviews
from xihu_desk.store.case_models import MediationCase, Mediator
from xihu_desk.store.models import AuditEvent
from xihu_desk.store.review_models import ReviewItem
from xihu_desk.store.uow import Database


def _counts(db: Database) -> tuple[int, int]:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(ReviewItem)), s.scalar(select(func.count()).select_from(AuditEvent))


def _refused_review(db: Database) -> None:
    head = reviewkit.head(db)
    reviewkit.reviewer(db)
    before = _counts(db)
    with pytest.raises(FieldError) as refused, db.write() as s:
        reviews.register(s, head, reviewkit.command(unit="西湖区城市管理局" + "综合执法科" * 15))
    assert refused.value.field == "unit"
    assert "合法性审查事项" in refused.value.message and "“送审单位”过长（83 字，最多 80 字）" in refused.value.message
    assert _counts(db) == before  # nothing written, not even the audit row
    ref = reviewkit.register(db, head, unit="西湖区城市管理局" + "综合执法科" * 14)  # 78 characters fit
    with pytest.raises(FieldError, match="“联系人”过长") as refused, db.write() as s:
        reviews.update_register(s, head, ref.uuid, reviewkit.command(contact="王" * 41))
    assert refused.value.field == "contact"


def test_an_over_long_text_is_refused_on_sqlite(db) -> None:
    _refused_review(db)


def test_an_over_long_text_is_refused_on_postgresql() -> None:
    db = Database(postgres_node_url("over_long_strings"))  # skips with its reason without a server
    try:
        _refused_review(db)
    finally:
        db.dispose()


@pytest.mark.sqlite_only  # only SQLite can hold a value longer than its column
def test_a_value_stored_long_before_does_not_block_editing_other_fields(db) -> None:
    head = casekit.head_actor(db)
    uuid = casekit.roster(db, head, names=("周调解",))[0]
    with db.engine.begin() as conn:  # as an older version of the program could leave it on SQLite
        conn.exec_driver_sql("UPDATE mediator SET registration_no = ? WHERE uuid = ?", ("备" * 50, uuid))
    with db.write() as s:  # registration_no is not what changes: the save goes through
        s.get_one(Mediator, uuid).phone = "13900000009"
    with pytest.raises(FieldError, match="调解员“周调解”的“备案编号”过长（51 字"), db.write() as s:
        s.get_one(Mediator, uuid).registration_no = "备" * 51
    with db.read() as s:
        assert s.get_one(Mediator, uuid).phone == "13900000009"


def test_an_over_long_name_in_a_bundle_is_quarantined_and_the_rest_imported(world, district, tmp_path) -> None:  # noqa: F811
    picked: dict[str, Any] = {}

    def mutate(members: dict[str, bytes]) -> None:
        docs = _lines(members, "case")
        i = _leaf(members, "case")
        picked["uuid"], picked["total"] = docs[i]["case"]["uuid"], len(docs)
        docs[i]["parties"][0]["name"] = "张" * 81  # one over String(80): SQLite would store it, PostgreSQL not
        _put(members, "case", docs)

    got = district.import_(rebuild(world, tmp_path, "long-name", mutate))
    assert got.result == "applied" and got.counts["quarantined"] == 1, got.problems
    (problem,) = got.problems
    assert "name" in problem["reason"] and "过长（81 字，上限 80 字）" in problem["reason"], problem
    assert not district.has_case(picked["uuid"])
    assert district.count(MediationCase) == picked["total"] - 1


def test_a_case_title_made_of_long_company_names_fits_its_column(db) -> None:
    from dataclasses import replace

    from xihu_desk.services import cases

    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    applicant, respondent = casekit.parties()
    long = [replace(applicant, kind="org", name="杭州西湖" + "数字科技" * 14 + "有限公司", id_number="",
                    credit_code="91330106MA2H2X3Y4Q", legal_rep="陈法人"),
            replace(respondent, kind="org", name="浙江" + "建设工程" * 14 + "有限责任公司", id_number="",
                    credit_code="91330106MA2H2X3Y4Q", legal_rep="林法人")]
    with db.write() as s:  # the derived title is shortened, not refused
        ref = cases.open_case(s, head, casekit.intake(db, roster, parties=tuple(long)))
    with db.read() as s:
        title = s.get_one(MediationCase, ref.uuid).title
    assert len(title) <= 120 and title.startswith("杭州西湖数字科技") and title.endswith("纠纷") and "…与浙江" in title
