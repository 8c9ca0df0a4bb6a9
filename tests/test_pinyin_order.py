"""Names sort in pinyin order, not by code point: 王 李 张 刘 丁 赵 come out as 丁 李 刘 王 张 赵 in
the mediator list on the command line (JSON), in the roster's Excel export, in the lists the
services page from SQL (by the stored key) and in the roster model of the GUI. A database made
before the key existed is given keys by the migration."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from tests import anydb, casekit
from xihu_desk import cli
from xihu_desk.domain import names
from xihu_desk.services import committees, mediator_ledger, mediators
from xihu_desk.store.case_models import Mediator

SHUFFLED = ["王", "李", "张", "刘", "丁", "赵"]
PINYIN = ["丁", "李", "刘", "王", "张", "赵"]


@pytest.fixture
def head(db):  # noqa: ANN001, ANN201
    actor = casekit.head_actor(db)
    casekit.roster(db, actor, names=[f"{n}调解" for n in SHUFFLED])
    return actor


def test_sort_key_reads_names_as_the_dictionary_does() -> None:
    assert sorted(SHUFFLED) != PINYIN  # code points: 丁 刘 张 李 王 赵
    assert sorted(SHUFFLED, key=names.person_key) == PINYIN
    assert sorted(["李四", "李", "刘一", "单雄信", "Alice"], key=names.person_key) == ["Alice", "李", "李四", "刘一", "单雄信"]
    # 单 as a surname is shàn (after 沙 shā); as a word it is dān (before it).
    assert names.person_key("单田芳") > names.person_key("沙") and names.sort_key("单") < names.sort_key("沙")


def test_mediator_list_json_is_in_pinyin_order(head, data_dir, capsys) -> None:  # noqa: ANN001
    code = cli.main(["mediator", "list", "--json", "--data-dir", str(data_dir.root)])
    listed = [m["name"] for m in json.loads(capsys.readouterr().out)["mediators"]]
    assert code == 0 and listed == [f"{n}调解" for n in PINYIN]


def test_sql_lists_and_export_follow_the_stored_key(db, head) -> None:  # noqa: ANN001
    with db.read() as s:
        assert [m.name[0] for m in mediators.list_mediators(s)] == PINYIN
        assert [m.name[0] for m in mediators.roster(s, head)] == PINYIN
        keys = list(s.scalars(select(Mediator.name_key).order_by(Mediator.name_key)))
        assert [k.split("\t")[1][0] for k in keys] == PINYIN
        book = load_workbook(io.BytesIO(mediator_ledger.export_roster(s, head)))
    column = [str(c.value or "") for row in book.active.iter_rows() for c in row if str(c.value or "").endswith("调解")]
    assert [v[0] for v in column] == PINYIN
    # Renaming a mediator moves it: the key is written with the name.
    with db.write() as s:
        zhao = next(m for m in mediators.list_mediators(s) if m.name == "赵调解")
        cmd = mediators.MediatorCommand(**{f: getattr(mediators.get(s, zhao.uuid), f) for f in mediators.PROFILE_FIELDS})
        mediators.update_mediator(s, head, zhao.uuid, mediators.MediatorCommand(**{**cmd.__dict__, "name": "艾调解"}))
    with db.read() as s:
        assert mediators.list_mediators(s)[0].name == "艾调解"


def test_committees_sort_by_pinyin_within_a_unit(db, head) -> None:  # noqa: ANN001
    admin = _admin(db)
    with db.write() as s:
        for word in ("玉古", "灵隐", "东山弄", "北山"):
            committees.create_committee(s, admin,
                                        committees.CommitteeCommand(f"北山街道{word}社区人民调解委员会", "", "330106002",
                                                                    "community"))
    with db.read() as s:
        community = [c.name for c in committees.list_committees(s) if c.kind == "community"]
    assert community == sorted(community, key=names.sort_key)
    assert [n.removeprefix("北山街道")[:2] for n in community] == ["北山", "东山", "灵隐", "玉古"]


def _admin(db):  # noqa: ANN001, ANN202
    from tests.conftest import ADMIN_PASSWORD
    from xihu_desk.services import auth

    return auth.sign_in(db, "admin", ADMIN_PASSWORD)


def test_the_migration_gives_existing_rows_their_key(db, head, data_dir) -> None:  # noqa: ANN001
    with db.write() as s:
        s.execute(update(Mediator).values(name_key=""))
    db.dispose()
    from alembic import command

    from xihu_desk.store import migrate

    opened = migrate.open_database(data_dir)
    cfg = migrate.alembic_config()
    with opened.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008_name_sort_keys-1")
    migrate.upgrade(opened.db)
    opened.db.dispose()
    rows = anydb.rows(data_dir, "SELECT name FROM mediator ORDER BY name_key")
    assert [r[0][0] for r in rows] == PINYIN


def test_the_roster_list_sorts_names_in_pinyin(db, head) -> None:  # noqa: ANN001
    """The roster screen reads its pages in the order of the column clicked (services/roster_queries)."""
    from xihu_desk.services.roster_queries import RosterPage, list_roster

    def names(**order) -> list[str]:  # noqa: ANN003
        with db.read() as s:
            return [r.name[0] for r in list_roster(s, head, RosterPage(**order), 0, 100)]

    assert names(sort="name") == PINYIN
    assert names(sort="name", descending=True) == PINYIN[::-1]
    assert names(sort="status") == PINYIN  # all 在任, then by name
    with db.read() as s:  # pages follow on without overlap
        assert [r.name[0] for r in list_roster(s, head, RosterPage(sort="name"), 2, 3)] == PINYIN[2:5]
