"""补贴规则 form with real widgets: the district changes an amount and a factor and saves a new
version (a wrong valid_from refused under its field); a street office sees the same form with
nothing it can change, opened from 以案定补."""

from __future__ import annotations

from datetime import date

from tests.test_exchange import district  # noqa: F401 - fixture
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.reports.subsidy_rules_dialog import SubsidyRulesDialog
from xihu_desk.gui.runner import Runner
from xihu_desk.services import subsidy
from xihu_desk.services.context import cli_actor

from .helpers import click, type_text, wait_op


def test_the_district_saves_a_new_version_from_the_form(qtbot, district):  # noqa: F811
    runner = Runner(district.db, show_after_ms=50)
    try:
        dialog = SubsidyRulesDialog(AppContext(district.data, runner), cli_actor())
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.save_button.isVisible() and dialog.version.text().endswith("-1")
        assert dialog.bands.rowCount() == 3  # the shipped table's bands, to start from
        dialog.base["ordinary"].setValue(150)
        dialog.add_type("01", 1.2)
        dialog.version.clear()
        assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button)) is False
        assert "版本号" in dialog.errors.message("version")
        type_text(qtbot, dialog.version, "2027-A")
        assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button)) is True
        assert dialog.saved_version == "2027-A"
        with district.db.read() as s:
            table = subsidy.rules_version(s, "2027-A")
        assert (table.base["ordinary"], table.type_factor, table.sample) == (15000, {"01": 1.2}, False)
        assert table.valid_from > date(2026, 1, 1)
    finally:
        runner.shutdown()


def test_a_street_office_sees_the_rules_read_only(qtbot, ctx, db):
    from tests import casekit
    from xihu_desk.gui.reports.files import FileDialogs
    from xihu_desk.gui.reports.subsidy_dialog import SubsidyDialog

    head = casekit.head_actor(db)
    outer = SubsidyDialog(ctx, head, FileDialogs(), (date(2026, 1, 1), date(2026, 3, 31)))
    qtbot.addWidget(outer)
    outer.show()
    dialog = outer.edit_rules()
    qtbot.waitExposed(dialog)
    assert not dialog.editable and not dialog.save_button.isVisible()
    assert "区司法局" in dialog.intro.text()
    assert not dialog.base["ordinary"].isEnabled() and not dialog.version.isEnabled()
    assert not dialog.bands.isEnabled() and dialog.version.text()  # the version shown is the table's own
