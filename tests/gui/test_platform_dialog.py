"""平台对账 (issue 19) driven through its widgets: choose the platform's export, reconcile off the GUI
thread, the result tabs, link the ticked proposal, save the result and the entry list; a broken
file says why in Chinese. Pictures at 1366×768, 100 % and 150 % text, go to a temporary folder
(and to $XIHU_SCREENS_OUT when set), to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from tests.test_platform_reconcile import _planted, office  # noqa: F401 - fixture
from xihu_desk.gui import prefs, theme
from xihu_desk.gui.reports.platform_dialog import PlatformDialog
from xihu_desk.store.case_models import MediationCase

from .helpers import click, wait_op


class FakeFiles:
    def __init__(self, folder: Path, export: Path | None) -> None:
        self.folder, self.export = folder, export

    def open_platform_export(self, _parent) -> Path | None:
        return self.export

    def save_workbook(self, _parent, _title: str, name: str) -> Path:
        return self.folder / name


def _dialog(qtbot, ctx, actor, files) -> PlatformDialog:
    dialog = PlatformDialog(ctx, actor, files)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_reconcile_link_and_save(qtbot, ctx, runner, db, office, message_mock, tmp_path) -> None:  # noqa: F811
    head, made = office
    dialog = _dialog(qtbot, ctx, head, FakeFiles(tmp_path, _planted(tmp_path)))
    assert not dialog.run_button.isEnabled()
    click(qtbot, dialog.findChild(QPushButton, "chooseFile"))
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.run_button))
    rows = {k: t.rowCount() for k, t in dialog.tables.items()}
    assert rows == {"only_here": 3, "only_platform": 2, "mismatched": 6, "proposals": 1}
    assert dialog.tabs.tabText(2) == "内容不一致（6）"
    proposal = dialog.tables["proposals"]
    assert proposal.item(0, 0).checkState() == Qt.CheckState.Checked and proposal.item(0, 2).text() == made["edge"][1]

    with qtbot.waitSignal(dialog.reconciled, timeout=10000):  # linked, then reconciled again
        click(qtbot, dialog.link_button)
    with db.read() as s:
        assert s.get_one(MediationCase, made["edge"][0]).platform_code == "P-NEW-EDGE"
    assert dialog.tables["proposals"].rowCount() == 0 and "已为 1 件" in message_mock.of("info")[0].text

    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    saved = openpyxl.load_workbook(next(tmp_path.glob("平台对账结果_*.xlsx")))
    assert saved.sheetnames[:4] == ["对账概要", "仅本系统有", "仅平台有", "内容不一致"]
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.entry_button))
    entry = openpyxl.load_workbook(next(tmp_path.glob("平台录入清单_*.xlsx"))).active
    numbers = {r[1] for r in entry.iter_rows(values_only=True) if r and isinstance(r[0], int)}
    assert numbers == {made["beyond"][1], made["alone"][1]}


def test_a_broken_file_says_why(qtbot, ctx, runner, db, office, message_mock, tmp_path) -> None:  # noqa: F811
    head, _made = office
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    dialog = _dialog(qtbot, ctx, head, FakeFiles(tmp_path, broken))
    click(qtbot, dialog.findChild(QPushButton, "chooseFile"))
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.run_button)) is False
    error = message_mock.single("error")
    assert "平台导出文件无法对账" in error.text and dialog.last is None and dialog.run_button.isEnabled()
    with db.read() as s:
        assert s.scalar(select(MediationCase.platform_code).where(MediationCase.uuid == _made["edge"][0])) is None


@pytest.mark.parametrize("scale", [100, 150])
def test_the_dialog_fits_1366x768(qtbot, ctx, runner, office, styled_app, tmp_path, scale) -> None:  # noqa: F811
    head, _made = office
    prefs.set_text_scale(scale)
    theme.apply_text_scale(styled_app, scale)
    dialog = _dialog(qtbot, ctx, head, FakeFiles(tmp_path, _planted(tmp_path)))
    click(qtbot, dialog.findChild(QPushButton, "chooseFile"))
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.run_button))
    dialog.resize(min(dialog.width(), 1366), min(dialog.height(), 728))
    qtbot.wait(50)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728, hint
    cut = [b.text() for b in dialog.findChildren(QPushButton) if b.isVisible() and b.width() < b.sizeHint().width() - 1]
    assert not cut
    folders = [tmp_path / "shots"] + ([Path(os.environ["XIHU_SCREENS_OUT"])] if os.environ.get("XIHU_SCREENS_OUT") else [])
    for i in (0, 2, 3):
        dialog.tabs.setCurrentIndex(i)
        qtbot.wait(30)
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            dialog.grab().save(str(folder / f"platform{scale}-tab{i}.png"))


def test_the_entry_list_with_full_ids_is_audited(qtbot, ctx, runner, db, office, message_mock, tmp_path) -> None:  # noqa: F811
    from xihu_desk.store.models import AuditEvent

    head, _made = office
    dialog = _dialog(qtbot, ctx, head, FakeFiles(tmp_path, None))
    assert dialog.reveal_box.isVisible()  # a 所长 may see full ID numbers
    dialog.reveal_box.setChecked(True)
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.entry_button))
    assert "含完整证件号码" in message_mock.of("info")[-1].text
    with db.read() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert last.action == "party.reveal" and "平台录入清单" in last.summary
