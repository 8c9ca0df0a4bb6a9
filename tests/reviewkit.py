"""Helpers shared by the legality-review tests: a reviewer account at a chosen day, a registration."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from tests import casekit
from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain.roles import Role
from xihu_desk.services import auth, reviews, users
from xihu_desk.services.context import Actor

REVIEWER_PASSWORD = "Legal-review-2026"


def reviewer(db, on: date = date(2026, 3, 2)) -> Actor:
    """A 审查员 (法治审查员) account whose 'today' is ``on``."""
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        if "shen" not in {u.username for u in users.list_users(s, admin)}:
            users.create_user(s, admin, users.UserCommand("shen", "沈审查", Role.REVIEWER.value, REVIEWER_PASSWORD))
    return at(auth.sign_in(db, "shen", REVIEWER_PASSWORD), on)


def head(db, on: date = date(2026, 3, 2)) -> Actor:
    return at(casekit.head_actor(db), on)


def at(actor: Actor, on: date) -> Actor:
    return dataclasses.replace(actor, at=datetime(on.year, on.month, on.day, 9, 0))


def command(**overrides) -> reviews.RegisterCommand:
    values = dict(item_type="normative", title="关于加强老旧小区停车管理的实施意见", unit="城建办",
                  received_on=date(2026, 2, 10), complete_on=date(2026, 2, 12), contact="李科长",
                  contact_phone="0571-87000000", reviewer="沈审查")
    values.update(overrides)
    return reviews.RegisterCommand(**values)


def register(db, actor: Actor, **overrides) -> reviews.ReviewRef:
    with db.write() as s:
        return reviews.register(s, actor, command(**overrides))
