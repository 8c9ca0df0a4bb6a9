"""Start-up reads the node once (issue 15): the controller's "is it set up?" and the login window's
unit and level are one query, not two."""

from __future__ import annotations

from xihu_desk.gui.controller import AppController
from xihu_desk.gui.runner import Runner
from xihu_desk.services import node_glance
from xihu_desk.store import migrate


def test_the_login_window_names_the_unit_from_the_start_ups_reading(qtbot, data_dir, monkeypatch) -> None:
    reads: list[object] = []
    glance = node_glance.glance
    monkeypatch.setattr(node_glance, "glance", lambda conn: reads.append(conn) or glance(conn))
    opened = migrate.open_database(data_dir)
    c = AppController(data_dir, opened, runner=Runner(opened.db, show_after_ms=50), quit_app=lambda: None)
    try:
        c.start()
        assert c.login is not None and c.login.org_label.text() == "北山街道（330106002）"
        assert len(reads) == 1
    finally:
        if c.login is not None:
            c.login.hide()
        c.shutdown()
