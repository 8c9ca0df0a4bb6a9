"""Issue 18: a case transferred (移送) to 西溪 arrives without mediators (北山's stay on 北山's roster).
西溪 is asked for its own (case page, home 待办), assigns them from its roster in an ordinary 受理信息
save, which is audited and kept in the case history, and after 西溪's bundle up the district has the
case with 西溪's mediators: the grading evidence and the mediator ledger count it for them.

The case was accepted in December and transferred in January, so its number (the year it reached
西溪's committee) and its acceptance are in different years: saving 受理信息 was refused for it
("不能更改…受理年份"), so the receiving office could never give it mediators."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests import casekit
from tests.test_case_transfer_back import _down, _move
from tests.test_case_transfer_bundles import XIXI, _folder, nodes  # noqa: F401 (fixture)
from xihu_desk.domain import clock
from xihu_desk.domain.errors import FieldError
from xihu_desk.services import case_queries, cases, home, mediator_ledger, mediators
from xihu_desk.services.context import cli_actor
from xihu_desk.services.grading import counting
from xihu_desk.store.case_models import CaseHistory, CaseMediator, MediationCase
from xihu_desk.store.models import AuditEvent

BEISHAN = "330106002"
ACCEPTED = date(2025, 12, 19)
WINDOW = (date(2025, 1, 1), date(2026, 12, 31))
ASK = "移送来的案件，请指定本所调解员"


def received_case(a, b, district, tmp_path) -> tuple[str, str, list[str]]:
    """A case of 北山 accepted on 2025-12-19 (周调解, 吴调解), transferred to 西溪 on 2026-01-05:
    (uuid, 西溪's committee, 北山's mediators). The clock stays in January 2026 for the caller."""
    clock_ = clock.ManualClock(datetime(2025, 12, 20, 2))
    with clock.use(clock_):
        head_a = casekit.head_actor(a.db)
        people = casekit.roster(a.db, head_a)
        with a.db.write() as s:
            uuid = cases.open_case(s, head_a, casekit.intake(a.db, people, accepted_on=ACCEPTED)).uuid
        clock_.set(datetime(2026, 1, 5, 2))
        _move(a, district, tmp_path, "out", uuid, XIXI)
        _down(district, b, XIXI, tmp_path, "d-b")
        _down(district, a, BEISHAN, tmp_path, "d-a")
    with b.db.read() as s:
        committee = s.get(MediationCase, uuid).committee_uuid
    return uuid, committee, people


def _intake(b, committee: str, uuid: str, people: list[str]) -> cases.IntakeCommand:
    head = casekit.head_actor(b.db)
    with b.db.read() as s:
        edit = case_queries.case_for_edit(s, head, uuid)
    return casekit.intake(b.db, people, committee_uuid=committee, accepted_on=ACCEPTED, parties=edit.parties)


def _asked(db, actor) -> list[tuple[str, str]]:
    with db.read() as s:
        return [(d.title, d.record_uuid) for d in home.summary(s, actor).due if d.title.startswith(ASK)]


def test_the_receiving_office_assigns_its_own_mediators_and_they_are_counted(nodes, tmp_path):  # noqa: F811
    a, b, district = nodes
    with clock.use(clock.ManualClock(datetime(2026, 1, 6, 2))):
        uuid, committee, beishan_people = received_case(a, b, district, tmp_path)
        head_b = casekit.head_actor(b.db)
        with b.db.read() as s:
            case = s.get(MediationCase, uuid)
            number = case.case_no
            assert case.year == 2026 and case.accepted_on == ACCEPTED
            shown = case_queries.case_detail(s, head_b, uuid)
        assert shown["mediator_assignments"] == [] and shown["transfer"]["needs_mediators"] is True
        assert _asked(b.db, head_b) == [(f"{ASK}：{number}", uuid)]

        with b.db.write() as s:
            zheng = mediators.create_mediator(s, head_b, mediators.MediatorCommand("郑调解", committee)).uuid
            wang = mediators.create_mediator(s, head_b, mediators.MediatorCommand("王调解", committee)).uuid
            stranger = mediators.create_mediator(s, head_b, mediators.MediatorCommand("外所调解", committee)).uuid
        with b.db.write() as s:  # a mediator of another office's roster (as a copy would hold)
            s.get(mediators.Mediator, stranger).owner_node = a.key()["node_id"]
        with pytest.raises(FieldError, match="外所调解不在本单位的调解员名册中"), b.db.write() as s:  # rolled back
            cases.update_intake(s, head_b, uuid, _intake(b, committee, uuid, [stranger]))
        with b.db.write() as s:  # back on 西溪's roster, so that it travels up as any mediator does
            s.get(mediators.Mediator, stranger).owner_node = b.key()["node_id"]

        # an ordinary 受理信息 save, in another year than the acceptance (it was refused)
        with b.db.write() as s:
            cases.update_intake(s, head_b, uuid, _intake(b, committee, uuid, [zheng, wang]))
        with b.db.read() as s:
            assigned = dict(s.execute(select(CaseMediator.mediator_uuid, CaseMediator.lead).where(CaseMediator.case_uuid == uuid)).all())
            history = [(h.field_label, h.before, h.after) for h in s.scalars(select(CaseHistory).where(CaseHistory.case_uuid == uuid))]
            event = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid, AuditEvent.action == "case.update")).one()
            shown = case_queries.case_detail(s, head_b, uuid)
            evidence = {m: counting.evidence(s, head_b, m, *WINDOW).cases_total for m in (zheng, wang)}
            ledger = {r["name"]: r["cases"] for r in mediator_ledger.roster_rows(s, head_b)}
        assert assigned == {zheng: True, wang: False}
        assert ("原调解员", "周调解、吴调解", "") in history and ("本所调解员", "", "郑调解、王调解") in history
        assert "指定本所调解员" in event.summary
        assert json.loads(event.before)["mediators"] == [] and json.loads(event.after)["mediators"] == [zheng, wang]
        assert shown["transfer"]["needs_mediators"] is False and _asked(b.db, head_b) == []
        assert evidence == {zheng: 1, wang: 1} and ledger["郑调解"] == 1 and ledger["王调解"] == 1

        # up to the district: the case with 西溪's mediators (and the history row), 北山's gone from it
        got = district.import_(b.export(_folder(tmp_path, "b-up")).file)
        assert got.counts["refused"] == got.counts["quarantined"] == 0, got.problems
        with district.db.read() as s:
            at_d = set(s.scalars(select(CaseMediator.mediator_uuid).where(CaseMediator.case_uuid == uuid)))
            labels = {h.field_label for h in s.scalars(select(CaseHistory).where(CaseHistory.case_uuid == uuid))}
            counted = {m: counting.evidence(s, cli_actor(), m, *WINDOW).cases_total for m in (zheng, *beishan_people)}
        assert at_d == {zheng, wang} and "本所调解员" in labels
        assert counted == {zheng: 1, beishan_people[0]: 0, beishan_people[1]: 0}


def test_a_case_of_the_office_itself_is_never_asked_for(nodes, tmp_path):  # noqa: F811
    a, _b, _district = nodes
    head = casekit.head_actor(a.db)
    with a.db.write() as s:  # accepted without mediators, never transferred: the ordinary hint only
        uuid = cases.open_case(s, head, casekit.intake(a.db, [])).uuid
    with a.db.read() as s:
        assert case_queries.case_detail(s, head, uuid)["transfer"] is None
    assert _asked(a.db, head) == []
