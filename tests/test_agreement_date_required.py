"""An agreement registered without its date is refused at that field (only a printed draft may lack it)."""

from __future__ import annotations

import pytest

from tests import casekit
from xihu_desk.domain.errors import FieldError
from xihu_desk.services import cases


def test_an_agreement_without_a_date_names_the_field(db) -> None:
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        uuid = cases.open_case(s, head, casekit.intake(db, roster)).uuid
        cases.record_notice(s, head, uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, uuid, casekit.record())
    with db.write() as s, pytest.raises(FieldError) as info:
        cases.record_agreement(s, head, uuid, casekit.written_agreement(effective_on=None))
    assert info.value.field == "effective_on"
