"""The 调解员名册's first screen (issue 15): the committee and grade choices (the grades are a scan
of every mediator) are read just after the first rows are painted, not before them; once the page
is up, a change (a save, an import) reads them again at once."""

from __future__ import annotations

from tests import casekit
from xihu_desk.gui import ops
from xihu_desk.gui.listpage import _AfterPaint
from xihu_desk.gui.mediators.roster import RosterTab


def test_the_roster_choices_come_after_the_first_rows(qtbot, ctx, db, monkeypatch):
    head = casekit.head_actor(db)
    casekit.roster(db, head)
    tab = RosterTab(ctx, head)
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    choice_reads: list[int] = []
    real = ops.session_read

    def session_read(c, fn, *args, **kwargs):
        choice_reads.append(tab.model.pages_read)  # how many pages of rows were read before it
        return real(c, fn, *args, **kwargs)

    monkeypatch.setattr(ops, "session_read", session_read)
    tab.show()
    assert choice_reads == [] and tab.model.rowCount() == 2  # the rows are in; the choices are not read yet
    assert tab.committee.count() == 1 and tab.committee.currentText() == "全部调委会"
    assert tab.grade.count() == 1 and tab.status_filter.currentText() == "在任"
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: tab.committee.count() > 1, timeout=_AfterPaint.SAFETY_MS + 2000)
    assert choice_reads == [1] and tab.grade.itemText(tab.grade.count() - 1) == "无等级"

    tab.committee.setCurrentIndex(1)
    tab.fill_filters()  # after a save: read again at once, the choice kept
    assert len(choice_reads) == 2 and tab.committee.currentIndex() == 1
