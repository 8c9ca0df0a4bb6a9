"""加密数据库 and 更换恢复密钥 say how long they take before asking: a backup of the database file
(theirs carry no attachments) and the rewrite of every page. The estimate is the file's size, as
before backups carried attachments: it does not open the database on the GUI thread to count the
attachment files a backup would copy (nor add their time, which these two never spend)."""

from __future__ import annotations

import pytest

from tests.gui.test_encrypt_offer import plain_ctx  # noqa: F401 (fixture)
from xihu_desk.gui import encrypt_offer
from xihu_desk.gui.pages.datasafety_keys import EncryptionGroup
from xihu_desk.services import at_rest, attachment_backup
from xihu_desk.store import progress

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def no_attachment_count(monkeypatch):
    def counted(*_args):
        raise AssertionError("the attachments were counted on the GUI thread")

    monkeypatch.setattr(attachment_backup, "pending_bytes", counted)


def test_the_encrypt_offer_estimates_from_the_file_size(plain_ctx, message_mock, no_attachment_count):  # noqa: F811
    ctx, admin = plain_ctx
    message_mock.answer = False
    assert not encrypt_offer.offer(None, ctx, admin, lambda opened: None)
    seconds = at_rest.conversion_seconds(ctx.data)
    assert seconds == 2 * progress.backup_seconds(ctx.data.database.stat().st_size)
    assert progress.duration_text(seconds) in message_mock.questions[0]


def test_the_rekey_question_estimates_from_the_file_size(qtbot, ctx, admin, message_mock, no_attachment_count):
    group = EncryptionGroup(ctx, admin)
    qtbot.addWidget(group)
    message_mock.answer = False
    group.rekey()
    assert progress.duration_text(at_rest.conversion_seconds(ctx.data)) in message_mock.questions[0]
