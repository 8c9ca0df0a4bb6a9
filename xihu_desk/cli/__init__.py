"""The command line (design.md §10): a public contract, so commands and --json fields are only
ever added. Exit 0 on success, 1 with a one-line message on failure, 2 on wrong usage.

The package holds one module per command group (maintenance: gui, demo, check, backup, restore;
node: init and node; case; bundle; review; ledger: ledger and report; printout: print; mediator;
committee; user), each with its parsers and its ``COMMANDS``; common.py (with output.py) holds
what they share; parser.py assembles the parser and holds argparse's Chinese catalogue. This
module dispatches and turns every failure into one line and an exit code."""

from __future__ import annotations

import argparse
import logging
import io
import sys
from pathlib import Path
from typing import Any

from xihu_desk import logsafe, startup_gc
from xihu_desk.cli import common
from xihu_desk.cli.parser import MODULES
from xihu_desk.cli.parser import build as _parser
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir

__all__ = ["COMMANDS", "DataDir", "main"]

# (command, subcommand) or command -> function; the union of the command modules' tables.
COMMANDS: dict[Any, Any] = {key: fn for module in MODULES for key, fn in module.COMMANDS.items()}


def _utf8_streams() -> None:
    """UTF-8 whatever the console's code page: a redirected `case list` on a GBK Windows console
    must not stop halfway at a name outside GBK (刘䶮)."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):  # replaced by a test or an embedding host
            continue
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (ValueError, OSError):  # a stream already closed or detached
            pass


_CLI_LOG = "xihu-desk-cli.log"
_CLI_HANDLER = "xihu-desk-cli"


def _cli_logging(data: DataDir) -> None:
    """The program's own warnings go to logs/ (never to stderr, which carries the one-line
    message and nothing else); with no data folder yet they are dropped."""
    logger = logging.getLogger("xihu_desk")
    for old in [h for h in logger.handlers if h.get_name() == _CLI_HANDLER]:
        logger.removeHandler(old)
        old.close()
    handler: logging.Handler = (
        logsafe.file_handler(data.logs / _CLI_LOG, delay=True) if data.root.is_dir() else logging.NullHandler()
    )
    handler.set_name(_CLI_HANDLER)  # found again by name when the next command sets up its own
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # a process started for this one command: no collector runs until it has started
        startup_gc.hold()
    _utf8_streams()
    try:
        args = _parser().parse_args(argv)
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except Exception:  # an argument's type failed in a way argparse does not catch: a usage error all the same
        print("用法错误：有参数的值无法识别，请用 --help 查看该命令的用法。", file=sys.stderr)
        return 2
    command = args.command or "gui"
    try:
        common.choose_database(args)
    except UserError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 1
    data = DataDir(args.data_dir)
    logsafe.enable_faulthandler_cli(data.root, data.logs)  # a native crash leaves its stack in logs/
    _cli_logging(data)
    sub = getattr(args, f"{command}_command", None)  # the dest of a command's subcommands (parser.py)
    key = (command, sub) if sub else command
    try:
        common.check_formats(args)  # a fixed-format -o named for another format: refused before any work
        code = COMMANDS[key](args)
        _end_sessions()
        return code
    except UserError as exc:  # a message may quote what was typed or read (an ID number in a refusal)
        _end_sessions()
        print(f"错误：{common.plain(common.outgoing(args, exc.message))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # every write is one transaction and every -o file is replaced whole
        _end_sessions()
        print("已取消。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (e.g. `| head`): nothing to report
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # a bug: keep the details in the log, give the user one line
        full = _disk_full(exc, args)  # a file written outside the database on a full disk: not a bug
        if full is not None:
            print(f"错误：{full.message}", file=sys.stderr)
            return 1
        log = _log_crash(args)
        where = f"详情已写入 {log}" if log else "详情无法写入日志（磁盘已满或没有权限）"
        print(f"内部错误，操作未完成（已保存的数据不受影响）。{where}", file=sys.stderr)
        return 1


def _end_sessions() -> None:
    """A command that ended as planned (done or refused) ends its database session cleanly, so the
    next command skips the start-up integrity check (store/clean_exit.py). Any other normal
    exit ends it too (atexit, migrate.open_database); a killed process leaves its marker."""
    migrate = sys.modules.get("xihu_desk.store.migrate")
    if migrate is not None:
        try:
            migrate.end_sessions()
        except Exception:  # never turn a finished command into a failure
            logging.getLogger("xihu_desk").warning("会话结束标记未能写入", exc_info=True)


def _log_crash(args: argparse.Namespace) -> Path | None:
    """Write the traceback to the data folder's log (else the temp folder); None when neither can
    be written (a full disk): the user still gets one line, never a second traceback."""
    import tempfile

    entry = logsafe.crash_entry(sys.argv, sys.exc_info()[1])  # no personal data (logsafe.py)
    for where in (lambda: DataDir(args.data_dir).logs, lambda: Path(tempfile.gettempdir())):
        try:
            folder = where()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / _CLI_LOG
            with path.open("a", encoding="utf-8") as f:
                f.write(entry)
            return path
        except OSError:
            continue
    return None


def _disk_full(exc: BaseException, args: argparse.Namespace) -> UserError | None:
    """A full disk anywhere in ``exc`` (a file written outside the database): the one message."""
    from xihu_desk.store import dbfile

    try:
        folder = DataDir(args.data_dir).root
    except Exception:
        folder = None
    return dbfile.disk_full_error(exc, folder)
