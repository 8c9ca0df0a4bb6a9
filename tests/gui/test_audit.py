"""审计日志: keyset pages from SQL, filters, details with before/after."""

from __future__ import annotations

import json
import pytest
from PySide6.QtCore import QDate, QModelIndex

from xihu_desk.domain.roles import Role
from xihu_desk.gui.pages.audit import AuditModel, AuditTab
from xihu_desk.services import audit, settings
from xihu_desk.services.context import Actor, system_actor

from .helpers import type_text


@pytest.fixture
def busy_log(db, admin) -> int:  # noqa: ANN001
    """More events than one page of the viewer: 250 setting changes by the administrator."""
    with db.write() as session:
        for i in range(250):
            settings.update(session, admin, {"idle_lock_minutes": 16 + i % 2})
        settings.update(session, system_actor(), {"backup_interval_minutes": 60})
    with db.read() as session:
        return audit.count_events(session, admin, audit.AuditFilter())


def test_model_pages_by_keyset(qtmodeltester, ctx, admin, busy_log) -> None:  # noqa: ANN001
    model = AuditModel(ctx, admin, page_size=50)
    model.set_filter(audit.AuditFilter())
    assert model.rowCount() == 50  # one page, never the whole table
    assert model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == busy_log
    seqs = [row.seq for row in model.rows]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)


def test_viewer_filters_and_details(qtbot, main_window, ctx, busy_log) -> None:  # noqa: ANN001
    main_window.go("settings")
    page = main_window.pages["settings"]
    page.tabs.setCurrentWidget(page.audit)
    tab: AuditTab = page.audit
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    assert tab.count_label.text() == f"共 {busy_log} 条"
    assert tab.model.rowCount() == 200  # the first page only

    # Newest first, selected, with its before/after shown.
    newest = tab.model.rows[0]
    assert newest.actor == "system" and newest.action == "setting.update"
    assert tab.detail_summary.text() == newest.summary
    assert json.loads(tab.after_text.toPlainText()) == {"backup_interval_minutes": 60}
    assert json.loads(tab.before_text.toPlainText()) == {"backup_interval_minutes": 30}

    tab.actor_combo.setCurrentIndex(tab.actor_combo.findData("system"))
    assert tab.count_label.text() == "共 1 条"
    tab.actor_combo.setCurrentIndex(tab.actor_combo.findData("admin"))
    tab.action_combo.setCurrentIndex(tab.action_combo.findText("修改设置"))
    assert tab.count_label.text() == "共 250 条"

    tab.reset_filter()
    type_text(qtbot, tab.search, "初始化节点")
    with qtbot.waitSignal(tab.model.modelReset, timeout=2000):
        pass  # the search waits for a pause in typing
    assert tab.count_label.text() == "共 1 条"
    assert tab.model.rows[0].action_label == "初始化本节点"

    tab.reset_filter()
    tab.use_dates.setChecked(True)
    tomorrow = QDate.currentDate().addDays(1)
    tab.date_to.setDate(tomorrow.addDays(5))
    tab.date_from.setDate(tomorrow)
    assert tab.count_label.text() == "共 0 条"
    assert tab.before_text.toPlainText() == "" and tab.detail_head.text() == ""
    tab.date_from.setDate(QDate.currentDate().addDays(-1))
    assert tab.count_label.text() == f"共 {busy_log} 条"


def test_head_of_office_may_read_the_log(db, ctx, admin) -> None:  # noqa: ANN001
    head = Actor("head", role=Role.HEAD)
    model = AuditModel(ctx, head)
    model.set_filter(audit.AuditFilter())
    assert model.rowCount() > 0
