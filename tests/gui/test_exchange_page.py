"""数据交换 through the real pages of two offices: 北山街道 (a township, with demo cases) and the
district bureau, each in its own main window, database and runner.

Keys are exchanged through the page (the fingerprint compared before anything is saved), a
bundle goes to a folder standing for the USB stick, the district imports it after the dry-run
preview, and the receipt goes back. File dialogs are the page's ``files`` seam.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import func, select

from xihu_desk.domain.roles import Role
from xihu_desk.gui import messages, prefs, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange.dialogs import FingerprintDialog, ImportDialog
from xihu_desk.gui.exchange.page import ExchangePage
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.gui.runner import Runner
from xihu_desk.paths import DataDir
from xihu_desk.services import auth, demo, exchange, node
from xihu_desk.services.context import Actor, cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.case_models import MediationCase, Party
from xihu_desk.store.models import AuditEvent
from xihu_desk.store.sync_models import BundleIn, BundleOut, PeerNode, SyncAck

from .helpers import click, type_text, wait_op

DISTRICT_PASSWORD = "District-key-2026"
CASES = 4


# -- offices ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def township_template(template_node: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """北山街道 with a few demo cases, made once."""
    root = tmp_path_factory.mktemp("exchange-township") / "data"
    shutil.copytree(template_node, root)
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as session:
        demo.fill(session, cli_actor(), demo.DemoCommand(seed=11, committees=2, mediators=2, cases=CASES,
                                                         today=date(2026, 11, 20)))
    opened.db.dispose()
    return root


@pytest.fixture(scope="session")
def district_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exchange-district") / "data"
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand("330106", "district", None, "qu", DISTRICT_PASSWORD, "区局管理员"))
    opened.db.dispose()
    return root


@pytest.fixture
def data_dir(township_template: Path, tmp_path: Path) -> DataDir:
    """Overrides the plain township of conftest: this one has cases to send."""
    target = tmp_path / "data"
    shutil.copytree(township_template, target)
    return DataDir(target)


class FakeFiles:
    """Answers the page's file questions at once and records the folders it was asked to show."""

    def __init__(self) -> None:
        self.answers: dict[str, Path | None] = {}
        self.shown: list[Path] = []
        self.suggested: list[str] = []

    def _take(self, what: str) -> Path | None:
        assert what in self.answers, f"the page asked for {what} unexpectedly"
        return self.answers.pop(what)

    def save_key(self, _parent: object, suggested_name: str) -> Path | None:
        self.suggested.append(suggested_name)
        return self._take("save_key")

    def open_key(self, _parent: object) -> Path | None:
        return self._take("open_key")

    def export_folder(self, _parent: object) -> Path | None:
        return self._take("export_folder")

    def open_bundle(self, _parent: object) -> Path | None:
        return self._take("open_bundle")

    def open_receipt(self, _parent: object) -> Path | None:
        return self._take("open_receipt")

    def show_folder(self, folder: Path) -> None:
        self.shown.append(folder)


@dataclass
class Office:
    ctx: AppContext
    window: MainWindow
    page: ExchangePage
    files: FakeFiles

    @property
    def runner(self) -> Runner:
        return self.ctx.runner

    def count(self, model) -> int:  # noqa: ANN001
        with self.ctx.db.read() as session:
            return session.scalar(select(func.count()).select_from(model))


def _office(window: MainWindow) -> Office:
    window.go("exchange")
    page = window.pages["exchange"]
    assert isinstance(page, ExchangePage) and window.stack.currentWidget() is page
    page.files = FakeFiles()
    return Office(window.ctx, window, page, page.files)


@pytest.fixture
def township(main_window) -> Office:  # noqa: ANN001
    return _office(main_window)


@pytest.fixture
def district(qtbot, district_template: Path, tmp_path: Path):  # noqa: ANN001, ANN201
    root = tmp_path / "district"
    shutil.copytree(district_template, root)
    opened = migrate.open_database(DataDir(root))
    runner = Runner(opened.db, show_after_ms=50)
    window = MainWindow(AppContext(DataDir(root), runner), auth.sign_in(opened.db, "qu", DISTRICT_PASSWORD))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield _office(window)
    runner.shutdown()
    opened.db.dispose()


@pytest.fixture
def paired(township: Office, district: Office) -> tuple[Office, Office]:
    """Both enrolled through the services, for the tests that are not about enrolment."""
    with township.ctx.db.read() as s:
        town_key = exchange.export_key(s, cli_actor())
    with district.ctx.db.read() as s:
        district_key = exchange.export_key(s, cli_actor())
    with district.ctx.db.write() as s:
        exchange.enrol(s, cli_actor(), town_key)
    with township.ctx.db.write() as s:
        exchange.enrol(s, cli_actor(), district_key)
    township.page.refresh()
    district.page.refresh()
    return township, district


# -- steps through the widgets ---------------------------------------------------------------------


def export_key(qtbot, office: Office, target: Path) -> None:  # noqa: ANN001
    office.files.answers["save_key"] = target
    assert wait_op(qtbot, office.runner, lambda: click(qtbot, office.page.export_key_button))


def enrol_through_page(qtbot, office: Office, key_file: Path, expected_fingerprint_text: str) -> FingerprintDialog:  # noqa: ANN001
    """Up to the confirmation: returns the open dialog, nothing saved yet."""
    office.files.answers["open_key"] = key_file
    assert wait_op(qtbot, office.runner, lambda: click(qtbot, office.page.enrol_button))
    dialog = office.page.enrol_dialog
    assert isinstance(dialog, FingerprintDialog) and dialog.isVisible()
    # The phone call: the other office reads its own 本节点 fingerprint; it must match this one.
    assert dialog.fingerprint.text() == expected_fingerprint_text
    assert not dialog.enrol_button.isEnabled()  # not before the user says the comparison was done
    return dialog


def confirm_enrolment(qtbot, office: Office, dialog: FingerprintDialog) -> None:  # noqa: ANN001
    qtbot.keyClick(dialog.checked, Qt.Key.Key_Space)  # "我已与对方电话核对，指纹完全一致"
    assert dialog.checked.isChecked()
    assert wait_op(qtbot, office.runner, lambda: click(qtbot, dialog.enrol_button))


def export_bundle(qtbot, office: Office, folder: Path) -> Path:  # noqa: ANN001
    office.files.answers["export_folder"] = folder
    assert wait_op(qtbot, office.runner, lambda: click(qtbot, office.page.export_button), timeout=15000)
    bundles = sorted(folder.glob("*.xdb"))
    return bundles[-1]


def preview_import(qtbot, office: Office, bundle: Path) -> ImportDialog:  # noqa: ANN001
    office.files.answers["open_bundle"] = bundle
    assert wait_op(qtbot, office.runner, lambda: click(qtbot, office.page.import_button), timeout=15000)
    dialog = office.page.import_dialog
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    return dialog


# -- the whole flow ----------------------------------------------------------------------------------


def test_keys_bundle_import_and_receipt_through_both_pages(qtbot, township, district, message_mock, tmp_path) -> None:  # noqa: ANN001
    usb = tmp_path / "usb"
    usb.mkdir()
    town, dist = township.page, district.page
    assert town.node_org.text() == "北山街道（330106002）" and town.node_level.text() == "街道（镇）司法所"
    assert dist.node_level.text() == "区司法局"
    assert town.tabs.tabText(0) == "报送上级" and dist.tabs.tabText(0) == "接收下级数据"
    assert not town.export_button.isEnabled() and "尚未登记" in town.parent_name.text()

    # Each office writes its public key to the stick.
    export_key(qtbot, township, usb / "beishan.json")
    export_key(qtbot, district, usb / "district.json")
    assert township.files.suggested == ["330106002_北山街道_公钥.json"]
    shown = message_mock.of(messages.INFO)
    assert [m.title for m in shown] == ["公钥已导出", "公钥已导出"]
    assert town.node_fingerprint.text() in shown[0].text

    # The district enrols the township: the fingerprint is shown first, and nothing is saved until confirmed.
    dialog = enrol_through_page(qtbot, district, usb / "beishan.json", town.node_fingerprint.text())
    assert dialog.findChild(QLabel, "enrolHeading").text() == "登记下级单位：北山街道（街道（镇）司法所）"
    assert district.count(PeerNode) == 0
    confirm_enrolment(qtbot, district, dialog)
    with district.ctx.db.read() as s:
        peer = s.scalar(select(PeerNode))
        assert (peer.relation, peer.org_name, peer.fingerprint) == ("child", "北山街道", town.info.key_fingerprint)
    assert dist.children_table.rowCount() == 1
    assert dist.children_table.item(0, 0).text() == "北山街道"
    assert dist.children_table.item(0, 4).text() == "尚未收到"
    assert message_mock.messages[-1].text == "已登记下级单位：北山街道"

    # The township enrols the district as its parent.
    dialog = enrol_through_page(qtbot, township, usb / "district.json", dist.node_fingerprint.text())
    confirm_enrolment(qtbot, township, dialog)
    assert town.parent_name.text().startswith("西湖区") and "区司法局" in town.parent_name.text()
    assert town.parent_fingerprint.text() == dist.node_fingerprint.text()
    with township.ctx.db.read() as s:
        pending = exchange.pending_counts(s, cli_actor())
    sent = sum(pending.values())
    assert pending["case"] == CASES and f"案件 {CASES}" in town.pending.text() and f"共 {sent} 条" in town.pending.text()
    assert town.export_button.isEnabled() and town.receipt_button.isEnabled()

    # The township writes bundle 1 to the stick.
    bundle = export_bundle(qtbot, township, usb)
    assert bundle.name.startswith("XD_330106002_to_330106_0001_")
    done = message_mock.messages[-1]
    assert (done.level, done.title) == (messages.INFO, "数据包已生成") and str(bundle) in done.text
    assert "已生成第 1 号数据包，报送 西湖区" in town.up_result.text() and f"案件 {CASES}" in town.up_result.text()
    assert town.up_box.folder_button.isVisible()
    click(qtbot, town.up_box.folder_button)
    assert township.files.shown == [usb]
    assert township.count(BundleOut) == 1

    # The district previews it: a dry run, nothing written.
    preview = preview_import(qtbot, district, bundle)
    assert preview.windowTitle() == "导入数据包 — 预览"
    summary = preview.summary.text()
    assert "试导入结果（尚未写入任何数据）" in summary and "来自：北山街道　第 1 号数据包" in summary
    assert f"新增或更新 {sent} 条" in summary
    assert preview.confirm_button.isVisible() and preview.cancel_button.isVisible()
    assert not preview.close_button.isVisible() and not preview.folder_button.isVisible()
    assert district.count(MediationCase) == 0 and district.count(BundleIn) == 0

    # 确认导入: one transaction, then the summary and the receipt beside the bundle.
    assert wait_op(qtbot, district.runner, lambda: click(qtbot, preview.confirm_button), timeout=15000)
    assert preview.windowTitle() == "导入数据包 — 完成" and preview.stage == "done"
    receipt = usb / f"{bundle.stem}_receipt.json"
    assert receipt.is_file()
    assert "已导入" in preview.summary.text() and str(receipt) in preview.receipt_line.text()
    assert preview.close_button.isVisible() and not preview.confirm_button.isVisible()
    click(qtbot, preview.folder_button)
    assert district.files.shown == [usb]
    click(qtbot, preview.close_button)
    assert district.page.import_dialog is None
    assert district.count(MediationCase) == CASES and district.count(BundleIn) == 1
    assert dist.children_table.item(0, 4).text() == "第 1 号" and dist.children_table.item(0, 5).text() == "无"
    assert str(receipt) in dist.down_result.text() and dist.down_box.folder_button.isVisible()
    owners = {dist.owners_table.item(r, 0).text(): dist.owners_table.item(r, 1).text()
              for r in range(dist.owners_table.rowCount())}
    assert owners == {"北山街道": str(CASES)}

    # The receipt goes back: everything acknowledged, nothing left to send.
    township.files.answers["open_receipt"] = receipt
    assert wait_op(qtbot, township.runner, lambda: click(qtbot, town.receipt_button))
    assert message_mock.messages[-1].text == f"已登记第 1 号数据包的回执：对方确认 {sent} 条，未接收 0 条。"
    assert "对方全部接收" in town.up_result.text() and not town.up_box.folder_button.isVisible()
    assert town.pending.text() == "没有待报送的记录（上级已全部确认）"
    assert township.count(SyncAck) == sent
    assert not message_mock.of(messages.ERROR)


def test_cancelled_fingerprint_check_saves_nothing(qtbot, township, district, tmp_path) -> None:  # noqa: ANN001
    export_key(qtbot, district, tmp_path / "district.json")
    dialog = enrol_through_page(qtbot, township, tmp_path / "district.json", district.page.node_fingerprint.text())
    with qtbot.assertNotEmitted(township.runner.started):
        click(qtbot, dialog.cancel_button)
    assert township.page.enrol_dialog is None
    assert township.count(PeerNode) == 0
    assert "尚未登记" in township.page.parent_name.text()


def test_a_key_that_is_not_ours_to_enrol_is_refused_before_the_question(qtbot, township, message_mock, tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "not-a-key.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    township.files.answers["open_key"] = bad
    assert not wait_op(qtbot, township.runner, lambda: click(qtbot, township.page.enrol_button))
    assert township.page.enrol_dialog is None
    assert message_mock.single(messages.ERROR).text == "这不是西湖司法所工作台的节点密钥文件。"
    # Its own key file is refused too.
    export_key(qtbot, township, tmp_path / "own.json")
    township.files.answers["open_key"] = tmp_path / "own.json"
    assert not wait_op(qtbot, township.runner, lambda: click(qtbot, township.page.enrol_button))
    assert message_mock.of(messages.ERROR)[-1].text == "这是本节点自己的密钥文件。"
    assert township.count(PeerNode) == 0


# -- refusals and problems --------------------------------------------------------------------------


def test_tampered_bundle_shows_the_refusal_and_changes_nothing(qtbot, paired, message_mock, tmp_path) -> None:  # noqa: ANN001
    township, district = paired
    bundle = export_bundle(qtbot, township, tmp_path)
    raw = bytearray(bundle.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    tampered = tmp_path / "tampered.xdb"
    tampered.write_bytes(bytes(raw))
    with district.ctx.db.read() as s:
        audit_before = s.scalar(select(func.count()).select_from(AuditEvent))
    district.files.answers["open_bundle"] = tampered
    assert not wait_op(qtbot, district.runner, lambda: click(qtbot, district.page.import_button))
    assert district.page.import_dialog is None  # no preview of a file that fails its checks
    refusal = message_mock.single(messages.ERROR)
    assert refusal.title == "未导入" and refusal.text.endswith("没有写入任何数据。")
    assert "被改动" in refusal.text or "损坏" in refusal.text  # the service's reason, as it said it
    assert "拒绝导入" in district.page.down_result.text()
    assert district.count(MediationCase) == 0 and district.count(BundleIn) == 0
    with district.ctx.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == audit_before
    assert not list(tmp_path.glob("tampered_receipt.json"))
    assert district.page.children_table.item(0, 4).text() == "尚未收到"


def test_cancel_at_the_preview_writes_nothing_and_a_gap_shows_red(qtbot, paired, message_mock, tmp_path) -> None:  # noqa: ANN001
    township, district = paired
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    export_bundle(qtbot, township, tmp_path / "one")  # bundle 1 never reaches the district
    second = export_bundle(qtbot, township, tmp_path / "two")

    preview = preview_import(qtbot, district, second)
    assert "尚未收到该单位的第 1 号数据包" in preview.summary.text()
    assert theme.DANGER in preview.summary.text()
    click(qtbot, preview.cancel_button)
    assert district.page.import_dialog is None
    assert district.count(BundleIn) == 0 and district.count(MediationCase) == 0

    preview = preview_import(qtbot, district, second)
    assert wait_op(qtbot, district.runner, lambda: click(qtbot, preview.confirm_button), timeout=15000)
    click(qtbot, preview.close_button)
    gaps = district.page.children_table.item(0, 5)
    assert gaps.text() == "缺第 1 号" and gaps.foreground().color() == QColor(theme.DANGER)
    assert district.page.children_table.item(0, 4).text() == "第 2 号"

    # The same bundle again: nothing to decide, nothing doubled; the receipt is written again.
    preview = preview_import(qtbot, district, second)
    assert preview.stage == "done" and "此前已导入" in preview.summary.text()
    assert not preview.confirm_button.isVisible() and preview.folder_button.isVisible()
    click(qtbot, preview.close_button)
    assert district.count(BundleIn) == 1 and district.count(MediationCase) == CASES
    assert not message_mock.of(messages.ERROR)


def test_cancelling_the_import_writes_nothing_and_returns_to_the_preview(qtbot, paired, message_mock, tmp_path) -> None:  # noqa: ANN001
    township, district = paired
    bundle = export_bundle(qtbot, township, tmp_path)
    preview = preview_import(qtbot, district, bundle)
    # Hold the DB thread so the import is still waiting when its progress dialog appears.
    release = threading.Event()
    district.runner.call(lambda _p: release.wait(10))
    with qtbot.waitSignal(district.runner.progress_shown, timeout=5000) as shown:
        click(qtbot, preview.confirm_button)
    assert preview.stage == "importing" and not preview.confirm_button.isEnabled()
    progress = district.runner.progress_dialog(shown.args[0])
    assert progress.labelText().startswith("正在导入数据包")
    click(qtbot, progress.findChild(QPushButton))  # 取消
    release.set()
    qtbot.waitUntil(lambda: not district.runner.busy(), timeout=10000)
    assert preview.stage == "preview" and preview.confirm_button.isEnabled() and "没有导入" in preview.note.text()
    assert message_mock.messages[-1].text == "已取消，没有做任何更改。"
    assert district.count(BundleIn) == 0 and district.count(MediationCase) == 0
    # Still open: the import can be confirmed after all.
    assert wait_op(qtbot, district.runner, lambda: click(qtbot, preview.confirm_button), timeout=15000)
    assert preview.stage == "done" and district.count(MediationCase) == CASES


def test_quarantined_record_is_listed_and_not_sent(qtbot, paired, message_mock, tmp_path) -> None:  # noqa: ANN001
    township, district = paired
    with township.ctx.db.write() as s:
        party = s.scalar(select(Party).where(Party.id_type == "resident", Party.id_number != "").limit(1))
        party.id_number = "330106199001011230"  # a wrong check digit
        case_no = s.get(MediationCase, party.case_uuid).case_no
    export_bundle(qtbot, township, tmp_path)
    warned = message_mock.single(messages.WARNING)
    assert warned.title == "数据包已生成" and "有 1 条记录自检未通过" in warned.text
    page = township.page
    assert "以下 1 条记录自检未通过" in page.up_result.text() and case_no in page.up_result.text()
    assert page.quarantine_table.rowCount() == 1 and not page.quarantine_table.isHidden()
    assert page.quarantine_table.item(0, 0).text() == "报送时自检"
    assert page.quarantine_table.item(0, 2).text() == case_no
    assert page.tabs.tabText(page.tabs.indexOf(page.quarantine_tab)) == "隔离清单（1）"
    assert not district.page.quarantine_empty.isHidden()


# -- 退回补正 going down -----------------------------------------------------------------------------


def role_page(qtbot, office: Office, name: str, role: Role) -> ExchangePage:  # noqa: ANN001
    """The same office's page as another signed-in role (the window's own user is the administrator)."""
    page = ExchangePage(office.ctx, Actor(name=name, role=role, display_name=name), files=office.files)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_district_returns_a_case_and_the_township_sees_and_resolves_it(qtbot, paired, message_mock, tmp_path) -> None:  # noqa: ANN001
    township, district = paired
    (tmp_path / "up").mkdir()
    (tmp_path / "down").mkdir()
    sent = exchange.export_bundle(township.ctx.data, township.ctx.db, cli_actor(), tmp_path / "up")
    exchange.import_bundle(district.ctx.data, district.ctx.db, cli_actor(), sent.file)
    with district.ctx.db.read() as s:
        case_no = s.scalar(select(MediationCase.case_no).order_by(MediationCase.case_no).limit(1))

    # The district's administrator may not see cases, so cannot pick one to return.
    corrections = district.page.corrections_tab
    assert not corrections.return_button.isHidden() and not corrections.return_button.isEnabled()
    assert corrections.resolve_button.isHidden()  # the district has no parent to answer to

    clerk = role_page(qtbot, district, "quyuan", Role.DISTRICT)
    tab = clerk.corrections_tab
    clerk.tabs.setCurrentWidget(tab)
    click(qtbot, tab.return_button)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible() and not dialog.save_button.isEnabled()
    type_text(qtbot, dialog.case_no, "（2026）不存在第9999号")
    type_text(qtbot, dialog.comment, "请补充当事人身份证明")
    assert not wait_op(qtbot, district.runner, lambda: click(qtbot, dialog.save_button))
    assert dialog.isVisible() and "找不到案号" in dialog.error_label.text()
    assert dialog.comment.toPlainText() == "请补充当事人身份证明"  # nothing typed is lost
    dialog.case_no.clear()
    type_text(qtbot, dialog.case_no, case_no)
    assert wait_op(qtbot, district.runner, lambda: click(qtbot, dialog.save_button))
    assert tab.dialog is None
    assert [tab.table.item(0, c).text() for c in (0, 1, 2, 5)] == ["发出", case_no, "请补充当事人身份证明", "待补正"]
    assert "已退回" in tab.note.text()

    # It goes down in a downward bundle for the selected child.
    clerk.tabs.setCurrentWidget(clerk.down_tab)
    assert not clerk.export_down_button.isEnabled()  # for which office? choose one first
    clerk.children_table.selectRow(0)
    district.files.answers["export_folder"] = tmp_path / "down"
    assert wait_op(qtbot, district.runner, lambda: click(qtbot, clerk.export_down_button))
    assert "已生成第 1 号下发数据包，发给 北山街道" in clerk.down_result.text() and "补正要求 1" in clerk.down_result.text()
    down = next((tmp_path / "down").glob("*.xdb"))

    # The township imports it from its parent, with the same preview.
    town = township.page
    assert town.import_down_button.isEnabled()
    township.files.answers["open_bundle"] = down
    assert wait_op(qtbot, township.runner, lambda: click(qtbot, town.import_down_button))
    preview = town.import_dialog
    assert "注意：该数据包来自上级单位。" in preview.summary.text()
    assert wait_op(qtbot, township.runner, lambda: click(qtbot, preview.confirm_button))
    click(qtbot, preview.close_button)
    assert town.tabs.currentWidget() is town.up_tab and "回执已写入" in town.up_result.text()
    received = town.corrections_tab
    assert [received.table.item(0, c).text() for c in (0, 1, 2, 3, 5)] == \
        ["收到", case_no, "请补充当事人身份证明", "西湖区", "待补正"]
    assert town.tabs.tabText(town.tabs.indexOf(received)) == "退回补正（1）"
    town.tabs.setCurrentWidget(received)
    received.table.selectRow(0)
    assert not received.resolve_button.isEnabled()  # the administrator does not edit cases

    # The office head marks it done after correcting the case.
    head = role_page(qtbot, township, "suozhang", Role.HEAD)
    head.tabs.setCurrentWidget(head.corrections_tab)
    head.corrections_tab.table.selectRow(0)
    assert wait_op(qtbot, township.runner, lambda: click(qtbot, head.corrections_tab.resolve_button))
    assert head.corrections_tab.table.item(0, 5).text().startswith("已补正")
    assert head.tabs.tabText(head.tabs.indexOf(head.corrections_tab)) == "退回补正"
    with township.ctx.db.read() as s:
        assert exchange.corrections(s, cli_actor()) == []  # none open

    # The district takes the township's receipt for the downward bundle.
    clerk.tabs.setCurrentWidget(clerk.down_tab)
    district.files.answers["open_receipt"] = (tmp_path / "down") / f"{down.stem}_receipt.json"
    assert wait_op(qtbot, district.runner, lambda: click(qtbot, clerk.down_receipt_button))
    assert "已登记 北山街道 对第 1 号数据包的回执" in clerk.down_result.text()
    assert not message_mock.of(messages.ERROR)


# -- who sees what, and the text size ---------------------------------------------------------------


def test_a_role_without_the_exchange_right_sees_a_note(qtbot, ctx) -> None:  # noqa: ANN001
    page = ExchangePage(ctx, Actor(name="lihua", role=Role.MEDIATOR))
    qtbot.addWidget(page)
    page.show()
    note = page.findChild(QLabel, "noPermission")
    assert note is not None and note.isVisible() and "没有这项权限" in note.text()
    assert page.findChild(QPushButton, "exportBundleButton") is None


def test_fingerprint_follows_the_text_size(qtbot, township, styled_app) -> None:  # noqa: ANN001
    label = township.page.node_fingerprint
    before = label.font().pointSizeF()
    prefs.set_text_scale(150)  # as the 显示 tab does; the gui_env fixture puts 100 % back afterwards
    theme.apply_text_scale(styled_app, 150)
    qtbot.waitUntil(lambda: label.font().pointSizeF() > before * 1.4)
    assert label.font().pointSizeF() == pytest.approx(before * 1.5, rel=0.05)
    assert label.fontInfo().fixedPitch()
    # At 150 % the page still fits a 1366×768 screen: what does not fit scrolls.
    assert township.window.minimumSizeHint().height() <= 768
    assert township.window.minimumSizeHint().width() <= 1366
