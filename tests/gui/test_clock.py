"""One clock: an action is stamped when it happens, not when the user signed in (issue 13)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from tests import casekit
from xihu_desk.domain import clock
from xihu_desk.services import cases
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent

from .helpers import wait_op

SIGN_IN = datetime(2026, 3, 5, 0, 0, 7)  # naive UTC: 08:00 in Hangzhou


def _audit_times(db, entity_id: str) -> list[str]:  # noqa: ANN001
    with db.read() as s:
        return list(s.scalars(select(AuditEvent.at).where(AuditEvent.entity_id == entity_id)))


def test_a_case_saved_hours_after_sign_in_carries_the_time_it_was_saved(qtbot, db, runner) -> None:  # noqa: ANN001
    with clock.use(clock.ManualClock(SIGN_IN)) as now:
        head = casekit.head_actor(db)  # signs in at 08:00
        mediator_uuids = casekit.roster(db, head)
        saved_at = now.advance(hours=5, minutes=58)  # 13:58
        cmd = casekit.intake(db, mediator_uuids, accepted_on=date(2026, 3, 5))
        results: list = []
        assert wait_op(qtbot, runner, lambda: runner.write(
            lambda s, _p: cases.open_case(s, head, cmd), on_ok=results.append))
        uuid = results[0].uuid
        with db.read() as s:
            case = s.get(MediationCase, uuid)
            assert case.updated_at == saved_at
        assert _audit_times(db, uuid) == [saved_at.isoformat(timespec="seconds")]

        later = now.advance(minutes=4)
        assert wait_op(qtbot, runner, lambda: runner.write(
            lambda s, _p: cases.record_notice(s, head, uuid, date(2026, 3, 5), "written")))
        with db.read() as s:
            assert s.get(MediationCase, uuid).updated_at == later
        assert _audit_times(db, uuid)[-1] == later.isoformat(timespec="seconds")


def test_one_unit_of_work_is_one_instant_and_today_is_the_local_date(db) -> None:  # noqa: ANN001
    with clock.use(clock.ManualClock(datetime(2026, 3, 4, 17, 30))) as now:
        head = casekit.head_actor(db)
        with db.write():
            first = head.now
            now.advance(seconds=3)
            assert head.now == first  # pinned for the whole unit of work
        assert head.now == first + timedelta(seconds=3)
        assert head.today == clock.local_date(head.now) == clock.local_today()
        assert head.stamped().now == head.now
