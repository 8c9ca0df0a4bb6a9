"""The case list's planner estimate (约 n 件, issue 17) is a PostgreSQL figure: on SQLite the list
asks nothing for it at a refresh (no unit of work, no statement); on a server it is read once."""

from __future__ import annotations

from sqlalchemy import event

from tests import casekit
from tests.conftest import PG
from xihu_desk.gui import ops
from xihu_desk.gui.cases.model import CaseListModel
from xihu_desk.services import case_estimate
from xihu_desk.store.case_list import CaseFilter


def test_a_refresh_reads_the_estimate_only_on_a_server(qtbot, ctx, db, monkeypatch) -> None:
    reads: list[str] = []
    sent: list[tuple[str, str]] = []
    real = ops.read

    def read(c, actor, fn, *args, **kwargs):
        reads.append(fn.__name__)
        return real(c, actor, fn, *args, **kwargs)

    def on_execute(_conn, _cursor, statement, _params, _context, _many) -> None:
        sent.append((reads[-1] if reads else "", statement))

    monkeypatch.setattr(ops, "read", read)
    model = CaseListModel(ctx, casekit.head_actor(db))
    event.listen(ctx.db.engine, "before_cursor_execute", on_execute)
    try:
        for _ in range(2):
            model.set_filter(CaseFilter())
            qtbot.wait(50)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", on_execute)
    assert reads.count("count_cases") >= 2  # the list did refresh
    touching = [s for s in sent if "reltuples" in s[1] or s[0] == estimate_cases_name()]
    if PG:
        assert reads.count(estimate_cases_name()) == 2 and touching
    else:
        assert estimate_cases_name() not in reads and touching == []


def estimate_cases_name() -> str:
    return case_estimate.estimate_cases.__name__
