"""The command line runs a service in the unit of work the service declares (services/units.py),
never one the command picks; a read unit cannot write."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from xihu_desk import cli
from xihu_desk.cli import common
from xihu_desk.services import audit, case_queries, users
from xihu_desk.services.context import Actor
from xihu_desk.services.units import ReadOnlyUnit, reads, unit_of, writes, writes_if
from xihu_desk.store.models import AuditEvent, User

CLI = Path(cli.__file__).parent


def _events(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def test_a_service_declared_a_reader_cannot_write(db):
    @reads
    def sneaky(session, actor: Actor) -> None:
        audit.record(session, actor, "user.unlock", "user", "x", summary="不该写入")

    @reads
    def sneaky_statement(session, actor: Actor) -> None:
        session.execute(update(User).values(display_name="改了"))

    before = _events(db)
    for service in (sneaky, sneaky_statement):
        with pytest.raises(ReadOnlyUnit):
            common.run(db, service)
    assert _events(db) == before
    with db.read() as s:
        assert "改了" not in set(s.scalars(select(User.display_name)))

    @writes
    def honest(session, actor: Actor) -> None:
        audit.record(session, actor, "user.unlock", "user", "x", summary="写入")

    common.run(db, honest)
    assert _events(db) == before + 1


def test_the_unit_is_the_services_choice():
    @reads
    def r(session, actor): ...

    @writes
    def w(session, actor): ...

    def silent(session, actor): ...

    assert unit_of([r], {}) == "read" and unit_of([r, w], {}) == "write"
    assert unit_of([case_queries.case_detail], {"reveal": False}) == "read"
    assert unit_of([case_queries.case_detail], {"reveal": True}) == "write"  # a reveal is audited
    assert unit_of([writes_if("output")(lambda s, a: None)], {}) == "read"
    with pytest.raises(TypeError, match="does not declare"):
        unit_of([silent], {})


def test_a_read_command_whose_service_writes_fails_and_writes_nothing(capsys, data_dir, db, monkeypatch):
    @reads
    def listing_that_writes(session, actor: Actor) -> list:
        audit.record(session, actor, "user.unlock", "user", "x", summary="不该写入")
        return []

    before = _events(db)
    monkeypatch.setattr(users, "list_users", listing_that_writes)
    code = cli.main(["user", "list", "--data-dir", str(data_dir.root)])
    _out, err = capsys.readouterr()
    assert code == 1 and "内部错误" in err  # a bug, not a refusal: the details go to the log
    assert _events(db) == before


def test_no_command_opens_a_unit_of_work_itself():
    """Every unit in cli/ comes from common.unit / common.run; the bundle commands call services
    that open their own units (they take the database, not a session)."""
    opened = []
    for path in sorted(CLI.glob("*.py")):
        if path.name == "common.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("read", "write") and ast.unparse(node.func.value).endswith("db"):
                opened.append(f"{path.name}:{node.lineno}")
    assert opened == []
