"""What every command of the command line shares, defined once:

- ``open_data``: the data folder and its opened database (a missing database is one line asking
  for ``xihu-desk init``);
- ``unit`` / ``run``: a service run in the unit of work the service declares (services/units.py:
  @reads, @writes, @writes_if), never one the command picks; a read unit refuses every write;
- ``emit``: what a command prints on standard output. Every document and text passes through
  ``emit`` (or ``outgoing`` for a streamed one), which masks ID-shaped numbers and birth dates in it
  (domain/idnumber.scrub) unless the command was asked with ``--reveal`` -- and a command that
  takes ``--reveal`` gets the full numbers only from a service that checked the role and audited
  it. Text for the terminal also loses its control characters (``plain``);
- ``write_output`` / ``check_target`` (output.py): the files written with ``-o``; ``output_file``, the
  argparse type of an output of one fixed format, checked by ``check_formats`` before the command runs;
- progress on a terminal (``CountProgress``, ``PageProgress``);
- the argument types ``bounded_int`` and ``iso_date``; ``require_file``: a file to read, or what it is instead;
- ``read_password_file``: how ``init`` and ``user reset-password`` read a password: the first
  non-empty line, without the byte-order mark Windows Notepad writes or the spaces and line break
  around it.

Command modules import from here and never from each other or from the package.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from xihu_desk.cli.output import check_formats, check_target, named_folder, output_file, write_output
from xihu_desk.domain import idnumber, passwords
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir
from xihu_desk.store.source_files import require_file

__all__ = [
    "CountProgress",
    "DataDir",
    "PageProgress",
    "UserError",
    "bounded_int",
    "check_formats",
    "check_target",
    "choose_database",
    "emit",
    "iso_date",
    "named_folder",
    "open_data",
    "outgoing",
    "output_file",
    "plain",
    "read_password_file",
    "require_file",
    "revealed",
    "run",
    "unit",
    "write_output",
]


# ---------------------------------------------------------------- the data folder


def open_data(args: argparse.Namespace, *, must_exist: bool = True):
    """The data folder named by ``--data-dir`` and its database, opened (and migrated)."""
    from xihu_desk import startup_gc
    from xihu_desk.domain import clock
    from xihu_desk.services import integrity_watch
    from xihu_desk.store import dbfile, migrate

    data = DataDir(args.data_dir)
    if data.server:  # a PostgreSQL database: init makes the schema in an empty one (store/pg.py)
        opened = migrate.open_database(data)
        startup_gc.release()
        return data, opened
    # only a -wal left where the database was is damage (open_database says so), not "no database"
    if must_exist and not data.database.exists() and not dbfile.wal_left(data.database):
        raise UserError(f"数据目录 {data.root} 中没有数据库，请先运行 xihu-desk init。")
    opened = migrate.open_database(data)
    startup_gc.release()  # the command's modules are loaded and its database open (startup_gc.py)
    # today's integrity check, when it has not run, before this command's first write (reads never wait)
    integrity_watch.check_before_writes(data, opened.db, clock.local_today(), announce=_announce_check)
    _encrypt_old_attachments(data, opened.db)
    _sweep_scratch(data)
    return data, opened


def _sweep_scratch(data: DataDir) -> None:
    """A bundle's decrypted payload (names and ID numbers in the clear) left by a killed export or
    import is removed by the next command, not only by the next bundle (sync/scratch.py)."""
    from xihu_desk.sync import scratch

    scratch.sweep(data.root)


def _encrypt_old_attachments(data: DataDir, db) -> None:
    """Once after the upgrade to encrypted attachments: the plain files an older version left."""
    from xihu_desk.services import attachment_mark

    if not attachment_mark.may_hold_plain(data.root):  # the usual case: no crypto or attachment code loaded
        return
    from xihu_desk.services import attachments

    attachments.encrypt_on_open(data.root, db, lambda line: print(line, file=sys.stderr))


def _announce_check(size: int) -> None:
    """On a large database the day's check before the first write takes a while: say so on stderr."""
    from xihu_desk.cli.progress import StderrProgress
    from xihu_desk.store import progress

    StderrProgress(progress.check_seconds(size), "写入前先做今天的数据库完整性检查", size)


def choose_database(args: argparse.Namespace) -> None:
    """``--database`` and its password file for this command (none: XIHU_DESK_DATABASE or the
    data folder's setting decide, else the SQLite file)."""
    from xihu_desk import dbserver

    url = getattr(args, "database", None)
    secret_file = getattr(args, "database_password_file", None)
    dbserver.choose(url, read_password_file(secret_file) if secret_file else None)


# ---------------------------------------------------------------- units of work


@contextmanager
def unit(db: Any, *services: Callable[..., Any], **kwargs: Any) -> Iterator[Any]:
    """A session for calling ``services`` with ``kwargs``: a write unit when any of them declares
    it writes with these arguments (``--reveal``, ``-o`` …), else a read unit held to reading."""
    from xihu_desk.services import units

    if units.unit_of(services, kwargs) == units.WRITE:
        with db.write() as session:
            yield session
    else:
        with db.read() as session:
            units.hold_to_reading(session)
            yield session


def run(db: Any, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``service(session, actor, *args, **kwargs)`` as the command line's actor, in its unit."""
    from xihu_desk.services.context import cli_actor

    with unit(db, service, **kwargs) as session:
        return service(session, cli_actor(), *args, **kwargs)


# ---------------------------------------------------------------- standard output


def revealed(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "reveal", False))


def outgoing(args: argparse.Namespace, doc: Any) -> Any:
    """``doc`` as it may be printed for this command."""
    return idnumber.scrub(doc, reveal=revealed(args))


# Control characters other than newline and tab would reach the terminal raw (ESC sequences, a
# carriage return that overwrites the line); JSON escapes them itself. So would the bidirectional
# overrides and isolates (U+202A-E, U+2066-9) and marks, which reorder what a clerk reads on the line.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """Text for the terminal: control characters dropped."""
    return _CONTROL.sub("", text)


def emit(args: argparse.Namespace, doc: dict[str, Any], text: str) -> None:
    """One JSON document (``--json``) or the text, on standard output."""
    if getattr(args, "json", False):
        print(json.dumps(outgoing(args, doc), ensure_ascii=False, indent=2))
    else:
        print(plain(outgoing(args, text)))


# ---------------------------------------------------------------- progress on a terminal (stderr)


class CountProgress:
    """A one-line progress count on a terminal (stderr); silent when piped."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty()

    def step(self, done: int | None = None, stage: str | None = None, total: int | None = None) -> None:
        if self.on and total:
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.on:
            print("\r", end="", file=sys.stderr, flush=True)


class PageProgress:
    """Pages laid out so far, on a terminal only (a whole case file takes a moment)."""

    def __init__(self, show: bool):
        self.show = show
        self.shown = False

    def page(self, n: int) -> None:
        if self.show:
            print(f"\r正在排版：第 {n} 页", end="", file=sys.stderr, flush=True)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            print("\r" + " " * 24 + "\r", end="", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- argument types


def bounded_int(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: an integer within [low, high], else a usage error naming the range."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}应为整数：{text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what}应在 {low} 到 {high} 之间：{value}")
        return value

    return parse


def iso_date(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应写成 YYYY-MM-DD：{text}") from None


# ---------------------------------------------------------------- password files


MAX_PASSWORD_FILE = 64 * 1024


def read_password_file(path: str | Path) -> str:
    """The password in ``path`` (UTF-8 with or without BOM, or Notepad's UTF-16 "Unicode")."""
    try:
        with Path(path).open("rb") as f:
            raw = f.read(MAX_PASSWORD_FILE + 1)
    except OSError:
        raise UserError(f"无法读取密码文件：{path}") from None
    if len(raw) > MAX_PASSWORD_FILE:
        raise UserError(f"密码文件过大：{path}。文件的第一行应只写密码。")
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise UserError(f"密码文件不是 UTF-8 编码：{path}。请用记事本“另存为”，编码选 UTF-8 后再试。") from None
    password = passwords.from_file_text(text)
    if not password:
        raise UserError(f"密码文件中没有密码：{path}。请把密码写在文件的第一行。")
    return password
