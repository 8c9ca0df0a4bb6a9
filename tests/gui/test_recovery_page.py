"""首次设置's 恢复密钥 page (issue 21): after init the recovery key is shown once; 下一步 waits
for 我已妥善保管; the sheet opens in the print preview and saves as PDF or as the key file."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from tests.conftest import ADMIN_PASSWORD
from tests.gui.test_wizard import fresh, open_wizard  # noqa: F401 - the fixture
from xihu_desk.gui.wizard import PAGE_DONE, PAGE_RECOVERY, PAGE_SUMMARY
from xihu_desk.services import at_rest, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import recovery_code


def _through_init(qtbot, wizard, ctx) -> None:
    with ctx.db.write() as s:  # as the summary page's commit does, then the wizard's own step
        info = node.init_node(s, cli_actor(), node.InitCommand("330106002", "township", None, "admin", ADMIN_PASSWORD))
    wizard.setStartId(PAGE_SUMMARY)
    wizard.restart()
    wizard._initialised(info)


def test_the_key_is_shown_once_and_must_be_kept(qtbot, fresh, message_mock, tmp_path) -> None:  # noqa: F811
    if fresh.data.server:
        return  # a PostgreSQL server has no recovery key: the page is skipped
    wizard = open_wizard(qtbot, fresh)
    _through_init(qtbot, wizard, fresh)
    assert wizard.currentId() == PAGE_RECOVERY
    page = wizard.recovery_page
    code = page.key.text()
    assert recovery_code.normalise(code) and at_rest.take_recovery_code(fresh.data.root) is None  # once
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()

    page.print_sheet()
    assert page.preview is not None and page.preview.pages == 1
    page.preview.close()
    sheet = page.save_to(tmp_path / "恢复密钥单.pdf", as_sheet=True)
    assert sheet is not None and sheet.read_bytes().startswith(b"%PDF")
    key_file = page.save_to(tmp_path / "恢复密钥.txt", as_sheet=False)
    assert key_file is not None and recovery_code.read_file(key_file) == code
    assert page.save_to(fresh.data.root / "k.pdf", as_sheet=True) is None  # never beside the data
    assert "数据目录" in message_mock.of("error")[-1].text

    page.kept.setChecked(True)
    assert next_button.isEnabled()
    next_button.click()
    assert wizard.currentId() == PAGE_DONE
