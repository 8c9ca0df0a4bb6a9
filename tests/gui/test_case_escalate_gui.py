"""提级/移交 on screen (issue 18): a case of a community committee escalated to the street
committee through the case form's 案件处理 menu (committee and reason), closed there; the
statistics count it once, at the street committee, and the street committee's dialog lists it."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QTableWidget

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.domain.cases import Outcome
from xihu_desk.gui.cases.escalate import EscalateDialog
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.committees.dialog import CommitteeDialog
from xihu_desk.services import case_queries, cases, committees, mediation_stats, mediators

from .casegui import pick
from .test_case_lifecycle_gui import _choose, _sub


def test_a_community_case_escalated_to_the_street_and_closed_there(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    street = casekit.committee_uuid(db)
    with db.write() as s:
        community = committees.create_committee(s, casekit.cli_like(), committees.CommitteeCommand(
            "北山街道北山社区人民调解委员会", "", "330106002", "community")).uuid
        local = mediators.create_mediator(s, head, mediators.MediatorCommand("社区调解员", community)).uuid
        ref = cases.open_case(s, head, casekit.intake(db, [local], committee_uuid=community))
    form = CaseDialog(ctx, head, ref.uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)

    _choose(form.lifecycle_button.menu(), "escalateAction")
    dialog = _sub(qtbot, form, EscalateDialog)
    assert dialog.committee.findData(community) < 0  # not to the committee that holds it
    pick(dialog.committee, street)
    click(qtbot, dialog.save_button)  # no reason: refused, nothing changes
    assert dialog.isVisible() and dialog.errors.widget("reason") is not None
    type_text(qtbot, dialog.reason, "涉及两个社区的居民，社区调解未果")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
    assert d["committee_uuid"] == street and "北山人调字" in d["case_no"] and d["case_no"] != ref.case_no
    assert [(h["field"], h["before"]) for h in d["history"] if h["action"] == "escalate"] == [
        ("committee_uuid", "北山街道北山社区人民调解委员会"), ("case_no", ref.case_no)]

    # closed at the street committee: counted once, there
    with db.write() as s:
        cases.close_without_agreement(s, head, ref.uuid, Outcome.FAILED, date(2026, 12, 1), "双方分歧较大",
                                      routes_told=True)
    period = (date(2026, 1, 1), date(2026, 12, 31))
    with db.read() as s:
        whole = mediation_stats.compute(s, head, mediation_stats.StatsQuery(*period))
        by_committee = {r.label: r.figures for r in whole.by_committee}
    assert whole.total["accepted"] == 1 and whole.total["failed"] == 1
    assert by_committee["北山街道人民调解委员会"]["failed"] == 1
    assert by_committee["北山街道北山社区人民调解委员会"]["accepted"] == 0

    # both committees see it: each one's dialog lists the move
    for uuid in (street, community):
        shown = CommitteeDialog(ctx, uuid, date(2026, 12, 3))
        qtbot.addWidget(shown)
        moves = shown.findChild(QTableWidget, "movesTable")
        assert moves.rowCount() == 1 and moves.item(0, 3).text() == ref.case_no
