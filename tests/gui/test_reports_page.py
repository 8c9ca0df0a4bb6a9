"""统计报表 page and the ledger-import wizard, driven through their widgets: the figures and charts
against plain SQL, the workbooks written through the file seam, the dry run then the import, and a
second import that adds nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QDate

from tests import anydb, statskit
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.reports.page import ReportsPage, preset_period
from xihu_desk.gui.runner import Runner
from xihu_desk.services import auth, users
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate

from .helpers import click

HEAD_PASSWORD = "Office-chief-2026"


class FakeFiles:
    """Answers the page's file questions at once (no modal dialog in a test)."""

    def __init__(self, folder: Path, ledger: Path | None = None) -> None:
        self.folder, self.ledger = folder, ledger
        self.asked: list[str] = []
        self.shown: list[Path] = []

    def save_workbook(self, _parent, title: str, name: str) -> Path:  # noqa: ANN001
        self.asked.append(title)
        return self.folder / name

    def open_ledger(self, _parent) -> Path | None:  # noqa: ANN001
        return self.ledger

    def show_folder(self, folder: Path) -> None:
        self.shown.append(folder)


@pytest.fixture
def stats_ctx(tmp_path_factory, template_node, tmp_path):  # noqa: ANN001, ANN201
    data = statskit.copy_node(statskit.demo_template(tmp_path_factory, template_node), tmp_path / "node")
    opened = migrate.open_database(data)
    with opened.db.write() as s:
        users.create_user(s, cli_actor(), users.UserCommand("head", "陈所长", "head", HEAD_PASSWORD))
    runner = Runner(opened.db, show_after_ms=50)
    yield AppContext(data, runner), auth.sign_in(opened.db, "head", HEAD_PASSWORD)
    runner.shutdown()
    opened.db.dispose()


def _page(qtbot, ctx, actor, files) -> ReportsPage:  # noqa: ANN001
    page = ReportsPage(ctx, actor, files=files)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.show()
    return page


def _set_period(qtbot, page: ReportsPage, first: date, last: date) -> None:  # noqa: ANN001
    for edit, day in ((page.date_from, first), (page.date_to, last)):
        if edit.date().toPython() != day:  # an unchanged date sends no signal
            with qtbot.waitSignal(page.loaded, timeout=5000):
                edit.setDate(QDate(day.year, day.month, day.day))


def test_preset_periods():
    today = date(2026, 2, 14)
    assert preset_period("this_month", today) == (date(2026, 2, 1), date(2026, 2, 28))
    assert preset_period("last_month", date(2026, 1, 5)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert preset_period("this_quarter", today) == (date(2026, 1, 1), date(2026, 3, 31))
    assert preset_period("last_quarter", today) == (date(2025, 10, 1), date(2025, 12, 31))
    assert preset_period("this_year", today) == (date(2026, 1, 1), date(2026, 12, 31))
    assert preset_period("last_year", today) == (date(2025, 1, 1), date(2025, 12, 31))


def test_page_figures_charts_and_workbooks_match_the_database(qtbot, stats_ctx, tmp_path, message_mock):
    ctx, actor = stats_ctx
    files = FakeFiles(tmp_path)
    page = _page(qtbot, ctx, actor, files)
    assert page.preset.currentText() == "本年" and page.scope.currentText() == "全部调委会"
    _set_period(qtbot, page, *statskit.PERIOD)
    assert page.preset.currentText() == "自定义"
    sql = statskit.sql_figures(ctx.data, *statskit.PERIOD)
    values = [page.cards.itemAt(i).widget().value.text() for i in range(page.cards.count())]
    assert values[0] == str(sql["accepted"]) and values[1] == str(sql["succeeded"])
    assert values[2] == f"{sql['succeeded'] / sql['closed']:.1%}" and values[3] == f"{sql['amount_fen'] / 1_000_000:,.2f}"
    assert values[4] == str(sql["confirmed"])
    months = page.month_chart.values()
    assert len(page.month_chart.labels) == 36 and page.month_chart.labels[0] == "24年1月"
    assert sum(months["受理"]) == sql["accepted"] and sum(months["调解成功"]) == sql["succeeded"]
    by_type = page.type_chart.values()["受理"]
    shown = by_type[:-1] if page.type_chart.labels[-1] == "其余类型" else by_type
    assert sum(by_type) == sql["accepted"] and shown == sorted(shown, reverse=True)  # most frequent first
    # The statistics workbook, written through the file seam off the GUI thread.
    with qtbot.waitSignal(page.saved, timeout=10000) as saved:
        click(qtbot, page.stats_button)
    path = saved.args[0]
    assert path.name == "人民调解工作统计表_20240101-20261231.xlsx" and path.is_file()
    ws = openpyxl.load_workbook(path)["统计表"]
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "合计")
    assert total[1] == sql["accepted"] and total[2] == sql["succeeded"]
    assert page.result.text().startswith("统计表已保存") and page.folder_button.isVisible()
    click(qtbot, page.folder_button)
    assert files.shown == [path.parent]
    # The case ledger: every case, ID numbers masked.
    with qtbot.waitSignal(page.saved, timeout=10000) as saved:
        click(qtbot, page.ledger_button)
    book = openpyxl.load_workbook(saved.args[0])["案件台账"]
    assert book.max_row - 5 == anydb.scalar(
        ctx.data, "SELECT count(*) FROM mediation_case WHERE NOT deleted AND status != 'void'")  # 作废 is in no ledger
    assert "证件号码已遮蔽" in page.result.text()
    assert not message_mock.messages


def test_scope_narrows_the_figures(qtbot, stats_ctx, tmp_path):
    ctx, actor = stats_ctx
    page = _page(qtbot, ctx, actor, FakeFiles(tmp_path))
    _set_period(qtbot, page, *statskit.PERIOD)
    everything = page.stats.total["accepted"]
    index = page.scope.findText("北山街道人民调解委员会")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.scope.setCurrentIndex(index)
    own = anydb.scalar(ctx.data, "SELECT count(*) FROM mediation_case c JOIN committee m ON m.uuid = c.committee_uuid "
                       "WHERE NOT c.deleted AND m.name = '北山街道人民调解委员会' AND c.accepted_on BETWEEN '2024-01-01' "
                       "AND '2026-12-31'")
    assert page.stats.total["accepted"] == own < everything
    assert page.result.text().startswith("北山街道人民调解委员会")


def test_import_wizard_dry_run_then_import_then_nothing_new(qtbot, stats_ctx, tmp_path, message_mock):
    ctx, actor = stats_ctx
    ledger_file = tmp_path / "旧台账.xlsx"
    expected = statskit.messy_ledger(ledger_file)
    files = FakeFiles(tmp_path, ledger_file)
    page = _page(qtbot, ctx, actor, files)

    def cases() -> int:
        return anydb.scalar(  # 作废 is in no ledger
            ctx.data, "SELECT count(*) FROM mediation_case WHERE NOT deleted AND status != 'void'")

    before = cases()
    click(qtbot, page.import_button)
    wizard = page.wizard
    assert wizard.isVisible() and not wizard.next_button.isEnabled()
    click(qtbot, wizard.findChild(type(wizard.next_button), "chooseFile"))
    assert wizard.path_edit.text() == str(ledger_file) and wizard.next_button.text() == "试导入"
    with qtbot.waitSignal(wizard.previewed, timeout=10000) as dry:
        click(qtbot, wizard.next_button)
    report = dry.args[0]
    assert report.dry_run and (report.rows, report.imported, report.refused) == (
        expected["rows"], expected["imported"], expected["refused"])
    assert cases() == before  # a dry run saves nothing
    assert "试导入，尚未保存" in wizard.preview_summary.text() and "可导入 <b>10</b> 行" in wizard.preview_summary.text()
    assert wizard.preview_problems.rowCount() == len(report.problems) + report.duplicates
    assert wizard.preview_sheets.rowCount() == 3 and wizard.next_button.text() == "确认导入"
    with qtbot.waitSignal(wizard.imported, timeout=10000) as done, qtbot.waitSignal(page.loaded, timeout=10000):
        click(qtbot, wizard.next_button)
    assert done.args[0].imported == expected["imported"] and cases() == before + expected["imported"]
    assert wizard.step.text().startswith("第 3 步") and not wizard.next_button.isVisible()
    click(qtbot, wizard.save_problems_button)
    problems = tmp_path / "旧台账-问题清单.xlsx"
    assert problems.is_file() and "问题清单已保存" in message_mock.single("info").text
    rows = list(openpyxl.load_workbook(problems)["问题清单"].iter_rows(values_only=True))
    assert any(r[4] and "缺少被申请人" in str(r[4]) for r in rows)
    wizard.accept()
    # The same ledger again: every row already there or still refused; nothing added.
    click(qtbot, page.import_button)
    wizard = page.wizard
    click(qtbot, wizard.findChild(type(wizard.next_button), "chooseFile"))
    with qtbot.waitSignal(wizard.previewed, timeout=10000) as again:
        click(qtbot, wizard.next_button)
    assert again.args[0].imported == 0 and not wizard.next_button.isEnabled()
    assert "没有可以导入的行" in wizard.preview_summary.text()
    assert cases() == before + expected["imported"]
    wizard.reject()


def test_a_broken_file_is_refused_with_a_message(qtbot, stats_ctx, tmp_path, message_mock):
    ctx, actor = stats_ctx
    junk = tmp_path / "坏文件.xlsx"
    junk.write_bytes(b"not a workbook")
    page = _page(qtbot, ctx, actor, FakeFiles(tmp_path, junk))
    click(qtbot, page.import_button)
    wizard = page.wizard
    wizard.choose()
    with qtbot.waitSignal(ctx.runner.finished, timeout=10000):
        click(qtbot, wizard.next_button)
    message = message_mock.single("error")
    assert "xlsx" in message.text and wizard.stack.currentIndex() == 0 and wizard.next_button.isEnabled()
    wizard.reject()


def test_administrator_sees_why_there_are_no_figures(qtbot, main_window):
    main_window.go("reports")
    page = main_window.pages["reports"]
    assert isinstance(page, ReportsPage) and not page.allowed
    assert page.findChild(type(page.findChild(object, "areaSummary")), "notAllowed").text().startswith("统计报表由")
