"""Files the command line writes (-o): never over the node's own database or backups, and never half
written: the bytes go to a temporary name beside the target and replace it in one step."""

from __future__ import annotations

import argparse
import errno
from pathlib import Path

from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def check_target(args: argparse.Namespace, path: str | Path) -> Path:
    """The output path, refused when it would overwrite the database (with its -wal/-shm/-journal
    companions) or anything in the backups folder."""
    target = Path(path).expanduser()
    data = DataDir(getattr(args, "data_dir", None))
    where = target.resolve()
    database = data.database.resolve()
    protected = {database} | {database.with_name(database.name + s) for s in ("-wal", "-shm", "-journal")}
    if where in protected or _inside(where, data.backups.resolve()):
        raise UserError(f"不能写到 {target}：这是本节点的数据库或备份文件夹，请另选一个文件名。")
    return target


def write_error(target: Path, exc: OSError) -> UserError:
    """One Chinese line for a file that could not be written (the system's own text is English
    on Linux and says nothing of what to do)."""
    from xihu_desk.store import dbfile

    full = dbfile.disk_full_error(exc, target.parent)
    if full is not None:
        return full
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "没有写入该文件夹的权限（或文件正被其他程序打开、为只读）。请另选一个文件夹，或关闭打开它的程序后重试"
    elif isinstance(exc, (NotADirectoryError, FileExistsError)) or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        why = "路径中有一段是文件而不是文件夹。请另选一个文件夹"
    elif exc.errno in (errno.EINVAL, errno.ENAMETOOLONG) or getattr(exc, "winerror", None) in (123, 206):
        why = "文件名过长或含有不允许的字符（\\ / : * ? \" < > |）。请换一个文件名"
    else:
        why = f"磁盘或文件夹出错（{exc.strerror or exc}）。请检查后重试"
    return UserError(f"无法写入 {target}，没有写出任何文件：{why}。")


def write_output(args: argparse.Namespace, path: str | Path, data: bytes) -> Path:
    target = check_target(args, path)
    partial = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        raise write_error(target, exc) from None
    finally:  # after a failure or Ctrl-C, no half-written file is left behind
        try:
            partial.unlink(missing_ok=True)
        except OSError:  # there was nowhere to write it (a read-only disk, a file for a folder)
            pass
    return target
