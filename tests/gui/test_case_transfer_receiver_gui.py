"""移送 at the receiving office, on screen (issue 18): a case transferred from 北山 to 西溪 arrives
without mediators. 西溪's home page lists it under 待办 (opening the case), the case form says
移送来的案件，请指定本所调解员 in its header and beside the mediator table, which lists 西溪's own
roster; ticking one and saving 受理信息 assigns it (the case was accepted in December and
transferred in January: that save used to be refused for the year), and the request disappears."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from sqlalchemy import select

from tests import casekit
from tests.gui.casegui import check, column
from tests.gui.helpers import click, wait_op
from tests.test_case_transfer_bundles import nodes  # noqa: F401 (fixture)
from tests.test_case_transfer_receiver import ASK, received_case
from xihu_desk.domain import clock
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.cases.intake import LEAD
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.pages.home import HomePage
from xihu_desk.gui.runner import Runner
from xihu_desk.services import home, mediators
from xihu_desk.store.case_models import CaseMediator


def _asking(page: HomePage) -> list[tuple[str, object]]:
    due = page.due_list
    return [
        (due.item(i).text(), due.item(i).data(Qt.ItemDataRole.UserRole))
        for i in range(due.count())
        if ASK in due.item(i).text()
    ]


def test_the_receiving_office_is_asked_and_assigns_its_mediator_in_the_form(
    qtbot, nodes, tmp_path, message_mock  # noqa: F811
):
    a, b, district = nodes
    with clock.use(clock.ManualClock(datetime(2026, 1, 6, 2))):
        uuid, committee, _beishan = received_case(a, b, district, tmp_path)
        head = casekit.head_actor(b.db)
        with b.db.write() as s:
            zheng = mediators.create_mediator(s, head, mediators.MediatorCommand("郑调解", committee)).uuid
        runner = Runner(b.db, show_after_ms=50)
        try:
            ctx = AppContext(b.data, runner)
            page = HomePage(ctx, head, "西溪街道")
            qtbot.addWidget(page)
            page.show()
            [(text, target)] = _asking(page)
            assert "西溪人调字" in text and target == (home.CASES, uuid)

            form = CaseDialog(ctx, head, uuid)
            qtbot.addWidget(form)
            form.show()
            qtbot.waitExposed(form)
            assert ASK in form.next_label.text() and "北山街道移送" in form.next_label.text()
            assert "调解员：未指定" in form.facts_label.text()
            intake = form.intake
            assert intake.editable and ASK in intake.mediators_hint.text()
            assert column(intake.mediator_table, 0) == ["郑调解"]  # 西溪's roster, not 北山's people
            check(intake.mediator_table, 0, LEAD)  # 主持 (and so taking part)
            assert wait_op(qtbot, runner, lambda: click(qtbot, form.save_button))
            qtbot.waitUntil(lambda: ASK not in form.next_label.text())
            assert "郑调解（主持）" in form.facts_label.text()
            assert ASK not in intake.mediators_hint.text()
            with b.db.read() as s:
                assert list(s.execute(select(CaseMediator.mediator_uuid, CaseMediator.lead).where(CaseMediator.case_uuid == uuid))) == [(zheng, True)]
            form.close()
            page.refresh()
            assert _asking(page) == []
        finally:
            runner.shutdown()
            b.db.dispose()
