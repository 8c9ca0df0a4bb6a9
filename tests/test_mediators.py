"""The roster through the services: profile, logs, refusals, and the grading evidence, which must
equal the counts taken independently from the case rows."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text, update

from tests import casekit, mediatorkit
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied
from xihu_desk.domain.grading import service_years
from xihu_desk.domain.roles import Role
from xihu_desk.services import auth, grading, mediators, users
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import MediationCase, Mediator
from xihu_desk.store.models import AuditEvent
from tests.conftest import ADMIN_PASSWORD


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


def test_profile_round_trip_masked_id_and_audit(db, head):
    uuid = mediatorkit.mediator(db, head, "周调解", "full_time", legal_qualification="judicial_exam",
                                note="擅长婚姻家庭纠纷")
    with db.read() as s:
        d = mediators.detail(s, head, uuid)
    assert (d["name"], d["gender"], d["employment_label"], d["grade_label"], d["status_label"]) == (
        "周调解", "男", "专职", "无等级", "在任")
    assert d["id_number"] == "3301**********0015" and d["registration_no"] == "西司调备周调解"
    assert d["committee"] == "北山街道人民调解委员会" and d["editable"]
    # Saving the form with the masked number keeps the one on record.
    with db.write() as s:
        mediators.update_mediator(s, head, uuid, mediators.command_from(d, phone="13811112222", education="master"))
    with db.write() as s:
        assert mediators.detail(s, head, uuid, reveal=True)["id_number"] == "330106197003150015"
        row = s.get(Mediator, uuid)
        assert (row.phone, row.education, row.version) == ("13811112222", "master", 2)
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid).order_by(AuditEvent.seq)))
    assert [e.action for e in events] == ["mediator.create", "mediator.update", "mediator.reveal"]
    assert "330106197003150015" not in "".join((e.before or "") + (e.after or "") for e in events)
    assert events[1].before == '{"education": "bachelor", "phone": "13900000000"}'
    with db.read() as s:
        rows = mediators.roster(s, head, mediators.RosterFilter(employment_type="full_time"))
        assert [r.as_json() for r in rows] == [{
            "id": uuid, "name": "周调解", "committee": "北山街道人民调解委员会", "employment_type": "full_time",
            "grade": None, "status": "serving", "gender": "男", "appointed_on": "2020-03-01",
            "registration_no": "西司调备周调解"}]
        assert mediators.roster(s, head, mediators.RosterFilter(employment_type="invited")) == []
        assert [r.name for r in mediators.roster(s, head, mediators.RosterFilter(text="1381111"))] == ["周调解"]
        assert mediators.find_uuid(s, "周调解") == uuid and mediators.find_uuid(s, uuid[-8:]) == uuid


@pytest.mark.parametrize(("changes", "field", "fragment"), [
    ({"name": " "}, "name", "姓名"),
    ({"id_number": "330106201501010014"}, "id_number", "成年公民"),
    ({"id_number": "330106197003150010"}, "id_number", "校验位"),
    ({"gender": "女"}, "gender", "性别"),
    ({"employment_type": "volunteer"}, "employment_type", "特邀"),
    ({"education": "phd"}, "education", "学历"),
    ({"appointment_end": date(2019, 1, 1)}, "appointment_end", "聘任期满"),
])
def test_a_bad_profile_is_refused_at_its_field(db, head, changes, field, fragment):
    with pytest.raises(FieldError) as info:
        mediatorkit.mediator(db, head, "周调解", **changes)
    assert info.value.field == field and fragment in info.value.message
    with db.read() as s:
        assert mediators.list_mediators(s, active_only=False) == []


def test_the_same_person_twice_and_leaving_without_an_end_date(db, head):
    uuid = mediatorkit.mediator(db, head, "周调解")
    with pytest.raises(FieldError, match="已有该身份证号（周调解）"):
        mediatorkit.mediator(db, head, "周调解")
    with db.read() as s:
        d = mediators.detail(s, head, uuid)
    with db.write() as s, pytest.raises(FieldError) as info:
        mediators.update_mediator(s, head, uuid, mediators.command_from(d, status="dismissed"))
    assert info.value.field == "appointment_end"
    with db.write() as s:
        mediators.update_mediator(s, head, uuid, mediators.command_from(d, status="dismissed",
                                                                        appointment_end=date(2025, 6, 30)))
    with db.read() as s:
        assert s.get(Mediator, uuid).active is False
        assert mediators.roster(s, head) == []  # the list shows serving mediators by default
        assert [r.status_label for r in mediators.roster(s, head, mediators.RosterFilter(status=""))] == ["解聘"]


def test_only_the_roster_keeper_writes_and_an_admin_cannot_read(db, head):
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand("tiao", "调解员甲", Role.MEDIATOR.value, "Qiantang-2026"))
    mediator_role = auth.sign_in(db, "tiao", "Qiantang-2026")
    with pytest.raises(PermissionDenied):
        mediatorkit.mediator(db, mediator_role, "周调解")
    uuid = mediatorkit.mediator(db, head, "周调解")
    with db.read() as s:
        assert mediators.detail(s, mediator_role, uuid)["editable"] is False
        with pytest.raises(PermissionDenied):
            mediators.roster(s, admin)


def test_training_and_event_logs(db, head):
    uuid = mediatorkit.mediator(db, head, "周调解")
    with db.write() as s:
        t = mediators.add_training(s, head, uuid, mediators.TrainingInput(date(2025, 5, 6), "民法典解读", "2.5", "区司法局"))
        mediators.add_event(s, head, uuid, mediators.EventInput("award", date(2025, 12, 20), "优秀人民调解员", "西湖区司法局",
                                                                outcome="district"))
    for bad, field in ((mediators.TrainingInput(date(2025, 5, 6), "x", "2.55"), "hours"),
                       (mediators.TrainingInput(date(2025, 5, 6), "x", "0"), "hours"),
                       (mediators.TrainingInput(date(2025, 5, 6), " ", "2"), "topic"),
                       (mediators.TrainingInput(date.today() + timedelta(days=1), "x", "2"), "held_on")):
        with db.write() as s, pytest.raises(FieldError) as info:
            mediators.add_training(s, head, uuid, bad)
        assert info.value.field == field
    with db.write() as s, pytest.raises(FieldError, match="第十五条"):
        mediators.add_event(s, head, uuid, mediators.EventInput("discipline", date(2025, 1, 2), "偏袒", outcome="criticism"))
    with db.write() as s, pytest.raises(FieldError, match="找不到案件"):
        mediators.add_event(s, head, uuid, mediators.EventInput("escalation", date(2025, 1, 2), "民转刑",
                                                                outcome="criminal", case_no="（2025）北山人调字第9999号"))
    with db.write() as s:
        mediators.remove_log_entry(s, head, "training", t)
    with db.read() as s:
        d = mediators.detail(s, head, uuid)
        assert d["trainings"] == [] and [e["outcome_label"] for e in d["events"]] == ["区（县）级"]
    with db.write() as s, pytest.raises(NotFound):
        mediators.remove_log_entry(s, head, "training", t)


# ---------------------------------------------------------------- evidence


def independent_counts(db, mediator_uuid: str, start: date, end: date) -> dict:
    """The same figures taken straight from the rows, in plain SQL and Python (no service code)."""
    iso = str  # SQLite keeps dates as ISO text, PostgreSQL as dates: compare both as text
    with db.read() as s:
        rows = s.execute(text(
            "SELECT c.uuid, c.accepted_on, c.outcome, c.agreement_form, c.difficulty, c.deleted, c.year "
            "FROM case_mediator cm JOIN mediation_case c ON c.uuid = cm.case_uuid WHERE cm.mediator_uuid = :m"),
            {"m": mediator_uuid}).all()
        mine = [r for r in rows if not r.deleted and iso(start) <= iso(r.accepted_on) <= iso(end)]
        uuids = {r.uuid for r in mine}
        confirmed = {u for (u,) in s.execute(text("SELECT case_uuid FROM confirmation WHERE result = 'confirmed' AND NOT deleted"))}
        visits = s.execute(text("SELECT f.case_uuid, f.visited_on FROM followup f WHERE NOT f.deleted")).all()
        live_cases = {r.uuid for r in rows if not r.deleted}
        trainings = s.execute(text("SELECT held_on, tenth_hours FROM mediator_training WHERE mediator_uuid = :m AND NOT deleted"),
                              {"m": mediator_uuid}).all()
        events = s.execute(text("SELECT kind, outcome, occurred_on FROM mediator_event WHERE mediator_uuid = :m AND NOT deleted"),
                           {"m": mediator_uuid}).all()
    succeeded = [r for r in mine if r.outcome == "succeeded"]
    concluded = [r for r in mine if r.outcome is not None]
    oral = [r for r in succeeded if r.agreement_form == "oral"]
    hours = sum(t for d, t in trainings if iso(start) <= iso(d) <= iso(end))
    in_window = [e for e in events if iso(start) <= iso(e.occurred_on) <= iso(end)]
    return {
        "cases_total": len(mine),
        "per_year": {str(y): n for y, n in sorted(Counter(r.year for r in mine).items())},
        "cases_concluded": len(concluded),
        "cases_succeeded": len(succeeded),
        "success_rate": round(len(succeeded) / len(concluded), 4) if concluded else None,
        "oral_agreements": len(oral),
        "written_agreements": len([r for r in succeeded if r.agreement_form == "written"]),
        "oral_share": round(len(oral) / len(mine), 4) if mine else None,
        "by_difficulty": dict(Counter(r.difficulty for r in mine)),
        "difficult_cases": len([r for r in mine if r.difficulty in ("complex", "major", "very_major")]),
        "confirmed_cases": len(uuids & confirmed),
        "followups": len([v for v in visits if v.case_uuid in live_cases and iso(start) <= iso(v.visited_on) <= iso(end)]),
        "training_hours": hours / 10,
        "training_sessions": len([1 for d, _t in trainings if iso(start) <= iso(d) <= iso(end)]),
        "awards": len([e for e in in_window if e.kind == "award"]),
        "complaints": len([e for e in in_window if e.kind == "complaint"]),
        "complaints_upheld": len([e for e in in_window if e.kind == "complaint" and e.outcome == "upheld"]),
        "discipline": len([e for e in in_window if e.kind == "discipline"]),
        "escalations": len([e for e in in_window if e.kind == "escalation"]),
    }


def test_evidence_equals_the_counts_taken_independently_from_the_cases(db, head):
    roster = [mediatorkit.mediator(db, head, n) for n in ("周调解", "吴调解", "郑调解")]
    made = mediatorkit.varied_cases(db, head, roster, 36, seed=7, start=date(2024, 1, 1), end=date(2026, 6, 30))
    zhou = roster[0]
    with db.write() as s:
        for held, hours in ((date(2023, 12, 31), "8"), (date(2024, 1, 1), "2.5"), (date(2025, 3, 3), "3")):
            mediators.add_training(s, head, zhou, mediators.TrainingInput(held, "业务培训", hours))
        for kind, outcome, on in (("award", "district", date(2024, 12, 1)), ("complaint", "rejected", date(2025, 2, 1)),
                                  ("complaint", "upheld", date(2025, 4, 1)), ("escalation", "petition", date(2025, 5, 1)),
                                  ("award", "municipal", date(2023, 5, 1))):
            mediators.add_event(s, head, zhou, mediators.EventInput(kind, on, "记录", outcome=outcome))
        # A case withdrawn from the register (a tombstone from the exchange) no longer counts.
        s.execute(update(MediationCase).where(MediationCase.uuid == made[0]).values(deleted=True))
    windows = [(date(2024, 1, 1), date(2026, 6, 30)), (date(2025, 1, 1), date(2025, 12, 31)),
               (date(2024, 3, 15), date(2024, 9, 15)), (date(2020, 1, 1), date(2020, 12, 31))]
    checked = 0
    for uuid in roster:
        for start, end in windows:
            with db.read() as s:
                ev = grading.evidence(s, head, uuid, start, end).as_json()
            expected = independent_counts(db, uuid, start, end)
            assert {k: ev[k] for k in expected} == expected, (uuid, start, end)
            checked += ev["cases_total"]
    assert checked > 36  # the windows overlap; every mediator has cases
    with db.read() as s:
        full = grading.evidence(s, head, zhou, *windows[0])
    assert full.training_hours == Decimal("5.5") and full.awards == 1 and full.complaints_upheld == 1
    assert full.escalations == 1
    assert full.years_of_service == service_years((date(2026, 6, 30) - date(2020, 3, 1)).days + 1)


def test_the_window_edges_are_included(db, head):
    zhou = mediatorkit.mediator(db, head, "周调解")
    mediatorkit.make_case(db, head, [zhou], date(2025, 1, 1), "oral")
    mediatorkit.make_case(db, head, [zhou], date(2025, 12, 31), "written", confirmed=True)
    mediatorkit.make_case(db, head, [zhou], date(2024, 12, 31), "failed")
    with db.read() as s:
        ev = grading.evidence(s, head, zhou, date(2025, 1, 1), date(2025, 12, 31))
        with pytest.raises(FieldError):
            grading.evidence(s, head, zhou, date(2025, 1, 2), date(2025, 1, 1))
    assert (ev.cases_total, ev.cases_succeeded, ev.oral_agreements, ev.confirmed_cases) == (2, 2, 1, 1)
    assert ev.success_rate == Decimal(1) and ev.oral_share == Decimal("0.5")
    assert ev.per_year == {2025: 2}


def test_years_of_service_add_up_over_appointments(db, head):
    zhou = mediatorkit.mediator(db, head, "周调解", appointed=date(2022, 1, 1))
    with db.write() as s:
        mediators.add_appointment(s, head, zhou, mediators.AppointmentInput(date(2018, 1, 1), date(2019, 12, 31), "古荡调委会"))
        mediators.add_appointment(s, head, zhou, mediators.AppointmentInput(date(2019, 7, 1), date(2020, 6, 30)))  # overlaps
        mediators.add_appointment(s, head, zhou, mediators.AppointmentInput(date(2025, 3, 1)))  # after the window
    with db.read() as s:
        ev = grading.evidence(s, head, zhou, date(2024, 1, 1), date(2024, 12, 31))
    days = (date(2020, 6, 30) - date(2018, 1, 1)).days + 1 + (date(2024, 12, 31) - date(2022, 1, 1)).days + 1
    assert ev.service_days == days == 2008 and ev.years_of_service == Decimal("5.4")  # 5.497 years, rounded down


def test_demo_fills_the_roster(db):
    from xihu_desk.services import demo

    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=3, cases=30, mediators=3, today=date(2026, 10, 1)))
    with db.read() as s:
        actor = cli_actor()
        rows = mediators.roster(s, actor)
        kinds = Counter(r.employment_type for r in rows)
        assert kinds["invited"] == 1 and kinds["part_time"] + kinds["full_time"] >= 8
        details = [mediators.detail(s, actor, r.uuid) for r in rows]
        assert all(d["appointed_on"] and d["registration_no"] for d in details)
        assert sum(len(d["trainings"]) for d in details) >= 2 * len(rows) - 1
        events = Counter(e["kind"] for d in details for e in d["events"])
        assert events["complaint"] in (1, 2) and events["award"] >= 1
        assert any(d["grades"] for d in details)
        apps = grading.list_applications(s, actor, open_only=True)
        assert [a.status for a in apps] == ["committee_passed"]


def test_an_older_roster_migrates_with_its_mediators(empty_data_dir):
    """A database made before migration 0005: its mediators keep their rows and get a status."""
    from alembic import command

    from xihu_desk.store import migrate
    from xihu_desk.store.uow import Database

    empty_data_dir.ensure()
    old = Database(empty_data_dir.url)
    cfg = migrate.alembic_config()
    with old.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        conn.execute(text("INSERT INTO org_unit VALUES ('330106002', '北山街道', '北山', 'street', '330106', '2022', false)"))
        stamp = "'n1', 'n1', 1, '2026-01-01 00:00:00', false"
        conn.execute(text(f"INSERT INTO committee (uuid, origin_node, owner_node, version, updated_at, deleted, name, "
                          f"short_name, org_code, kind) VALUES ('c1', {stamp}, '北山调委会', '北山', '330106002', 'street')"))
        for uuid, name, active in (("m1", "周调解", "true"), ("m2", "吴调解", "false")):
            conn.execute(text(
                f"INSERT INTO mediator (uuid, origin_node, owner_node, version, updated_at, deleted, name, committee_uuid, "
                f"gender, phone, id_number, employment_type, grade, appointed_on, active) VALUES "
                f"('{uuid}', {stamp}, '{name}', 'c1', '', '', '', 'full_time', '', '2020-01-01', {active})"))
    old.dispose()
    opened = migrate.open_database(empty_data_dir)
    try:
        assert migrate.current_revision(opened.db) == migrate.head_revision()
        with opened.db.read() as s:
            rows = {m.name: (m.status, m.active, m.education, m.note, m.appointed_on)
                    for m in s.scalars(select(Mediator))}
        assert rows == {"周调解": ("serving", True, "", "", date(2020, 1, 1)),
                        "吴调解": ("left", False, "", "", date(2020, 1, 1))}
    finally:
        opened.db.dispose()
