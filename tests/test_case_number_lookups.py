"""Every place that finds a case by its number refuses a number two cases share (numbers issued
before 字号 were unique in the district, issue 11), instead of silently taking the first."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import update

from tests import casekit
from tests.casekit import ACCEPTED
from xihu_desk.domain.errors import FieldError
from xihu_desk.gui.exchange.corrections import find_case
from xihu_desk.services import cases, mediators, reviews
from xihu_desk.store.case_models import MediationCase


def test_a_shared_number_is_refused_by_the_review_link_and_the_correction_lookup(db):
    actor = casekit.head_actor(db)
    mediators = casekit.roster(db, actor)
    with db.write() as s:
        first = cases.open_case(s, actor, casekit.intake(db, mediators))
        second = cases.open_case(s, actor, casekit.intake(db, mediators))
    with db.write() as s:  # as an old database may have it
        s.execute(update(MediationCase).where(MediationCase.uuid == second.uuid).values(case_no=first.case_no))
    with db.read() as s:
        for lookup in (lambda n: reviews._case_uuid(s, n), lambda n: find_case(s, actor, n)):
            with pytest.raises(FieldError) as refused:
                lookup(first.case_no)
            assert first.uuid in refused.value.message and second.uuid in refused.value.message
            assert lookup(second.uuid) == second.uuid


def test_a_shared_number_is_refused_by_a_mediator_complaint(db):
    actor = casekit.head_actor(db)
    roster = casekit.roster(db, actor)
    with db.write() as s:
        first = cases.open_case(s, actor, casekit.intake(db, roster))
        second = cases.open_case(s, actor, casekit.intake(db, roster))
    with db.write() as s:
        s.execute(update(MediationCase).where(MediationCase.uuid == second.uuid).values(case_no=first.case_no))
    complaint = mediators.EventInput("complaint", ACCEPTED, "态度问题", outcome="rejected", case_no=first.case_no)
    with db.write() as s, pytest.raises(FieldError) as refused:
        mediators.add_event(s, actor, roster[0], complaint)
    assert second.uuid in refused.value.message
    with db.write() as s:
        mediators.add_event(s, actor, roster[0], dataclasses.replace(complaint, case_no=second.uuid))
