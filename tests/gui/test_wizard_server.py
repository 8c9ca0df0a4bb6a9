"""首次设置 on an office's PostgreSQL database (issue 17): 本机数据库 or 单位服务器, 测试连接 off the
GUI thread with the reason in Chinese, then either a node made in an empty database or an office's
database joined. The server parts run on the PostgreSQL test server (bootstrap.py test --db postgresql)."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
from PySide6.QtWidgets import QWizard

from tests import pg_server
from tests.conftest import PG
from xihu_desk import dbserver
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import Runner
from xihu_desk.gui.wizard import PAGE_DONE, PAGE_INTRO, PAGE_UNIT, SetupWizard
from xihu_desk.paths import DataDir
from xihu_desk.services import node_glance
from xihu_desk.store import migrate, pg_secret

from .helpers import click, type_text, wait_op

needs_pg = pytest.mark.skipif(not PG, reason="needs the PostgreSQL test server (bootstrap.py test --db postgresql)")


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """A new desk on this PC's own file, as the program starts before 首次设置; no keyring here."""
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    monkeypatch.setattr(pg_secret, "_keyring_usable", lambda: False)
    data = DataDir(tmp_path / "desk")
    opened = migrate.open_database(data)
    runner = Runner(opened.db, show_after_ms=50)
    yield AppContext(data, runner)
    runner.shutdown()
    runner.db.dispose()


def _wizard(qtbot, ctx: AppContext) -> SetupWizard:
    wizard = SetupWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def _type_server(qtbot, wizard: SetupWizard, url: str, password: str = "Office-db-2026") -> None:
    where = wizard.intro_page.where
    click(qtbot, where.server)
    parts = urlsplit(url)
    for edit, text in ((where.host, parts.hostname), (where.port, str(parts.port)),
                       (where.database, parts.path.strip("/")), (where.user, parts.username),
                       (where.password, password)):
        edit.clear()
        type_text(qtbot, edit, text)


def _next(wizard: SetupWizard):
    return wizard.button(QWizard.WizardButton.NextButton)


def test_local_is_the_default_and_a_failed_test_says_why(qtbot, desk, message_mock) -> None:
    wizard = _wizard(qtbot, desk)
    where = wizard.intro_page.where
    assert where.local.isChecked() and not where.fields.isVisible() and _next(wizard).isEnabled()
    with socket.socket() as s:  # nobody listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _type_server(qtbot, wizard, f"postgresql://xihu@127.0.0.1:{port}/xihu")
    assert where.fields.isVisible() and not _next(wizard).isEnabled()  # not tested yet
    assert not wait_op(qtbot, desk.runner, lambda: click(qtbot, where.test_button), timeout=15000)
    assert where.status.text().startswith("连不上服务器 postgresql://xihu@127.0.0.1:")
    assert not _next(wizard).isEnabled() and wizard.currentId() == PAGE_INTRO
    assert not (desk.data.root / dbserver.SETTINGS_FILE).exists()  # nothing saved


@needs_pg
def test_an_empty_server_database_becomes_the_offices(qtbot, desk, message_mock) -> None:
    url = pg_server.create_database(PG)
    try:
        wizard = _wizard(qtbot, desk)
        _type_server(qtbot, wizard, url)
        where = wizard.intro_page.where
        assert wait_op(qtbot, desk.runner, lambda: click(qtbot, where.test_button), timeout=15000)
        assert "数据库是空的" in where.status.text()
        assert wait_op(qtbot, desk.runner, lambda: click(qtbot, _next(wizard)), timeout=30000)
        assert wizard.currentId() == PAGE_UNIT and desk.db.engine.dialect.name == "postgresql"
        settings = (desk.data.root / dbserver.SETTINGS_FILE).read_text(encoding="utf-8")
        assert json.loads(settings)["url"] == dbserver.display(dbserver.normalize(url))
        assert "Office-db-2026" not in settings  # the password is kept elsewhere
        assert "单位服务器 127.0.0.1/" in wizard.database_text()

        click(qtbot, _next(wizard))
        admin = wizard.admin_page
        qtbot.keyClicks(admin.username, "wangli")
        type_text(qtbot, admin.display_name, "王丽")
        qtbot.keyClicks(admin.password, "Beishan-2026")
        qtbot.keyClicks(admin.confirm, "Beishan-2026")
        click(qtbot, _next(wizard))
        assert wait_op(qtbot, desk.runner, wizard.button(QWizard.WizardButton.CommitButton).click, timeout=15000)
        assert wizard.currentId() == PAGE_DONE
        with desk.db.read() as s:
            assert node_glance.glance(s).org_code == "330106002"  # the node is in the server database
    finally:
        desk.runner.db.dispose()
        pg_server.drop_database(PG, url)


@needs_pg
def test_an_office_database_is_joined(qtbot, desk, data_dir, message_mock) -> None:
    office = pg_server.url_in(data_dir.root)  # 北山街道's node, made by init
    wizard = _wizard(qtbot, desk)
    _type_server(qtbot, wizard, office)
    where = wizard.intro_page.where
    assert wait_op(qtbot, desk.runner, lambda: click(qtbot, where.test_button), timeout=15000)
    assert "这是 北山街道 的单位数据库" in where.status.text()
    with qtbot.waitSignal(wizard.finished, timeout=30000):
        click(qtbot, _next(wizard))
    assert wizard.result() == QWizard.DialogCode.Accepted and wizard.joined is not None and wizard.info is None
    assert "已连接 北山街道 的单位数据库" in message_mock.of("info")[-1].text
    assert desk.data.server and desk.db.engine.dialect.name == "postgresql"


def test_the_server_fields_fit_a_small_screen(qtbot, desk, monkeypatch) -> None:
    """1366×768 at 150 % leaves about 880×470 for a window: the wizard stays within it, the page scrolls."""
    from xihu_desk.gui import screenfit

    monkeypatch.setattr(screenfit, "room", lambda widget=None: (880, 470))
    wizard = _wizard(qtbot, desk)
    click(qtbot, wizard.intro_page.where.server)
    qtbot.wait(50)
    assert wizard.width() <= 880 and wizard.height() <= 470, wizard.size()
    assert wizard.intro_page.scroller.verticalScrollBar().maximum() > 0  # the fields are reached by scrolling


@needs_pg
def test_after_joining_the_login_window_signs_in_on_the_server(qtbot, data_dir, tmp_path, monkeypatch, message_mock) -> None:
    """The program's own order of screens: 首次设置 joins the office's database, then 登录 with its accounts."""
    from tests.conftest import ADMIN_PASSWORD
    from xihu_desk.gui.controller import AppController

    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    monkeypatch.setattr(pg_secret, "_keyring_usable", lambda: False)
    local = DataDir(tmp_path / "new-desk")
    opened = migrate.open_database(local)
    c = AppController(local, opened, runner=Runner(opened.db, show_after_ms=50), quit_app=lambda: None)
    try:
        c.start()
        assert c.wizard is not None
        _type_server(qtbot, c.wizard, pg_server.url_in(data_dir.root))
        assert wait_op(qtbot, c.ctx.runner, lambda: click(qtbot, c.wizard.intro_page.where.test_button), timeout=15000)
        with qtbot.waitSignal(c.wizard.finished, timeout=30000):
            click(qtbot, _next(c.wizard))
        assert c.wizard is None and c.login is not None and c.opened.db is c.ctx.db
        qtbot.keyClicks(c.login.username, "admin")
        qtbot.keyClicks(c.login.password, ADMIN_PASSWORD)
        assert wait_op(qtbot, c.ctx.runner, lambda: click(qtbot, c.login.login_button), timeout=15000)
        assert c.window is not None and c.window.db_status.text().startswith("单位服务器 127.0.0.1/")
    finally:
        for widget in (c.window, c.login):
            if widget is not None:
                widget.hide()
        c.shutdown()
