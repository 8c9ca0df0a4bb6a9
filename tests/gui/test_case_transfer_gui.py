"""移送 on screen (issue 18): the office asks through the case form's 案件处理 menu (office and
reason), the case page says it is frozen and its tabs lock; at the district the exchange page's
移送申请 list accepts one request and refuses another with a reason (through gui/ops.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from tests.test_exchange import Node
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.cases.transfer import TransferDialog
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange.transfers import RefuseDialog, TransfersTab
from xihu_desk.gui.runner import Runner
from xihu_desk.services import case_queries, cases, exchange, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import MediationCase

from .casegui import pick
from .test_case_lifecycle_gui import _choose, _sub

XIXI = "330106004"


def _district(tmp_path: Path, db) -> Node:
    district = Node(tmp_path / "district")
    with district.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    with db.write() as s:
        exchange.enrol(s, cli_actor(), district.key())
    return district


def test_transfer_asked_in_the_case_form_and_decided_at_the_district(
    qtbot, ctx, db, data_dir, runner, message_mock, tmp_path
):
    district = _district(tmp_path, db)
    head = casekit.head_actor(db)
    people = casekit.roster(db, head)
    with db.write() as s:
        first = cases.open_case(s, head, casekit.intake(db, people))
        second = cases.open_case(s, head, casekit.intake(db, people))
    form = CaseDialog(ctx, head, first.uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert form.intake.editable

    _choose(form.lifecycle_button.menu(), "transferAction")
    dialog = _sub(qtbot, form, TransferDialog)
    assert dialog.office.findData("330106002") < 0  # not to itself
    pick(dialog.office, XIXI)
    click(qtbot, dialog.save_button)  # no reason: refused, nothing changes
    assert dialog.isVisible() and dialog.errors.widget("reason") is not None
    type_text(qtbot, dialog.reason, "双方当事人均居住在西溪街道")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    assert "西溪街道" in message_mock.questions[-1]
    with db.read() as s:
        d = case_queries.case_detail(s, head, first.uuid)
    assert d["transfer"]["status"] == "pending" and d["transfer"]["to_name"] == "西溪街道"
    # the form says so and locks its tabs; the menu no longer offers it
    qtbot.waitUntil(lambda: "申请移送至西溪街道" in form.next_label.text())
    assert not form.intake.editable
    menu = form.lifecycle_button.menu()
    menu.aboutToShow.emit()
    offered = {a.objectName(): a for a in menu.actions()}
    assert not offered["transferAction"].isEnabled() and "区司法局决定" in offered["transferAction"].toolTip()

    form.close()  # the office's screen is done; the district works on its own machine
    # the second case asked through the service; both go up
    with db.write() as s:
        from xihu_desk.services import case_transfer

        case_transfer.request(s, head, second.uuid, XIXI, "纠纷发生地在西溪")
    with district.db.write() as s:
        exchange.enrol(s, cli_actor(), _key(db))
    out = tmp_path / "usb"
    out.mkdir()
    sent = exchange.export_bundle(data_dir, db, cli_actor(), out)
    district.import_(sent.file)
    xixi = Node(tmp_path / "xixi")
    with xixi.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand(XIXI, "township", None, "admin", "Xixi-Office-2026"))
    district.enrol(xixi)

    # the district's list: accept the first, refuse the second with a reason
    d_runner = Runner(district.db, show_after_ms=50)
    try:
        d_ctx = AppContext(district.data, d_runner)
        tab = TransfersTab(d_ctx, cli_actor(), True)
        qtbot.addWidget(tab)
        tab.show()
        tab.refresh()
        model = tab.model  # the list is a paged model now (issue 15): cells read through it
        assert model.rowCount() == 2 and tab.pending_count() == 2
        assert not tab.accept_button.isEnabled()  # nothing chosen yet
        row_of = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
        tab.table.selectRow(row_of[first.case_no])
        assert wait_op(qtbot, d_runner, lambda: click(qtbot, tab.accept_button))
        tab.refresh()
        row_of = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
        assert model.data(model.index(row_of[first.case_no], 5)) == "已移送"
        tab.table.selectRow(row_of[second.case_no])
        click(qtbot, tab.refuse_button)
        refuse = _sub(qtbot, tab, RefuseDialog)
        click(qtbot, refuse.save_button)  # no reason: said, nothing sent
        assert refuse.isVisible() and refuse.error_label.text()
        type_text(qtbot, refuse.reason, "纠纷发生地在北山街道，请继续调解")
        assert wait_op(qtbot, d_runner, lambda: click(qtbot, refuse.save_button))
        tab.refresh()
        assert tab.pending_count() == 0
        texts = {model.data(model.index(r, 0)): model.data(model.index(r, 5)) for r in range(model.rowCount())}
        assert texts[second.case_no] == "未同意：纠纷发生地在北山街道，请继续调解"
        with district.db.read() as s:
            assert s.scalar(select(MediationCase.owner_node).where(MediationCase.uuid == first.uuid)) == xixi.key()["node_id"]
    finally:
        d_runner.shutdown()
        for n in (district, xixi):
            n.db.dispose()


def _key(db) -> dict:
    with db.read() as s:
        return exchange.export_key(s, cli_actor())
