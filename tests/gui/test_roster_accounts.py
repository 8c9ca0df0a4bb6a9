"""Accounts are people on the roster (issue 14), through the real screens: the administrator links
a new mediator account to its roster entry (the committee follows); signed in, that mediator sees
我的案件 on the home page and a new case starts with their committee and themself leading."""

from __future__ import annotations

from sqlalchemy import select

from tests import casekit
from xihu_desk.domain.roles import Role
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.services import auth, cases, users
from xihu_desk.store.models import User

from .helpers import click, type_text, wait_op

PASSWORD = "Qiantang-2026"


def test_admin_links_an_account_to_the_roster(qtbot, db, ctx, main_window) -> None:
    head = casekit.head_actor(db)
    zhou, _wu = casekit.roster(db, head)
    main_window.go("settings")
    tab = main_window.pages["settings"].users
    click(qtbot, tab.new_button)
    dialog = tab.dialog
    qtbot.keyClicks(dialog.username, "zhou")
    type_text(qtbot, dialog.display_name, "周调解")
    assert dialog.committee.currentData() is None
    dialog.roster.setCurrentIndex(dialog.roster.findData(zhou))
    assert dialog.committee.currentText() == "北山街道人民调解委员会"  # follows the roster entry
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.confirm, PASSWORD)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    with db.read() as s:
        user = s.scalar(select(User).where(User.username == "zhou"))
    assert user.mediator_uuid == zhou and user.committee_uuid == casekit.committee_uuid(db)
    row = next(r for r in tab.model.rows if r.username == "zhou")
    assert row.mediator_name == "周调解"


def test_a_linked_mediator_sees_my_cases_and_picks_themself(qtbot, db, ctx, admin) -> None:
    head = casekit.head_actor(db)
    zhou, wu = casekit.roster(db, head)
    with db.write() as s:
        cases.open_case(s, head, casekit.intake(db, [zhou, wu]))
        cases.open_case(s, head, casekit.intake(db, [wu]))
        users.create_user(s, admin, users.UserCommand("wu", "吴调解", Role.MEDIATOR.value, PASSWORD, mediator_uuid=wu))
    mediator = auth.sign_in(db, "wu", PASSWORD)
    window = MainWindow(ctx, mediator)
    qtbot.addWidget(window)
    window.show()
    home = window.pages["home"]
    home.refresh()
    cards = {c.title.text(): c for c in home.figure_cards()}
    assert cards["我的案件"].value.text() == "2" and "吴调解在办" in cards["我的案件"].note.text()
    window.go("cases")
    dialog = window.pages["cases"].new_case()
    qtbot.waitExposed(dialog)
    intake = dialog.intake
    assert intake.committee.currentText() == "北山街道人民调解委员会"
    assert [a.mediator_uuid for a in intake.assignments() if a.lead] == [wu]  # themself, leading
    dialog.close()
