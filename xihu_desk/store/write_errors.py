"""One Chinese line for a file the program could not write outside its database (an -o file, a
recovery key file, a recovery sheet): the system's own text is English on Linux and says nothing
of what to do."""

from __future__ import annotations

import errno
from pathlib import Path

from xihu_desk.domain.errors import UserError
from xihu_desk.store import dbfile
from xihu_desk.store.sqlite_words import words

_WINDOWS_BAD_NAME = (123, 206)  # ERROR_INVALID_NAME, ERROR_FILENAME_EXCED_RANGE


def describe(target: Path, exc: OSError, what: str = "") -> UserError:
    """The message for ``exc`` raised while writing ``target`` (``what``: 恢复密钥文件 …)."""
    full = dbfile.disk_full_error(exc, target.parent)
    if full is not None:
        return full
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "没有写入该文件夹的权限（或文件正被其他程序打开、为只读）。请另选一个文件夹，或关闭打开它的程序后重试"
    elif isinstance(exc, IsADirectoryError) or exc.errno == errno.EISDIR:
        why = "这是一个文件夹。请在文件夹后面写上文件名"
    elif isinstance(exc, (NotADirectoryError, FileExistsError)) or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        why = "路径中有一段是文件而不是文件夹。请另选一个文件夹"
    elif exc.errno in (errno.EINVAL, errno.ENAMETOOLONG) or getattr(exc, "winerror", None) in _WINDOWS_BAD_NAME:
        why = '文件名过长或含有不允许的字符（\\ / : * ? " < > |）。请换一个文件名'
    else:
        why = f"磁盘或文件夹出错（{words(exc)}）。请检查后重试"  # the system's text is English
    return UserError(f"无法写入{what} {target}，没有写出任何文件：{why}。")


def remove_partial(partial: Path) -> None:
    """A partial file removed after a failure; where nothing could be written, nothing is there."""
    try:
        partial.unlink(missing_ok=True)
    except OSError:
        pass
