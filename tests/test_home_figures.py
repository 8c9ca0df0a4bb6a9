"""Every figure on the home page equals the length of the list its card opens: each figure
carries that list's own filter and is counted by that list's own query, and the list read row by
row (as the screens read it) has exactly that many rows. 待回访 counts closed cases whose visit is
due, not filed ones nor ones visited with the agreement performed in full."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from sqlalchemy import select

from tests import casekit
from tests.conftest import ADMIN_PASSWORD
from xihu_desk.services import audit, auth, case_queries, committees, demo, home, review_queries, users
from xihu_desk.services.context import Actor, cli_actor
from xihu_desk.store.case_models import FollowUp, MediationCase

TODAY = date(2026, 3, 20)
NOW = datetime(2026, 3, 20, 9, 0)


def _at(actor: Actor) -> Actor:
    return dataclasses.replace(actor, at=NOW)


def _listed(session, actor: Actor, figure: home.Figure) -> int:  # noqa: ANN001
    """The rows of the list the card opens, read the way its screen reads them."""
    f = figure.target
    if figure.kind == home.CASES:
        return len(case_queries.list_cases(session, actor, f, TODAY, 0, 100_000))
    if figure.kind == home.REVIEWS:
        return len(review_queries.list_reviews(session, actor, f, TODAY, 0, 100_000))
    if figure.kind == home.USERS:
        return sum(1 for u in users.list_users(session, actor) if u.active or not f.active_only)
    if figure.kind == home.AUDIT:
        return len(audit.list_events(session, actor, f, limit=1_000_000))
    if figure.kind == home.COMMITTEES:
        return len(committees.list_committees(session))
    raise AssertionError(f"{figure.label} opens no list")


def _demo(db) -> tuple[Actor, Actor]:  # noqa: ANN001
    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=7, cases=60, today=TODAY))
    return _at(casekit.head_actor(db)), _at(auth.sign_in(db, "admin", ADMIN_PASSWORD))


def test_every_figure_equals_the_list_it_opens(db) -> None:  # noqa: ANN001
    head, admin = _demo(db)
    seen = set()
    with db.read() as s:
        for actor in (head, admin):
            for figure in home.summary(s, actor).figures:
                assert figure.area, f"{figure.label} opens nothing"
                assert figure.value == _listed(s, actor, figure), figure.label
                seen.add(figure.label)
    assert seen == {"在办案件", "本月受理", "待回访", "调委会", "在审事项", "在用账户", "近 24 小时操作"}


def test_followups_due_are_closed_cases_not_filed_nor_done(db) -> None:  # noqa: ANN001
    head, _admin = _demo(db)
    with db.read() as s:
        figure = next(f for f in home.summary(s, head).figures if f.label == "待回访")
        listed = {r.uuid for r in case_queries.list_cases(s, head, figure.target, TODAY, 0, 100_000)}
        rows = s.execute(select(MediationCase.uuid, MediationCase.status, MediationCase.followup_due)
                         .where(MediationCase.deleted.is_(False))).all()
        visited_in_full = set(s.scalars(select(FollowUp.case_uuid).where(FollowUp.performance == "full")))
        # The old count: every case with a visit date reached, filed ones included.
        old = sum(1 for _u, _st, due in rows if due is not None and due <= TODAY)
        # What the card means: closed (not yet filed), the visit date reached.
        expected = {u for u, st, due in rows if st == "closed" and due is not None and due <= TODAY}
        # The to-do list's follow-up items up to today are exactly those cases.
        todo = {d.case_uuid for d in case_queries.due_items(s, head, TODAY) if d.kind == "followup" and d.due <= TODAY}
    assert figure.value == len(listed) == len(expected) and listed == expected == todo
    # A case whose last visit found the agreement performed in full has no visit due.
    last_full = visited_in_full - {u for u, _st, due in rows if due is not None}
    assert last_full and not listed & last_full
    # Filing a case whose visit is still due takes a reason and ends the visit (issue 14): a filed case
    # never waits for one, so the old count and the card agree.
    assert old == figure.value and not any(st == "filed" and due is not None for _u, st, due in rows)
