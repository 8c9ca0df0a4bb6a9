"""调解员 area through the real widgets: the roster and its filters, the mediator form and its logs,
the evidence for a window, and the assessment from application to grade (database, widgets and
messages asserted at each step)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select, update

from tests import casekit, mediatorkit
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.gui.mediators.assess import ApplyDialog, StepDialog
from xihu_desk.gui.kit import set_code, set_date
from xihu_desk.gui.mediators.form import MediatorDialog
from xihu_desk.gui.mediators.logs import TrainingDialog
from xihu_desk.gui.mediators.page import MediatorsPage
from xihu_desk.services import grading, mediators
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.mediator_models import GradingApplication, GradingStep, MediatorTraining
from xihu_desk.store.models import Node

from .helpers import click, type_text, wait_op


@pytest.fixture
def head(db):  # noqa: ANN001, ANN201
    return casekit.head_actor(db)


@pytest.fixture
def roster(db, head):  # noqa: ANN001, ANN201
    """周 meets every condition of 乙级 of the small rule set, 吴 has too few cases, 王 is 特邀."""
    mediatorkit.small_rules(db)
    zhou = mediatorkit.mediator(db, head, "周调解", "full_time", appointed=date(2022, 5, 1))
    wu = mediatorkit.mediator(db, head, "吴调解", appointed=date(2022, 5, 1))
    wang = mediatorkit.mediator(db, head, "王律师", "invited", appointed=date(2024, 1, 1))
    for accepted, kind in ((date(2024, 3, 1), "written"), (date(2024, 9, 1), "oral"), (date(2025, 2, 1), "written"),
                           (date(2025, 6, 1), "failed")):
        mediatorkit.make_case(db, head, [zhou], accepted, kind)
    for accepted in (date(2024, 4, 1), date(2025, 4, 1)):
        mediatorkit.make_case(db, head, [wu], accepted, "written")
    with db.write() as s:
        for m in (zhou, wu):
            mediators.add_training(s, head, m, mediators.TrainingInput(date(2025, 3, 1), "业务培训", "5"))
    return {"zhou": zhou, "wu": wu, "wang": wang}


@pytest.fixture
def page(qtbot, ctx, head, roster) -> MediatorsPage:  # noqa: ANN001
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go("mediators")
    area = window.pages["mediators"]
    assert isinstance(area, MediatorsPage) and window.stack.currentWidget() is area
    area.window_ = window
    return area


def rows_of(model) -> list:  # noqa: ANN001
    """Every row of a list model (the roster reads its pages as asked)."""
    return [model.row(i) for i in range(model.rowCount())]


def row_of(model, name: str) -> int:  # noqa: ANN001
    return next(i for i, r in enumerate(rows_of(model)) if r.name == name)


def step_through(qtbot, ctx, apps, on: date, opinion: str = "", **fields) -> StepDialog:  # noqa: ANN001
    """Open the next step's dialog from its button, fill it in, click 确定 and wait for the save."""
    click(qtbot, apps.next_button)
    dialog = apps.dialog
    assert isinstance(dialog, StepDialog)
    set_date(dialog.on, on)
    if opinion:
        type_text(qtbot, dialog.opinion, opinion)
    for name, value in fields.items():
        widget = getattr(dialog, name)
        if name == "level":
            set_code(widget, value)
        elif name == "notice_from":
            set_date(widget, value)
        else:
            type_text(qtbot, widget, value)
    wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    return dialog


def test_application_to_grade_through_the_screens(qtbot, page, ctx, roster, message_mock):  # noqa: ANN001
    tab = page.roster
    assert [r.name for r in rows_of(tab.model)] == ["王律师", "吴调解", "周调解"]  # pinyin: wáng, wú, zhōu
    assert tab.count_label.text() == "共 3 人"
    tab.employment.setCurrentIndex(tab.employment.findData("invited"))
    assert [r.name for r in rows_of(tab.model)] == ["王律师"]
    assert tab.preview_fields["assessment"].text() == "特邀调解员不参加等级评定"
    click(qtbot, tab.reset_button)
    assert tab.model.rowCount() == 3

    # The form: the evidence for a window, checked against the higher level, every miss named.
    row = row_of(tab.model, "周调解")
    tab.view.setFocus()
    tab.view.selectRow(row)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)  # Enter opens, as a double-click does
    form = tab.dialogs[roster["zhou"]]
    assert isinstance(form, MediatorDialog) and form.isVisible()
    assert form.title.text() == "周调解　北山街道人民调解委员会　专职　无等级"
    form.tabs.setCurrentIndex(4)
    view = form.evidence
    set_code(view.rule_set, "test-small")
    set_date(view.date_from, date(2024, 1, 1))
    set_date(view.date_to, date(2025, 12, 31))
    set_code(view.level, "A")
    click(qtbot, view.compute_button)
    assert view.panel.values["cases_total"].text() == "4 件"
    assert view.panel.values["success_rate"].text() == "75.00%"
    assert view.panel.verdict.text() == ("✗ 未达到甲级的 2 项条件：调解纠纷数不低于 6 件：实际 4 件；"
                                         "调解成功率不低于 90%：实际 75%")
    assert view.panel.checks.rowCount() == 4 and view.panel.example_note.isVisible()

    # Apply from the form: the highest level met is chosen; the check is shown before sending.
    form.tabs.setCurrentIndex(3)
    click(qtbot, form.apply_button)
    apply = form.dialog
    assert isinstance(apply, ApplyDialog)
    ev = apply.evidence
    set_code(ev.rule_set, "test-small")
    set_date(ev.date_from, date(2024, 1, 1))
    set_date(ev.date_to, date(2025, 12, 31))
    set_code(ev.level, "B")
    click(qtbot, ev.compute_button)
    assert ev.panel.verdict.text() == "✓ 达到“测试用评定标准”乙级的全部 6 项条件"
    set_date(apply.applied_on, date(2026, 1, 10))
    type_text(qtbot, apply.statement, "从事调解工作四年，办结纠纷多件。")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, apply.save_button))
    assert not apply.isVisible() and message_mock.questions == []
    with ctx.db.read() as s:
        app = s.scalar(select(GradingApplication))
        assert (app.status, app.level_name, app.statement, app.window_to) == (
            "applied", "乙级", "从事调解工作四年，办结纠纷多件。", date(2025, 12, 31))
    assert [r[1] for r in [(a.applied_on, a.status_label) for a in page.applications.model.rows]] == ["待调委会审核"]
    form.close()

    # The assessment tab: each next step from its button, recorded with who and when.
    page.tabs.setCurrentWidget(page.applications)
    apps = page.applications
    assert apps.model.data(apps.model.index(0, 5)) == "全部达到"
    assert apps.next_button.text() == "调委会审核…"
    step_through(qtbot, ctx, apps, date(2026, 1, 12), "同意推荐。")
    assert apps.next_button.text() == "司法所初审…"
    step_through(qtbot, ctx, apps, date(2026, 1, 15), "材料齐全。")
    assert apps.next_button.text() == "区司法局评定…"
    step_through(qtbot, ctx, apps, date(2026, 1, 20), document_no="西司〔2026〕3号")
    assert apps.notice_label.text() == "拟评定为乙级，公示期 2026-01-21 至 2026-01-25；期满后确认。"
    assert apps.model.data(apps.model.index(0, 4)) == "公示中（至 2026-01-25）"
    step_through(qtbot, ctx, apps, date(2026, 1, 26))
    assert message_mock.single("info").text == "周调解的等级已确定为乙级，已记入名册和等级变更记录。"
    assert page.window_.statusBar().currentMessage() == "周调解：公示结束已办理，已评定"
    with ctx.db.read() as s:
        m = s.get(Mediator, roster["zhou"])
        steps = list(s.scalars(select(GradingStep).order_by(GradingStep.at, GradingStep.uuid)))
    assert (m.grade, m.grade_level, m.graded_on) == ("乙级", "B", date(2026, 1, 26))
    assert [(st.step, st.on, st.actor, st.actor_name) for st in steps] == [
        ("apply", date(2026, 1, 10), "head", "陈所长"), ("committee", date(2026, 1, 12), "head", "陈所长"),
        ("township", date(2026, 1, 15), "head", "陈所长"), ("district", date(2026, 1, 20), "head", "陈所长"),
        ("notice", date(2026, 1, 26), "head", "陈所长")]
    assert apps.steps.rowCount() == 5 and apps.steps.item(3, 3).text() == "陈所长（西司〔2026〕3号）"
    assert not apps.next_button.isEnabled() and apps.notice_label.text() == "已评定为乙级（2026-01-26）。"
    roster_row = row_of(page.roster.model, "周调解")
    assert page.roster.model.data(page.roster.model.index(roster_row, 3)) == "乙级"


def test_a_level_not_met_is_refused_with_the_thresholds_named(qtbot, page, ctx, head, roster, message_mock):  # noqa: ANN001
    apps = page.applications
    page.tabs.setCurrentWidget(apps)
    click(qtbot, apps.apply_button)
    apply = apps.dialog
    set_code(apply.mediator, roster["wu"])
    set_code(apply.evidence.rule_set, "test-small")
    set_date(apply.evidence.date_from, date(2024, 1, 1))
    set_date(apply.evidence.date_to, date(2025, 12, 31))
    set_code(apply.evidence.level, "B")
    click(qtbot, apply.evidence.compute_button)
    assert apply.evidence.panel.missed_texts == ["调解纠纷数不低于 3 件：实际 2 件"]
    set_date(apply.applied_on, date(2026, 1, 10))
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, apply.save_button))
    assert "· 调解纠纷数不低于 3 件：实际 2 件" in message_mock.questions[0]  # asked before sending
    app_uuid = apps.current_uuid()
    assert apps.model.data(apps.model.index(0, 5)) == "1 项未达到"
    with ctx.db.write() as s:
        for name in ("committee", "township"):
            grading.record_step(s, head, app_uuid, grading.StepCommand(name, True, date(2026, 1, 12)))
    apps.refresh()
    click(qtbot, apps.next_button)
    dialog = apps.dialog
    assert dialog.findChild(QLabel, "stepCheck").text() == "✗ 申请材料未达到乙级的条件：调解纠纷数不低于 3 件：实际 2 件"
    set_date(dialog.on, date(2026, 1, 20))
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    refusal = message_mock.single("error").text
    assert refusal.endswith("未达到乙级的以下条件，不能评定为该等级：\n· 调解纠纷数不低于 3 件：实际 2 件")
    assert dialog.isVisible() and dialog.errors.message("level") == refusal
    assert dialog.refused.text() == "未保存：" + refusal
    dialog.failed.setChecked(True)
    type_text(qtbot, dialog.opinion, "办案数量不足。")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    with ctx.db.read() as s:
        assert s.get(GradingApplication, app_uuid).status == "not_granted"
    assert apps.model.data(apps.model.index(0, 4)) == "未予评定"


def test_invited_mediators_cannot_apply(qtbot, page, ctx, roster, message_mock):  # noqa: ANN001
    apps = page.applications
    click(qtbot, apps.apply_button)
    apply = apps.dialog
    set_code(apply.mediator, roster["wang"])
    assert apply.invited_note.isVisible() and apply.invited_note.text().startswith("特邀调解员不能申请等级评定")
    set_date(apply.applied_on, date(2026, 1, 10))
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, apply.save_button))
    assert apply.errors.message("mediator").startswith("特邀调解员不能申请等级评定")
    with ctx.db.read() as s:
        assert s.scalar(select(GradingApplication.uuid)) is None
    page.roster.view.selectRow(row_of(page.roster.model, "王律师"))
    form = page.roster.open_mediator(roster["wang"])
    assert not form.apply_button.isEnabled() and form.apply_button.toolTip() == "特邀调解员不能申请等级评定"
    form.close()


def test_new_mediator_refused_then_saved_and_a_training_logged(qtbot, page, ctx, message_mock):  # noqa: ANN001
    tab = page.roster
    form = tab.new_mediator()
    assert form.windowTitle() == "新增调解员" and not form.tabs.isTabEnabled(1)
    type_text(qtbot, form.inputs["name"], "郑调解")
    set_code(form.inputs["committee_uuid"], casekit.committee_uuid(ctx.db))
    set_code(form.inputs["gender"], "男")
    qtbot.keyClicks(form.inputs["id_number"], "330106196511110030")  # wrong check character
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))
    assert form.errors.message("id_number") == "身份证号校验位不符，请核对每一位数字。"
    assert form.inputs["name"].text() == "郑调解"  # nothing typed is lost
    form.inputs["id_number"].clear()
    qtbot.keyClicks(form.inputs["id_number"], "330106196511110031")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))
    assert form.uuid and form.tabs.isTabEnabled(1) and form.status_note.text() == "已保存"
    assert form.inputs["id_number"].text() == "3301**********0031" and form.reveal_action.isVisible()
    assert tab.current_uuid() == form.uuid and tab.count_label.text() == "共 4 人"
    form.tabs.setCurrentIndex(1)
    assert not form.save_button.isVisible()  # the logs save in their own dialogs
    click(qtbot, form.add_training_button)
    dialog = form.dialog
    assert isinstance(dialog, TrainingDialog)
    type_text(qtbot, dialog.topic, "人民调解法")
    qtbot.keyClicks(dialog.hours, "2.55")
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    assert dialog.errors.message("hours") == "学时最多保留一位小数。"
    dialog.hours.clear()
    qtbot.keyClicks(dialog.hours, "2.5")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    assert form.trainings.rowCount() == 1 and form.trainings.item(0, 2).text() == "2.5"
    assert form.training_total.text() == "共 1 次，2.5 学时"
    with ctx.db.read() as s:
        assert s.scalar(select(MediatorTraining.tenth_hours).where(MediatorTraining.mediator_uuid == form.uuid)) == 25
    form.inputs["id_number"].actions()[-1].trigger()  # the eye in the ID field: an audited reveal
    qtbot.waitUntil(lambda: form.inputs["id_number"].text() == "330106196511110031")
    form.close()


def test_roster_import_through_the_file_seam(qtbot, page, ctx, tmp_path, message_mock):  # noqa: ANN001
    source = tmp_path / "名册.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "所在调委会", "专兼职", "手机"])
    wb.active.append(["钱调解", "北山街道人民调解委员会", "专职", "13900000009"])
    wb.active.append(["孙调解", "不存在的调委会", "兼职", ""])
    wb.save(source)
    tab = page.roster
    tab.open_file = lambda *_a: str(source)
    assert wait_op(qtbot, ctx.runner, lambda: tab.import_action.trigger())
    shown = message_mock.single("warning")
    assert shown.title == "名册导入完成，有问题需要处理"
    assert shown.text.startswith("共 2 行：已导入 1 行，重复 0 行，未导入 1 行。")
    assert "钱调解" in [r.name for r in rows_of(tab.model)]
    out = tmp_path / "导出.xlsx"
    tab.save_file = lambda *_a: str(out)
    assert wait_op(qtbot, ctx.runner, lambda: tab.export_action.trigger())
    assert out.read_bytes()[:2] == b"PK"


def test_rule_sets_are_shown_and_edited_on_the_district_node(qtbot, db, ctx, head, roster):  # noqa: ANN001
    with db.write() as s:
        s.execute(update(Node).values(level="district"))
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.show()
    window.go("mediators")
    rules = window.pages["mediators"].rules
    window.pages["mediators"].tabs.setCurrentWidget(rules)
    assert rules.editable and rules.save_button.isVisible()
    set_code(rules.rule_set, "national")
    fourth = next(n for n, e in enumerate(rules.entries) if e[0] == "四级" and e[3].metric == "cases_total")
    assert rules.table.item(fourth, 3).text() == "50 件" and rules.table.item(fourth, 4).text() == "示例"
    rules.table.item(fourth, 3).setText("60")
    rules.table.item(fourth, 4).setCheckState(Qt.CheckState.Checked)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, rules.save_button))
    with db.read() as s:
        saved = grading.get_rules(s, "national")
    changed = saved.level("4").thresholds[1]
    assert (changed.value, changed.example) == (60, True)
    assert "本标准已由区司法局修改（第 2 版）" in rules.info.text()


def test_models(qtmodeltester, page):  # noqa: ANN001
    qtmodeltester.check(page.roster.model)
    page.applications.refresh()
    qtmodeltester.check(page.applications.model)
