"""以案定补 from 统计报表 → 评查与补贴: the sheet computed on the DB thread shows one row a mediator
and the cases of the one selected; the workbook and the PDF are saved; 所长 approves after a
confirmation and the period shows as approved."""

from __future__ import annotations

from datetime import date

import openpyxl

from tests.gui.helpers import click, wait_op
from tests.gui.test_reports_page import FakeFiles, _page, stats_ctx  # noqa: F401 - the fixture
from xihu_desk.gui.kit.dates import set_date
from xihu_desk.gui.reports.subsidy_dialog import SubsidyDialog
from xihu_desk.services import subsidy


class Files(FakeFiles):
    def save_pdf(self, _parent, title: str, name: str):  # noqa: ANN001, ANN201
        self.asked.append(title)
        return self.folder / name


def test_sheet_save_and_approve(qtbot, stats_ctx, tmp_path, message_mock):  # noqa: F811
    ctx, actor = stats_ctx
    page = _page(qtbot, ctx, actor, Files(tmp_path))
    page.subsidy_action.trigger()
    dialog = page.subsidy
    assert isinstance(dialog, SubsidyDialog) and dialog.approve_button.isVisible()
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    set_date(dialog.date_from, first)
    set_date(dialog.date_to, last)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.run_button), timeout=60000)
    with ctx.db.read() as s:
        expected = subsidy.sheet(s, actor, first, last)
    assert dialog.people.rowCount() == len(expected.mediators) > 0
    assert f"{expected.total / 100:,.2f}" in dialog.summary.text() and "示例金额" in dialog.summary.text()
    assert dialog.items.rowCount() == len(expected.mediators[0].items)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.excel_button), timeout=60000)
    book = openpyxl.load_workbook(next(tmp_path.glob("以案定补_*.xlsx")))
    assert book.sheetnames[0] == "发放表"
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.pdf_button), timeout=60000)
    assert next(tmp_path.glob("以案定补_*.pdf")).read_bytes()[:5] == b"%PDF-"
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.approve_button), timeout=60000)
    assert message_mock.questions and "审核通过" in message_mock.questions[0]
    assert "审核通过" in dialog.summary.text() and not dialog.approve_button.isEnabled()
    with ctx.db.read() as s:
        assert subsidy.sheet(s, actor, first, last).closed is not None
