"""系统参数 shows whether the signed papers (协议书、申请书、司法确认申请书) print whole ID numbers, as a
choice in words; saving it changes what the next agreement prints."""

from __future__ import annotations

from tests import casekit
from tests.gui.helpers import wait_op
from xihu_desk.gui.pages.system import ParamsTab
from xihu_desk.services import printing, settings


def test_the_mask_setting_is_a_choice_in_words_and_reaches_the_print(qtbot, ctx, db):
    admin = casekit.cli_like()
    tab = ParamsTab(ctx, admin)
    qtbot.addWidget(tab)
    tab.show()
    spin = tab.spins["mask_id_on_signed_documents"]
    assert spin.text() == "印完整号码"
    spin.setValue(1)
    assert spin.text() == "遮蔽"
    assert wait_op(qtbot, ctx.runner, tab.save)
    head = casekit.head_actor(db)
    with db.read() as s:
        assert settings.get(s, "mask_id_on_signed_documents") == 1
        assert not printing.whole_ids(s, head, "agreement")
