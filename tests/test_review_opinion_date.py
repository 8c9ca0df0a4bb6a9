"""An opinion recorded without its date is refused at that field (only an imported one may lack it)."""

from __future__ import annotations

from datetime import date

import pytest

from tests import reviewkit
from xihu_desk.domain.errors import FieldError
from xihu_desk.services import reviews


def test_an_opinion_without_a_date_names_the_field(db) -> None:
    actor = reviewkit.head(db, date(2026, 3, 4))
    ref = reviewkit.register(db, actor)
    with db.write() as s, pytest.raises(FieldError) as info:
        reviews.record_opinion(s, actor, ref.uuid, reviews.OpinionInput(None, "lawful"))
    assert info.value.field == "opinion_on"
