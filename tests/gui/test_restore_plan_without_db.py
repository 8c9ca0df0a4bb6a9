"""数据安全 → 从文件恢复: the restore plan and the recovery-key check read the backup file, not the
node's database, so they take no ``db`` (a reviewer found it unused); the GUI's door passes it
only to services that use it (ops.call with_db=False)."""

from __future__ import annotations

import inspect

from xihu_desk.gui import ops
from xihu_desk.services import data_security


def test_the_plan_services_take_no_database() -> None:
    for fn in (data_security.restore_plan, data_security.check_recovery_code):
        assert "db" not in inspect.signature(fn).parameters, fn.__name__


def test_the_door_calls_a_service_without_the_database(qtbot, ctx, admin) -> None:
    got: list[tuple] = []

    def service(*args):
        return args

    ops.call(ctx, admin, service, "备份.sqlite3", with_data=True, with_db=False, on_ok=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    data, actor, source = got[0]
    assert data is ctx.data and actor.name == admin.name and source == "备份.sqlite3"
    got.clear()
    ops.call(ctx, admin, service, "x", on_ok=got.append)  # the default still hands the database first
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got[0][0] is ctx.db and got[0][2] == "x"
