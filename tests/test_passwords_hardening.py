"""Passwords and sign-in hardened (issue 12): common passwords refused whatever their disguise, a
password file from Windows Notepad (BOM) read as typed, sign-in that says nothing about whether a
user name exists (same messages, one Argon2 check each), lockout on a read-only database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain import passwords
from xihu_desk.domain.errors import UserError
from xihu_desk.services import auth, users
from xihu_desk.services.context import cli_actor, utcnow

WEAK = ["Password1", "P@ssw0rd", "p@SSW0RD", "Password2026!", "Welcome@2026", "Admin@123", "1qaz@WSX",
        "Aa123456!", "Qwer1234", "Woaini1314", "!Passw0rd!", "Iloveyou1", "Dragon2025",
        "Hangzhou@2026"]
STRONG = ["Xihu-2026-Beishan", "Mediate-2026", "tR7#kq-Lw2m", "Beishan-2026", "Office-chief-2026",
          "Qiantang-2026", "Legal-review-2026"]


@pytest.mark.parametrize("password", WEAK)
def test_common_passwords_and_their_disguises_are_refused(password):
    with pytest.raises(UserError) as refused:
        passwords.check_strength(password)
    assert refused.value.message == passwords.COMMON_MESSAGE
    assert "常见密码" in refused.value.message


def test_full_width_letters_are_folded():
    assert passwords.is_common("Ｐａｓｓｗｏｒｄ１")  # typed with a Chinese input method in full-width mode


@pytest.mark.parametrize("password", STRONG)
def test_uncommon_passwords_pass(password):
    passwords.check_strength(password)


def test_composition_rule_still_comes_first():
    with pytest.raises(UserError, match="至少三种"):
        passwords.check_strength("password1")  # common too, but the rule says what to add
    with pytest.raises(UserError, match="至少需要"):
        passwords.check_strength("Pa1!")


def test_an_administrator_cannot_give_a_common_password(db):
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s, pytest.raises(UserError, match="常见密码"):
        users.create_user(s, admin, users.UserCommand("li", "李调解", "mediator", "P@ssw0rd"))
    with db.write() as s, pytest.raises(UserError, match="常见密码"):
        users.set_password(s, admin, admin.user_uuid, "Password1", old_password=ADMIN_PASSWORD)


@pytest.mark.parametrize("text", [
    "\ufeffXihu-2026-Beishan\r\n",  # Notepad: BOM and CRLF
    "Xihu-2026-Beishan",
    "  Xihu-2026-Beishan  \n",
    "\n\ufeff Xihu-2026-Beishan\t\nsecond line\n",
])
def test_password_file_text_loses_bom_and_surrounding_space(text):
    assert passwords.from_file_text(text) == "Xihu-2026-Beishan"


def test_invisible_characters_are_refused_in_a_new_password():
    with pytest.raises(UserError, match="控制字符"):
        passwords.check_strength("\ufeffXihu-2026-Beishan")
    with pytest.raises(UserError, match="空格"):
        passwords.check_strength("Xihu-2026-Beishan ")


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.verified = 0

    def verify(self, hash, password):  # noqa: A002, ANN001, ANN201 - argon2's signature
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def counting():
    original = auth._hasher
    hasher = CountingHasher()
    auth.set_hasher(hasher)
    yield hasher
    auth.set_hasher(original)


def _messages(db, username: str, now, tries: int) -> list[str]:
    said = []
    for _ in range(tries):
        with pytest.raises(UserError) as refused:
            auth.sign_in(db, username, "Wrong-pass-1", now)
        said.append(refused.value.message)
    return said


def test_unknown_user_answers_exactly_like_a_real_one(db):
    now = utcnow()
    real = _messages(db, "admin", now, 6)
    unknown = _messages(db, "nobody", now, 6)
    assert real == unknown
    assert real[0] == "用户名或密码不正确。再错 4 次账户将被锁定。"
    assert real[4] == "密码连续错误 5 次，账户已锁定 15 分钟。"
    assert real[5].startswith("该账户因多次输入错误密码已锁定")


def test_disabled_user_answers_like_an_unknown_one(db):
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        row = users.create_user(s, admin, users.UserCommand("li", "李调解", "mediator", "Mediate-2026"))
        users.update_user(s, admin, row.uuid, users.UserCommand("li", "李调解", "mediator", active=False))
    now = utcnow()
    assert _messages(db, "li", now, 2) == _messages(db, "nobody2", now, 2)
    with pytest.raises(UserError, match="用户名或密码不正确"):
        auth.sign_in(db, "li", "Mediate-2026", now)  # even the right password


def test_unknown_user_costs_one_argon2_check_like_a_real_one(db, counting):
    now = utcnow()
    auth.sign_in(db, "admin", ADMIN_PASSWORD, now)  # makes the dummy hash
    counting.verified = 0
    _messages(db, "admin", now, 1)
    assert counting.verified == 1
    _messages(db, "nobody", now, 1)
    assert counting.verified == 2
    dummy = auth._dummy_hash()
    assert dummy.split("$")[3] == auth.hash_password("x").split("$")[3]  # same parameters


def test_lockout_holds_on_a_read_only_database(db):
    db.write_blocked = "数据库完整性检查未通过，已以只读方式打开。"
    now = utcnow()
    said = _messages(db, "admin", now, 5)
    assert said[0] == "用户名或密码不正确。再错 4 次账户将被锁定。"
    assert said[4] == "密码连续错误 5 次，账户已锁定 15 分钟。"
    with pytest.raises(UserError, match="已锁定"):  # the right password is refused while locked
        auth.sign_in(db, "admin", ADMIN_PASSWORD, now + timedelta(minutes=14))
    assert _messages(db, "nobody", now, 5) == said  # and unknown names answer the same way here
    actor = auth.sign_in(db, "admin", ADMIN_PASSWORD, now + timedelta(minutes=16))
    assert actor.name == "admin"


def test_an_administrator_reset_ends_a_lock_counted_in_memory(db):
    now = utcnow()
    db.write_blocked = "只读"
    _messages(db, "admin", now, 5)
    db.write_blocked = None
    with db.write() as s:
        users.set_password(s, cli_actor(), users.find_uuid(s, "admin"), "Reset-by-cli-2026")
    db.write_blocked = "只读"
    assert auth.sign_in(db, "admin", "Reset-by-cli-2026", now).name == "admin"
