from __future__ import annotations

from datetime import date

import pytest

from xihu_desk.domain import idnumber, passwords
from xihu_desk.domain.errors import PermissionDenied, UserError
from xihu_desk.domain.roles import Perm, Role, require


@pytest.mark.parametrize("number", ["11010519491231002X", "513101198201130014", "11010519491231002x "])
def test_valid_id_numbers(number):
    assert idnumber.validate(number, today=date(2026, 11, 27)) == number.strip().upper()


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18 位"),
        ("1101051949123100AX", "前 17 位"),
        ("110105194913310020", "出生日期"),
        ("110105203012310028", "出生日期"),
    ],
)
def test_invalid_id_numbers_say_why(number, fragment):
    with pytest.raises(UserError, match=fragment):
        idnumber.validate(number, today=date(2026, 11, 27))


def test_mask_keeps_first_four_and_last_four():
    assert idnumber.mask("11010519491231002X") == "1101**********002X"
    assert idnumber.mask("E1234567") == "********"
    assert idnumber.gender("11010519491231002X") == "女"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("Ab1!", "至少"), ("abcdefgh", "字母和数字"), ("abcdefg1", "三种"), ("Aa1Aa1Aa1", "重复"),
     ("wang-Admin-2026", "用户名")],
)
def test_weak_passwords_refused(password, fragment):
    with pytest.raises(UserError, match=fragment):
        passwords.check_strength(password, username="admin")


def test_good_password_accepted():
    passwords.check_strength("Xihu-2026-ok", username="wang")


def test_roles_separate_duties():
    require(Role.ADMIN, Perm.MANAGE_USERS)
    with pytest.raises(PermissionDenied, match="管理员"):
        require(Role.ADMIN, Perm.EDIT_CASES)
    with pytest.raises(PermissionDenied, match="调解员"):
        require(Role.MEDIATOR, Perm.VIEW_AUDIT)
