"""A file the user names for the program to read (a bundle, a backup, a ledger): what it really is
when it cannot be one, said in Chinese before anything is read or changed.

"找不到" only for a path that is not there: a folder, a device (/dev/null, NUL), a pipe or an empty
file each get their own line, since the clerk's next step differs (open the folder, copy again)."""

from __future__ import annotations

import stat
from pathlib import Path

from xihu_desk.domain.errors import UserError


def require_file(path: Path | str, what: str) -> Path:
    """``path`` as a non-empty regular file, else a UserError naming what it is. ``what`` names the
    file the command wanted (数据包文件, 备份文件 …)."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UserError(f"找不到{what}：{path}") from None
    except OSError:  # no permission to look, a broken network path: it is there, unread
        raise UserError(f"无法读取{what}：{path}。请检查文件的位置和权限。") from None
    if stat.S_ISDIR(info.st_mode):
        raise UserError(f"{path} 是文件夹，不是文件：请选择文件夹中的{what}。")
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"{path} 不是文件（是设备或管道）：请选择{what}。")
    if info.st_size == 0:
        raise UserError(f"{what} {path} 是空文件（0 字节），可能没有拷贝完整：请重新拷贝后再试。")
    return path


_SQLITE_HEADER = b"SQLite format 3\x00"
_SMALLEST_PAGE = 512


def require_database(path: Path, what: str = "备份文件") -> Path:
    """``path`` (already a non-empty file) as something that can be a database, plain or
    encrypted: a plain one starts with SQLite's header, an encrypted one with a random salt --
    never 16 zero bytes -- and either is at least one page. A file of zeros or a scrap is refused
    here, rather than asking for a recovery key that could not open it."""
    try:
        with path.open("rb") as f:
            head = f.read(_SMALLEST_PAGE)
    except OSError:
        raise UserError(f"无法读取{what}：{path}。请检查文件的位置和权限。") from None
    if head.startswith(_SQLITE_HEADER):
        return path
    if len(head) < _SMALLEST_PAGE or not any(head[:16]):
        raise UserError(f"{path} 不是本程序的{what}（不是数据库文件），请选择数据目录 backups 文件夹中的备份。")
    return path
