"""Accounts are people on the roster (issue 14): an account linked to its mediator's roster entry
gets 我的案件 on the home page (that mediator's open cases; the 所长 has none and sees all);
one roster entry, one account in use; `user link` on the command line."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime

import pytest

from tests import casekit
from tests.conftest import ADMIN_PASSWORD
from xihu_desk import cli
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Role
from xihu_desk.services import auth, case_queries, cases, home, users
from xihu_desk.store import migrate

TODAY = date(2026, 3, 20)
NOW = datetime(2026, 3, 20, 9, 0)
PASSWORD = "Xixi-Lake-2026!"


@pytest.fixture
def setup(db):
    head = casekit.head_actor(db)
    zhou, wu = casekit.roster(db, head)
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        # two cases led by 周, one by 吴 alone
        for lead in ((zhou, wu), (zhou,), (wu,)):
            cases.open_case(s, head, casekit.intake(db, list(lead)))
        row = users.create_user(s, admin, users.UserCommand("zhou", "周调解", Role.MEDIATOR.value, PASSWORD,
                                                            mediator_uuid=zhou))
    return head, admin, zhou, wu, row


def _my_figure(db, actor):
    with db.read() as s:
        data = home.summary(s, dataclasses.replace(actor, at=NOW), TODAY, NOW)
        mine = [f for f in data.figures if f.label == "我的案件"]
        listed = len(case_queries.list_cases(s, actor, mine[0].target, TODAY, 0, 1000)) if mine else None
    return mine, listed


def test_linked_mediator_sees_my_cases_and_the_head_sees_all(db, setup) -> None:
    head, _admin, zhou, _wu, row = setup
    assert row.mediator_uuid == zhou and row.mediator_name == "周调解"
    assert row.committee_uuid == casekit.committee_uuid(db)  # taken from the roster entry
    mediator = auth.sign_in(db, "zhou", PASSWORD)
    mine, listed = _my_figure(db, mediator)
    assert len(mine) == 1 and mine[0].value == 2 == listed and "周调解" in mine[0].note
    assert mine[0].target.mediator_uuid == zhou
    head_mine, _ = _my_figure(db, head)
    assert head_mine == []  # not linked: the 所长 sees every case
    with db.read() as s:
        assert users.own_roster_entry(s, mediator) == (zhou, "周调解", casekit.committee_uuid(db))
        assert users.own_roster_entry(s, head) is None


def test_one_roster_entry_one_account_and_unlinking(db, setup) -> None:
    _head, admin, zhou, wu, row = setup
    with db.write() as s, pytest.raises(UserError, match="已关联账户“zhou”"):
        users.create_user(s, admin, users.UserCommand("zhou2", "周调解", Role.MEDIATOR.value, PASSWORD,
                                                      mediator_uuid=zhou))
    with db.write() as s:
        users.link_roster(s, admin, row.uuid, wu)
    mine, listed = _my_figure(db, auth.sign_in(db, "zhou", PASSWORD))
    assert mine[0].value == 2 == listed  # 吴: one case with 周, one alone
    with db.write() as s:
        users.link_roster(s, admin, row.uuid, None)
    assert _my_figure(db, auth.sign_in(db, "zhou", PASSWORD))[0] == []


def test_cli_user_link_and_list(capsys, data_dir) -> None:
    opened = migrate.open_database(data_dir)
    head = casekit.head_actor(opened.db)
    casekit.roster(opened.db, head)
    opened.db.dispose()
    base = ["--data-dir", str(data_dir.root)]
    assert cli.main([*base, "user", "link", "head", "--mediator", "周调解"]) == 0
    assert "已关联调解员名册中的“周调解”" in capsys.readouterr().out
    assert cli.main([*base, "user", "list", "--json"]) == 0
    listed = {u["username"]: u for u in json.loads(capsys.readouterr().out)["users"]}
    assert listed["head"]["mediator"]["name"] == "周调解" and listed["admin"]["mediator"] is None
    assert cli.main([*base, "user", "unlink", "head", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"username": "head", "mediator": None}
    assert cli.main([*base, "user", "link", "head", "--mediator", "没有此人"]) == 1
    assert "找不到调解员" in capsys.readouterr().err
