"""A fork on the 数据交换 page: the district sees which office's bundle no longer continues its line,
what to do, and its administrator accepts the office's new line (issue 12)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from xihu_desk.gui import messages
from xihu_desk.services import exchange
from xihu_desk.services.context import cli_actor
from xihu_desk.store.sync_models import BundleIn, BundleOut
from xihu_desk.sync import container

from .helpers import click, wait_op
from .test_exchange_page import (  # noqa: F401 - fixtures
    FakeFiles, data_dir, district, district_template, paired, township, township_template,
)


def test_the_district_sees_a_fork_and_its_administrator_accepts_the_new_line(qtbot, paired, message_mock, tmp_path) -> None:  # noqa: ANN001, F811
    township, district = paired
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = exchange.export_bundle(township.ctx.data, township.ctx.db, cli_actor(), tmp_path / "a")
    exchange.import_bundle(district.ctx.data, district.ctx.db, cli_actor(), first.file)
    with township.ctx.db.write() as s:  # as a restored backup would: bundle 1 was never made
        s.delete(s.get(BundleOut, (first.destination, 1)))
    forked = exchange.export_bundle(township.ctx.data, township.ctx.db, cli_actor(), tmp_path / "b")
    panel = district.page.fork_panel
    assert not panel.isVisible()
    district.files.answers["open_bundle"] = forked.file
    assert not wait_op(qtbot, district.runner, lambda: click(qtbot, district.page.import_button))
    refusal = message_mock.single(messages.ERROR)
    assert "分叉" in refusal.text and "重新对齐回执" in refusal.text
    assert panel.isVisible() and panel.table.rowCount() == 1
    assert panel.table.item(0, 0).text() == "北山街道" and panel.table.item(0, 1).text() == "第 1 号"
    assert "恢复过备份" in panel.findChild(QLabel, "forkAdvice").text()
    # The receipt for the office can be written again from here.
    district.files.answers["export_folder"] = tmp_path
    assert wait_op(qtbot, district.runner, lambda: click(qtbot, panel.resync_button))
    assert list(tmp_path.glob("*_resync_*_receipt.json"))
    assert panel.accept_button.isEnabled()  # the district's account is its administrator
    assert wait_op(qtbot, district.runner, lambda: click(qtbot, panel.accept_button), timeout=15000)
    assert message_mock.questions and "新序列" in message_mock.questions[-1]
    assert "已接受" in message_mock.of(messages.INFO)[-1].text
    assert not panel.isVisible()
    with district.ctx.db.read() as s:  # the office's new bundle 1 is the one held now
        assert list(s.scalars(select(BundleIn.sha256))) == [container.sha256_file(forked.file)]
