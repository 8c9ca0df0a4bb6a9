"""The password rule. Hashing lives in services/auth.py (argon2).

A new password must be long enough, mix character kinds, and not be a common password. "Common"
means: in zxcvbn's list of the 30,000 most used passwords (shipped in the package, works offline)
or in a short list of passwords common in China kept here, compared after folding case, full-width
letters, leetspeak (``P@ssw0rd`` → ``password``), shifted digits (``1qaz@WSX`` → ``1qaz2wsx``), and
after cutting the digits and symbols people tack on at either end (``Password2026!`` → ``password``).
"""

from __future__ import annotations

import string
import unicodedata
from functools import lru_cache

from xihu_desk.domain.errors import UserError

MIN_LENGTH = 8
MAX_LENGTH = 128

COMMON_MESSAGE = (
    "这是常见密码（忽略大小写、字母换成形近的数字或符号、前后加数字后仍在常见密码表中），很容易被猜中，请换一个。"
)

# Written for this program: patterns common among Chinese users and words of this office that the
# English-centred list lacks. Compared the same way as the main list.
_LOCAL_COMMON = (
    "woaini",
    "woaini1314",
    "woaini520",
    "aini1314",
    "5201314",
    "1314520",
    "520520",
    "woaiwojia",
    "aa123456",
    "a123456",
    "a1234567",
    "a12345678",
    "qq123456",
    "abc123456",
    "abcd1234",
    "abc12345",
    "qwer1234",
    "asdf1234",
    "zxcv1234",
    "1qaz2wsx",
    "1qaz2wsx3edc",
    "qazwsx123",
    "zaq12wsx",
    "admin123",
    "admin888",
    "root1234",
    "test1234",
    "huawei",
    "xiaomi",
    "taobao",
    "baidu",
    "tencent",
    "zhongguo",
    "china",
    "beijing",
    "shanghai",
    "hangzhou",
    "zhejiang",
    "xihu",
    "xihuqu",
    "sifa",
    "sifasuo",
    "sifaju",
    "tiaojie",
    "tiaojieyuan",
    "fazhi",
    "fayuan",
    "zhengfu",
    "mima",
    "mima123",
    "wodemima",
    "nihao",
    "zhangsan",
    "lisi",
    "wangwu",
)

# Look-alikes folded to one letter, on both sides of the comparison, so that an ambiguous
# digit such as 1 (i or l) matches whichever the list has.
_LEET = str.maketrans(
    {
        "4": "a",
        "@": "a",
        "8": "b",
        "(": "c",
        "3": "e",
        "6": "g",
        "9": "g",
        "1": "i",
        "!": "i",
        "|": "i",
        "l": "i",
        "0": "o",
        "$": "s",
        "5": "s",
        "7": "t",
        "+": "t",
        "2": "z",
        "%": "x",
    }
)
# The symbol typed with Shift on the same key as a digit (US and Chinese keyboards).
_UNSHIFT = str.maketrans("!@#$%^&*()", "1234567890")
_AFFIX = string.digits + string.punctuation + " "
_MIN_BASE = 4  # a stem shorter than this after cutting is not compared


def _fold(text: str) -> str:
    return text.translate(_LEET)


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """The folded common passwords (loaded on first use: about 30,000 strings)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    words = list(FREQUENCY_LISTS["passwords"]) + list(_LOCAL_COMMON)
    return frozenset(_fold(w.lower()) for w in words if len(w) >= _MIN_BASE)


def _candidates(password: str) -> set[str]:
    text = unicodedata.normalize("NFKC", password).lower()
    found = set()
    for variant in (text, text.translate(_UNSHIFT)):
        for cut in (variant, variant.strip(string.punctuation + " "), variant.strip(_AFFIX)):
            if len(cut) >= _MIN_BASE:
                found.add(_fold(cut))
    return found


def is_common(password: str) -> bool:
    """True when the password, or its stem, is a well-known password in disguise."""
    return not _candidates(password).isdisjoint(_common())


def check_strength(password: str, username: str = "", min_length: int = MIN_LENGTH) -> None:
    """Raise UserError naming what is wrong with a new password."""
    if len(password) < min_length:
        raise UserError(f"密码至少需要 {min_length} 位。")
    if len(password) > MAX_LENGTH:
        raise UserError(f"密码不能超过 {MAX_LENGTH} 位。")
    if password != password.strip():
        raise UserError("密码不能以空格开头或结尾。")
    if any(unicodedata.category(c).startswith("C") for c in password):
        raise UserError("密码中有看不见的控制字符（可能来自复制或带 BOM 的文件），请重新输入。")
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
    if is_common(password):
        raise UserError(COMMON_MESSAGE)


def from_file_text(text: str) -> str:
    """The password in a password file: the first non-empty line, without a byte-order mark
    (Windows Notepad writes one) or the spaces and line break around it."""
    for line in text.splitlines():
        trimmed = _trim(line)
        if trimmed:
            return trimmed
    return ""


_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"  # byte-order mark, zero-width spaces and joiners


def _trim(line: str) -> str:
    while True:
        trimmed = line.strip().strip(_INVISIBLE)
        if trimmed == line:
            return trimmed
        line = trimmed
