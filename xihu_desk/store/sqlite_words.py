"""SQLite's own English texts ("file is not a database", "database disk image is malformed",
"disk I/O error", an integrity_check row) in Chinese, for every message and report a user sees
about a database file: backup, restore, check and the verification of a backup.

Used by store/dbfile.py (the problems of a damaged file), store/backup.py and the restore and
rekey steps; store/uow.py words the errors of a unit of work the same way for its own messages.
The English never reaches the clerk: what is not known is said as the error's code."""

from __future__ import annotations

import re
from collections.abc import Iterator

# (what SQLite says, lower case) -> what it means for the clerk. First match wins.
_PHRASES = (
    ("database disk image is malformed", "数据库文件已损坏（数据页损坏）"),
    ("file is not a database", "文件已损坏，或不是本程序的数据库（也可能是密钥不对）"),
    ("file is encrypted or is not a database", "文件已损坏，或不是本程序的数据库（也可能是密钥不对）"),
    ("database or disk is full", "磁盘已满"),
    ("disk i/o error", "读写磁盘出错（磁盘或 U 盘可能有问题）"),
    ("unable to open database", "无法打开数据库文件（文件夹不存在或没有权限）"),
    ("database is locked", "数据库正被另一个程序使用"),
    ("database table is locked", "数据库正被另一个程序使用"),
    ("readonly database", "数据库文件只读"),
    ("attempt to write a readonly", "数据库文件只读"),
    ("no such table", "文件中缺少本程序的数据表（不是本程序的数据库，或已损坏）"),
    ("interrupted", "操作被中断"),
    ("out of memory", "内存不足"),
    ("not authorized", "没有权限"),
    ("could not decode to utf-8", "有记录已损坏（文字无法解码）"),
    ("not utf-8", "有记录已损坏（文字无法解码）"),
)
# SQLite's primary result codes (https://www.sqlite.org/rescode.html) for what no phrase caught.
_CODES = {
    3: "没有权限",
    5: "数据库正被另一个程序使用",
    6: "数据库正被另一个程序使用",
    7: "内存不足",
    8: "数据库文件只读",
    10: "读写磁盘出错（磁盘或 U 盘可能有问题）",
    11: "数据库文件已损坏（数据页损坏）",
    13: "磁盘已满",
    14: "无法打开数据库文件（文件夹不存在或没有权限）",
    26: "文件已损坏，或不是本程序的数据库（也可能是密钥不对）",
}
_OS_ERRNO = {
    2: "找不到文件或文件夹",
    5: "读写磁盘出错（磁盘或 U 盘可能有问题）",
    13: "没有权限",
    20: "路径中有一段是文件而不是文件夹",
    21: "这是一个文件夹",
    28: "磁盘已满",
    30: "磁盘为只读",
}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def words(exc: BaseException) -> str:
    """What ``exc`` (SQLite's, SQLCipher's, the OS's, or one wrapping them) means, in Chinese."""
    from xihu_desk.domain.errors import UserError

    for e in _chain(exc):
        if isinstance(e, UserError):  # ours: already Chinese
            return e.message
        text = str(e).lower()
        for needle, meaning in _PHRASES:
            if needle in text:
                return meaning
    for e in _chain(exc):
        code = getattr(e, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in _CODES:
            return _CODES[code & 0xFF]
        if isinstance(e, OSError) and e.errno in _OS_ERRNO:
            return _OS_ERRNO[e.errno]
    for e in _chain(exc):
        code = getattr(e, "sqlite_errorcode", None)
        if isinstance(code, int):
            return f"数据库出错（SQLite 错误码 {code}）"
        if isinstance(e, OSError) and e.errno:
            return f"读写文件出错（系统错误码 {e.errno}）"
    return "数据库出错"


_ROWS = (
    (re.compile(r"row (\d+) missing from index (\S+)"), "索引 {1} 缺少第 {0} 行"),
    (re.compile(r"wrong # of entries in index (\S+)"), "索引 {0} 的条目数与表不符"),
    (re.compile(r"non-unique entry in index (\S+)"), "唯一索引 {0} 中有重复的条目"),
    (re.compile(r"null value in (\S+)", re.I), "{0} 中有不允许的空值"),
    (re.compile(r"(?:on tree page|tree \d+ page|page) (\d+)", re.I), "第 {0} 页已损坏"),
    (re.compile(r"freelist", re.I), "空闲页列表已损坏"),
)


def check_row(row: str) -> str:
    """One row of ``PRAGMA integrity_check`` / ``quick_check`` in Chinese, keeping the page or
    index it names (what an expert asked to look at the file needs)."""
    text = row.replace("*** in database main ***", "").strip()
    for pattern, meaning in _ROWS:
        found = pattern.search(text)
        if found:
            return meaning.format(*found.groups())
    lowered = text.lower()
    for needle, meaning in _PHRASES:
        if needle in lowered:
            return meaning
    return "数据库结构损坏（完整性检查未通过）"
