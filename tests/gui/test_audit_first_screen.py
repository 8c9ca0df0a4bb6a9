"""The audit log's first screen formats each row's time once (issue 15): the time column sizes to
its contents, which asks every row of the page for its text several times before the first paint."""

from __future__ import annotations

from xihu_desk.gui.pages import audit as audit_page
from xihu_desk.services import audit, settings


def test_each_rows_time_is_formatted_once(qtbot, ctx, admin, db, monkeypatch) -> None:
    with db.write() as session:
        for i in range(120):
            settings.update(session, admin, {"idle_lock_minutes": 16 + i % 2})
    calls: list[str] = []
    real = audit_page.local_time

    def counted(iso: str, seconds: bool = False) -> str:
        calls.append(iso)
        return real(iso, seconds)

    monkeypatch.setattr(audit_page, "local_time", counted)
    tab = audit_page.AuditTab(ctx, admin)
    qtbot.addWidget(tab)
    tab.resize(1280, 800)
    tab.show()
    qtbot.waitExposed(tab)
    tab.view.viewport().repaint()  # the first paint of the rows
    tab.resize(1200, 760)  # and a resize, as the main window lays the page out
    qtbot.wait(50)
    rows = tab.model.rowCount()
    assert rows >= 120
    assert len(calls) <= rows + 1  # once per row, and once more for the selected row's details
    assert tab.model.data(tab.model.index(0, 0)) == real(tab.model.rows[0].at, seconds=True)
    with db.read() as session:
        assert tab.model.rows[0].seq == audit.list_events(session, admin, audit.AuditFilter(), limit=1)[0].seq
