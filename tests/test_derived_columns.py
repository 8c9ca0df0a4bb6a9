"""A column a node computes when it writes a row (the pinyin sort key of a name) never travels in a
bundle: a node on a version without that column still takes the record, and the receiver computes
the key itself."""

from __future__ import annotations

from sqlalchemy import select

from tests import casekit
from xihu_desk.store import aggregates
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import Committee


def test_sort_keys_stay_home_and_are_computed_on_arrival(db):
    actor = casekit.head_actor(db)
    casekit.roster(db, actor, names=("单田芳",))
    with db.read() as s:
        mediator = s.scalars(select(Mediator).where(Mediator.name == "单田芳")).one()
        committee = s.get(Committee, mediator.committee_uuid)
        for row, model in ((mediator, Mediator), (committee, Committee)):
            doc = aggregates.row_doc(row)
            assert "name_key" not in doc
            values = aggregates.doc_values(model, doc)  # as a receiving node reads it
            assert values["name_key"] == row.name_key != ""
            # A sender that still sends the key (or any field this node lacks) is refused, as before.
            try:
                aggregates.doc_values(model, {**doc, "name_key": "x"})
            except aggregates.BadRecord as exc:
                assert "name_key" in str(exc)
            else:
                raise AssertionError("an unknown field was taken")
