"""At start, the administrator of a plain node is offered the conversion to an encrypted file
once (issue 21): asked first, converted with progress, the recovery key shown, the program goes
on with the encrypted file; an encrypted node and a user without backup rights are not asked."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN_PASSWORD
from xihu_desk.gui import encrypt_offer
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import Runner
from xihu_desk.paths import DataDir
from xihu_desk.services import auth, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import db_key, migrate, recovery_code, sqlfile

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def plain_ctx(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "plain-office")
    with monkeypatch.context() as m:
        m.setattr(db_key, "create", lambda root: None)  # a node made before issue 21
        opened = migrate.open_database(data)
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None,
            admin_username="admin", admin_password=ADMIN_PASSWORD, admin_display_name="王管理"))
    runner = Runner(opened.db, show_after_ms=50)
    yield AppContext(data, runner), auth.sign_in(opened.db, "admin", ADMIN_PASSWORD)
    runner.shutdown()


def test_a_plain_node_is_offered_encryption_and_goes_on_encrypted(qtbot, plain_ctx, message_mock, monkeypatch):
    ctx, admin = plain_ctx
    assert encrypt_offer.due(ctx, admin)
    shown, reopened = [], []
    monkeypatch.setattr(
        encrypt_offer, "show_code", lambda parent, result, ctx, then: (shown.append(result.recovery_code), then())
    )
    assert encrypt_offer.offer(None, ctx, admin, reopened.append)
    qtbot.waitUntil(lambda: bool(reopened), timeout=60_000)
    assert "尚未加密" in message_mock.questions[0]
    assert sqlfile.is_encrypted(ctx.data.database)
    assert recovery_code.derive_key(shown[0]) == db_key.current_key(ctx.data.root)
    with reopened[0].db.read() as session:
        assert node.is_initialised(session)
    reopened[0].db.dispose()
    assert not encrypt_offer.due(ctx, admin)  # asked once: now encrypted


def test_declined_changes_nothing(plain_ctx, message_mock):
    ctx, admin = plain_ctx
    message_mock.answer = False
    assert not encrypt_offer.offer(None, ctx, admin, lambda opened: None)
    assert not sqlfile.is_encrypted(ctx.data.database)


def test_an_encrypted_node_is_not_asked(ctx, admin, message_mock):
    assert not encrypt_offer.due(ctx, admin)
    assert not encrypt_offer.offer(None, ctx, admin, lambda opened: None)
    assert message_mock.questions == []
