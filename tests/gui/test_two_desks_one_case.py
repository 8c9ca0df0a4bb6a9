"""Two desks (two Database objects on one file, each with its own runner) have the same case open in
the case form (issue 17). The first saves 受理信息; the second's save, typed over what it loaded
before, is refused with who changed the case and when, and keeps what was typed; saving it again
applies it over the current version."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication

from tests import casekit
from tests.conftest import ADMIN_PASSWORD
from tests.gui.helpers import type_text, wait_op
from xihu_desk.domain.roles import Role
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import Runner
from xihu_desk.services import auth, case_queries, cases, users
from xihu_desk.store.uow import Database

REFUSED = re.compile(r"该案件已由 陈所长 于 \d{4}-\d\d-\d\d \d\d:\d\d 修改，您的修改未保存；已保留您填写的内容")


@pytest.fixture
def second_desk(db, data_dir):
    """Desk two: its own connection to the same file, its own runner, 林所长 signed in."""
    other = Database(db.url)
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand("lin", "林所长", Role.HEAD.value, "Office-chief-2027"))
    runner = Runner(other, show_after_ms=50)
    yield AppContext(data_dir, runner), auth.sign_in(other, "lin", "Office-chief-2027"), runner
    runner.shutdown()
    other.dispose()


def _form(qtbot, ctx, actor, uuid) -> CaseDialog:
    form = CaseDialog(ctx, actor, uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def _retype(qtbot, form: CaseDialog, text: str) -> None:
    form.tabs.setCurrentWidget(form.intake)
    form.intake.summary.clear()
    type_text(qtbot, form.intake.summary, text)
    QApplication.processEvents()
    assert form.intake.dirty


def _summary(db, actor, uuid) -> str:
    with db.read() as s:
        return case_queries.case_detail(s, actor, uuid)["summary"]


def test_the_second_desk_is_refused_and_keeps_its_typing(qtbot, db, ctx, runner, second_desk, message_mock) -> None:
    chen = casekit.head_actor(db)
    with db.write() as s:
        uuid = cases.open_case(s, chen, casekit.intake(db, casekit.roster(db, chen))).uuid
    ctx_two, lin, runner_two = second_desk
    one, two = _form(qtbot, ctx, chen, uuid), _form(qtbot, ctx_two, lin, uuid)

    _retype(qtbot, one, "陈所长核实后的情况。")
    _retype(qtbot, two, "林所长补充的情况。")
    assert wait_op(qtbot, runner, one.save_intake)
    assert _summary(db, chen, uuid) == "陈所长核实后的情况。"

    assert not wait_op(qtbot, runner_two, two.save_intake)
    refusal = message_mock.single("error").text
    assert REFUSED.search(refusal), refusal
    assert two.intake.summary.toPlainText() == "林所长补充的情况。"  # what was typed is kept
    assert "未保存" in two.message_label.text()
    assert _summary(db, chen, uuid) == "陈所长核实后的情况。"  # nothing of desk two written

    assert wait_op(qtbot, runner_two, two.save_intake)  # checked, saved again: applied
    assert _summary(db, chen, uuid) == "林所长补充的情况。"


def test_the_forms_own_saves_do_not_refuse_its_own_typing(qtbot, db, ctx, runner, message_mock) -> None:
    chen = casekit.head_actor(db)
    with db.write() as s:
        uuid = cases.open_case(s, chen, casekit.intake(db, casekit.roster(db, chen))).uuid
    form = _form(qtbot, ctx, chen, uuid)
    _retype(qtbot, form, "陈所长核实后的情况。")  # typed, not saved yet
    notice = lambda s: cases.record_notice(s, chen, uuid, casekit.ACCEPTED, "written")  # noqa: E731
    assert wait_op(qtbot, runner, lambda: form.run(form.process, notice, "已登记告知"))  # a new case version
    assert form.intake.summary.toPlainText() == "陈所长核实后的情况。"
    assert wait_op(qtbot, runner, form.save_intake), message_mock.messages
    assert _summary(db, chen, uuid) == "陈所长核实后的情况。"


def _refused_then_applied(qtbot, db, runner, runner_two, message_mock, one, two, field, noun, read) -> None:
    """``one`` saves first; ``two``'s save on the older version is refused keeping its typing, then applied."""
    field(one).setText("13900000001")
    field(two).setText("13900000002")
    assert wait_op(qtbot, runner, one.save)
    assert read() == "13900000001"
    assert not wait_op(qtbot, runner_two, two.save)
    refusal = message_mock.single("error").text
    assert re.search(noun + r"已由 陈所长 于 .* 修改，您的修改未保存", refusal), refusal
    assert field(two).text() == "13900000002" and read() == "13900000001"
    assert wait_op(qtbot, runner_two, two.save)
    assert read() == "13900000002"


def test_two_desks_on_one_review(qtbot, db, ctx, runner, second_desk, message_mock) -> None:
    from tests import reviewkit
    from xihu_desk.gui.reviews.form import ReviewDialog
    from xihu_desk.services import review_queries

    chen = casekit.head_actor(db)
    reviewkit.reviewer(db)
    uuid = reviewkit.register(db, chen).uuid
    ctx_two, lin, runner_two = second_desk
    one, two = ReviewDialog(ctx, chen, uuid), ReviewDialog(ctx_two, lin, uuid)
    for form in (one, two):
        qtbot.addWidget(form)
        form.show()

    def read() -> str:
        with db.read() as s:
            return review_queries.review_detail(s, chen, uuid)["contact_phone"]

    _refused_then_applied(qtbot, db, runner, runner_two, message_mock, one, two, lambda f: f.contact_phone,
                          "该审查事项", read)


def test_two_desks_on_one_mediator(qtbot, db, ctx, runner, second_desk, message_mock) -> None:
    from PySide6.QtWidgets import QLineEdit

    from xihu_desk.gui.mediators.form import MediatorDialog
    from xihu_desk.services import mediators

    chen = casekit.head_actor(db)
    uuid = casekit.roster(db, chen, names=("周调解",))[0]
    ctx_two, lin, runner_two = second_desk
    one, two = MediatorDialog(ctx, chen, uuid), MediatorDialog(ctx_two, lin, uuid)
    for form in (one, two):
        qtbot.addWidget(form)
        form.show()

    def read() -> str:
        with db.read() as s:
            return mediators.detail(s, chen, uuid)["phone"]

    _refused_then_applied(qtbot, db, runner, runner_two, message_mock, one, two,
                          lambda f: f._input("phone", QLineEdit), "该调解员的信息", read)
