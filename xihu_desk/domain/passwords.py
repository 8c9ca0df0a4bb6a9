"""The password rule. Hashing lives in services/auth.py (argon2)."""

from __future__ import annotations

import string

from xihu_desk.domain.errors import UserError

MIN_LENGTH = 8


def check_strength(password: str, username: str = "", min_length: int = MIN_LENGTH) -> None:
    """Raise UserError naming what is wrong with a new password."""
    if len(password) < min_length:
        raise UserError(f"密码至少需要 {min_length} 位。")
    if len(password) > 128:
        raise UserError("密码不能超过 128 位。")
    classes = sum(
        (
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        raise UserError("密码须同时包含字母和数字。")
    if classes < 3:
        raise UserError("密码须包含大写字母、小写字母、数字、符号中的至少三种。")
    if len(set(password)) < 4:
        raise UserError("密码过于简单（重复字符太多）。")
    if username and username.lower() in password.lower():
        raise UserError("密码不能包含用户名。")
