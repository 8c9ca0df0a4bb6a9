"""The 调解员 filter of the case list at a roster of 20,000 (issue 15): the names go in as one
list behind a model and Qt asks only for the rows it shows; the choice survives a new list."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from tests import casekit
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.gui.kit.long_combo import ChoiceModel, fill_long_combo

from .casegui import head  # noqa: F401 - fixtures

N = 20_000


def test_a_long_list_is_one_model_and_keeps_the_choice(qtbot, monkeypatch) -> None:
    asked: list[int] = []
    plain_data = ChoiceModel.data

    def counted(self, index, role=0):
        asked.append(index.row())
        return plain_data(self, index, role)

    monkeypatch.setattr(ChoiceModel, "data", counted)
    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    items = [(f"u{i}", f"调解员{i}") for i in range(N)]
    fill_long_combo(combo, items, "全部调解员")
    assert isinstance(combo.model(), ChoiceModel)
    combo.show()
    qtbot.waitExposed(combo)
    assert 0 < len(set(asked)) < 100  # the rows shown, not the roster
    assert combo.count() == N + 1 and combo.currentData() == "" and combo.currentText() == "全部调解员"
    combo.setCurrentIndex(combo.findData("u12345"))
    assert combo.currentText() == "调解员12345"
    fill_long_combo(combo, items[12_000:13_000], "全部调解员")  # another committee's list holds it too
    assert combo.currentData() == "u12345" and combo.count() == 1001
    fill_long_combo(combo, items[:10], "全部调解员")  # gone from the list: back to 全部
    assert combo.currentData() == "" and combo.itemData(3) == "u2" and combo.itemText(3) == "调解员2"


def test_the_case_list_reads_its_mediator_filter_after_the_first_rows(qtbot, ctx, head) -> None:  # noqa: F811
    casekit.roster(ctx.db, head)
    page = CasesPage(ctx, head)
    qtbot.addWidget(page)
    page.show()  # the first read: the cases, not yet the roster's names
    assert page._loaded and page.mediator.count() == 1 and page.mediator.currentData() == ""
    qtbot.waitUntil(lambda: page.mediator.count() > 1)  # just after the first rows are painted
    assert isinstance(page.mediator.model(), ChoiceModel)
    assert page.mediator.currentData() == ""
