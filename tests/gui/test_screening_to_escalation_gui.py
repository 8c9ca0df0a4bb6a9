"""Issue 18 end to end on screen: a community committee's screening round finds a dispute, it is
turned into a case from the round's card, the case is escalated (提级) to the street committee in
the case form and closed there in the same form (调解结果); the round keeps the link (showing the case's number at the street
committee), and the statistics count the case once, where it was closed, and the round once."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.gui.cases.escalate import EscalateDialog
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.screening.page import ScreeningPage
from xihu_desk.services import cases, committees, mediation_stats, screening_queries
from xihu_desk.store.screening_models import ScreenedDispute

from .casegui import pick, tick
from .test_case_lifecycle_gui import _choose, _sub


def test_screened_dispute_made_a_case_escalated_and_closed_at_the_street(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    street = casekit.committee_uuid(db)
    with db.write() as s:
        community = committees.create_committee(
            s,
            casekit.cli_like(),
            committees.CommitteeCommand("北山街道北山社区人民调解委员会", "", "330106002", "community"),
        ).uuid
    page = ScreeningPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)

    dialog = page.rounds.new_round()
    pick(dialog.committee, community)
    type_text(qtbot, dialog.area, "北山社区 5 幢")
    type_text(qtbot, dialog.staff, "社区调解员")
    sub = dialog.add_dispute()
    pick(sub.fields.dispute_type, "03")
    type_text(qtbot, sub.fields.applicant, "孙某")
    type_text(qtbot, sub.fields.respondent, "李某")
    type_text(qtbot, sub.fields.summary, "翻建房屋越界占用邻居宅基地，双方各执一词。")
    click(qtbot, sub.ok_button)
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    qtbot.waitUntil(lambda: page.rounds.disputes.rowCount() == 1)
    with qtbot.waitSignal(page.open_case) as opened:
        assert wait_op(qtbot, runner, lambda: click(qtbot, page.rounds.to_case_button))
    case_uuid = opened.args[0]

    form = CaseDialog(ctx, head, case_uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    with db.read() as s:
        community_no = cases.get_case(s, case_uuid).case_no  # numbered by the community committee
    assert community_no.startswith(f"（{head.today.year}）北山社区人调字")
    _choose(form.lifecycle_button.menu(), "escalateAction")
    escalate = _sub(qtbot, form, EscalateDialog)
    pick(escalate.committee, street)
    type_text(qtbot, escalate.reason, "涉及宅基地界址，社区调解未果，提交街道调委会")
    assert wait_op(qtbot, runner, lambda: click(qtbot, escalate.save_button))
    # closed at the street committee in the same form: 调解结果 → 调解不成功, the other routes told
    qtbot.waitUntil(lambda: "北山人调字" in form.windowTitle())
    outcome = form.outcome
    bar = form.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(form.tab_list.index(outcome)).center())
    assert form.current_tab() is outcome
    tick(qtbot, outcome.radios["failed"])
    type_text(qtbot, outcome.failure_reason, "双方分歧较大")
    tick(qtbot, outcome.routes_told)
    assert wait_op(qtbot, runner, lambda: click(qtbot, form.save_button))

    with db.read() as s:
        case_no = cases.get_case(s, case_uuid).case_no
        dispute = s.scalars(select(ScreenedDispute)).one()
        listed = screening_queries.screenings(s, head)
        period = mediation_stats.StatsQuery(date(head.today.year, 1, 1), head.today)
        stats = mediation_stats.compute(s, head, period)
    assert "北山人调字" in case_no and case_no != community_no  # the street committee's number from then on
    assert dispute.status == "case" and dispute.case_uuid == case_uuid
    assert listed[0]["disputes"][0]["case_no"] == case_no  # the round's link follows the case
    by_committee = {r.label: r.figures for r in stats.by_committee}
    assert stats.total["failed"] == 1 and by_committee["北山街道人民调解委员会"]["failed"] == 1
    assert by_committee["北山街道北山社区人民调解委员会"]["failed"] == 0
    sheet = next(x for x in stats.extra_sheets if x.name == "矛盾纠纷排查")
    rows = {r[0]: r[1:] for r in sheet.rows}
    assert rows["北山街道北山社区人民调解委员会"][:3] == [1, 0, 1] and rows["合计"][5] == 1  # 1 round, 1 found, 1 case
