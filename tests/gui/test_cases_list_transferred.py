"""Issue 18 on the 案件 page: the read-only copy an office keeps of a case it transferred out shows
in the list as 已移送 (greyed, no due date, never overdue, where and when in the tooltip), and the
status filter lists only these copies or leaves them out."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests import casekit
from tests.test_case_transfer_back import BEISHAN, _down, _move
from tests.test_case_transfer_bundles import XIXI, _case_at_a, nodes  # noqa: F401 (fixture)
from xihu_desk.gui.cases import model as case_model
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.services import cases

from .casegui import pick


def test_the_case_page_marks_and_filters_a_transferred_copy(qtbot, ctx, nodes, tmp_path, message_mock):  # noqa: F811
    a, b, district = nodes
    moving, moving_no = _case_at_a(a, tmp_path)
    head = casekit.head_actor(a.db)
    with a.db.write() as s:
        staying = cases.open_case(s, head, casekit.intake(a.db, casekit.roster(a.db, head, ("钱调解",)))).uuid
    _move(a, district, tmp_path, "out", moving, XIXI)
    _down(district, b, XIXI, tmp_path, "d-b")
    _down(district, a, BEISHAN, tmp_path, "d-a")

    page = CasesPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    page.reloaded()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    rows = {page.model.row(r).uuid: r for r in range(2)}
    m = page.model

    def text(uuid: str, column: int, role=Qt.ItemDataRole.DisplayRole):
        return m.data(m.index(rows[uuid], column), role)

    assert text(moving, case_model.STATUS) == "已移送"
    assert "移送至西溪街道" in text(moving, case_model.STATUS, Qt.ItemDataRole.ToolTipRole)
    assert text(moving, case_model.DUE) == "—" and text(staying, case_model.DUE) != "—"
    assert text(moving, case_model.NO, Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert text(staying, case_model.STATUS) != "已移送"
    # its summary below the list says where it went, not a deadline (nor 已超期)
    page.view.selectRow(rows[moving])
    qtbot.waitUntil(lambda: moving_no in page.preview_facts.text())
    assert "移送至西溪街道" in page.preview_facts.text() and "已移送" in page.preview_facts.text()
    assert "期限" not in page.preview_facts.text() and "超期" not in page.preview_facts.text()

    pick(page.status, "transferred:only")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.row(0).uuid == moving and page.current_filter().transferred == "only"
    assert page.current_filter().status == ""
    pick(page.status, "transferred:hide")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.row(0).uuid == staying)
    assert moving_no not in {page.model.row(0).case_no}
