"""Files the command line writes (-o): never over the node's own database or backups, and never half
written: the bytes go to a temporary name beside the target and replace it in one step."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
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


# What each fixed format is called in the refusal, so the clerk knows what the file will hold.
_FORMATS = {".xlsx": "Excel 工作簿", ".pdf": "PDF 文件", ".docx": "Word 文档"}


class FormatPath(str):
    """An output path whose format the command fixes (``-o FILE.xlsx``): the suffixes it may end in."""

    suffixes: tuple[str, ...] = ()


def output_file(*suffixes: str) -> Callable[[str], FormatPath]:
    """An argparse type for an output of one fixed format. The path is checked by ``check_formats``
    before the command runs (not here: a path over the database must still get that refusal, exit 1)."""

    def parse(text: str) -> FormatPath:
        path = FormatPath(text)
        path.suffixes = suffixes
        return path

    return parse


def check_formats(args: argparse.Namespace) -> None:
    """Every fixed-format output of the command, before any work: never over the database or the
    backups, and named with its format's suffix (xlsx bytes in a .csv name open as garbage). An
    existing folder is left to the command, which says what it does with one."""
    for value in vars(args).values():
        if not isinstance(value, FormatPath):
            continue
        target = check_target(args, value)
        if target.is_dir() or target.suffix.lower() in value.suffixes:
            continue
        wanted = "或".join(value.suffixes)
        what = "或".join(_FORMATS.get(s, s) for s in value.suffixes)
        raise UserError(f"不能写到 {target}：写出的是 {what}，文件名应以 {wanted} 结尾，请改名后重试。")


def named_folder(text: str | Path) -> Path | None:
    """The folder ``-o`` names, when it names one: an existing folder, or one not made yet written
    with its trailing slash (``-o 新文件夹/``, made here: Path drops the slash that says so).
    None: -o is a file."""
    path = Path(text).expanduser()
    if path.is_dir():
        return path
    if not str(text).endswith(("/", "\\", os.sep)):
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(path, exc) from None
    return path


def write_error(target: Path, exc: OSError) -> UserError:
    from xihu_desk.store import write_errors

    return write_errors.describe(target, exc)


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
        from xihu_desk.store import write_errors

        write_errors.remove_partial(partial)  # where nothing could be written, nothing is there
    return target
