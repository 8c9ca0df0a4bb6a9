"""What may go into log files and crash reports: never a party's name, ID number, phone or case text.

Every log handler the program installs (the GUI's rotating log, the command line's log) formats
through ``PrivateFormatter``, and the crash reports of both (the CLI's ``_log_crash``, the GUI's
crash dialog) through ``format_exception``. Two levels of masking:

- ``mask_text`` for text the program itself wrote (log format strings, traceback frames, which
  are file names, line numbers and source lines): ID-shaped numbers (15 or 18 digits, or any
  longer run such as a bank card), mobile and landline numbers are replaced.
- ``mask_value`` for values (log arguments, exception messages, the command line): the above,
  and every run of Chinese characters, because names, addresses and case text are Chinese and
  library messages are not (``KeyError('张三')``, an encoding error quoting a whole name, a
  database error listing its parameters, which are dropped too). What remains says which
  exception, where, and its shape (``〔3字〕`` stands for three Chinese characters).

Tracebacks never carry local variables. ``enable_faulthandler`` keeps a native crash's stack (file,
line and function names only) in the log folder.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import re
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

NATIVE_CRASH_LOG = "native-crash.log"
CLI_LOG = "xihu-desk-cli.log"
_ROTATE_AT = 1_000_000
_MAX_VALUE = 2000  # characters of one value or exception message kept in a log line

# Longest first: an 18-digit ID, then any run of 15 or more digits (15-digit IDs, bank cards).
_ID = re.compile(r"(?<!\d)(?:\d{17}[Xx]|\d{15,})(?![\dXx])")
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?(?=\n\(Background on this error|\Z)", re.S)


def mask_text(text: str) -> str:
    """Numbers that identify a person, replaced; everything else as written."""
    text = _ID.sub("〔证件号〕", text)
    text = _MOBILE.sub("〔手机号〕", text)
    return _LANDLINE.sub("〔电话〕", text)


def mask_value(value: object) -> str:
    """A value that may come from a record: numbers and all Chinese text replaced."""
    try:
        text = str(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    if len(text) > _MAX_VALUE:
        text = text[:_MAX_VALUE] + f"…（共 {len(text)} 字符）"
    text = _SQL_PARAMETERS.sub("[parameters: ...]", text)
    text = _HAN.sub(lambda m: f"〔{len(m.group())}字〕", text)
    return mask_text(text)


def _exception_line(exc: BaseException) -> str:
    kind = type(exc)
    name = (
        kind.__qualname__ if kind.__module__ in ("builtins", "__main__") else f"{kind.__module__}.{kind.__qualname__}"
    )
    message = mask_value(exc)
    line = f"{name}: {message}" if message else name
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        line += "".join(f"\n{mask_value(note)}" for note in notes)
    return line + "\n"


def _chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and those it came from, oldest first, each with the line printed after it
    that joins it to the next, newer one (as Python prints them)."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    joint = ""
    while current is not None and id(current) not in seen and len(chain) < 20:
        seen.add(id(current))
        chain.append((current, joint))
        if current.__cause__ is not None:
            current, joint = (
                current.__cause__,
                "\nThe above exception was the direct cause of the following exception:\n\n",
            )
        elif current.__context__ is not None and not current.__suppress_context__:
            current, joint = (
                current.__context__,
                "\nDuring handling of the above exception, another exception occurred:\n\n",
            )
        else:
            current = None
    chain.reverse()
    return chain


def format_exception(exc: BaseException | None, tb: TracebackType | None = None) -> str:
    """A traceback safe for a log or a crash dialog: the frames as Python prints them (no local
    variables), each exception's type, and its message through ``mask_value``."""
    import traceback

    if exc is None:
        return "（无异常信息）\n"
    parts: list[str] = []
    for each, joint in _chain(exc):
        frames = each.__traceback__ if each is not exc or tb is None else tb
        if frames is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(mask_text(line) for line in traceback.format_tb(frames))
        parts.append(_exception_line(each))
        for inner in getattr(each, "exceptions", None) or ():  # an ExceptionGroup's members
            if isinstance(inner, BaseException):
                parts.append("  +-- " + format_exception(inner).replace("\n", "\n  |   ").rstrip() + "\n")
        parts.append(joint)
    return "".join(parts)


def _arg(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value if mask_text(str(value)) == str(value) else mask_text(str(value))
    if isinstance(value, BaseException):
        return _exception_line(value).rstrip("\n")
    return mask_value(value)


def safe_message(record: logging.LogRecord) -> str:
    """The record's message with its arguments masked as values (the format string is the
    program's own text and is masked as such)."""
    template = mask_text(str(record.msg))
    args = record.args
    if not args:
        return template
    try:
        if isinstance(args, Mapping):
            return template % {k: _arg(v) for k, v in args.items()}
        return template % tuple(_arg(a) for a in args)
    except (TypeError, ValueError, KeyError):  # e.g. %d given a masked number
        values = args.values() if isinstance(args, Mapping) else args
        return template + " " + " ".join(mask_value(v) for v in values)


class PrivateFormatter(logging.Formatter):
    """Formats like logging.Formatter, without personal data (see the module's docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)  # the record itself is left as it was
        safe.msg, safe.args = safe_message(record), None
        safe.exc_text = None
        if record.stack_info:
            safe.stack_info = mask_text(record.stack_info)
        return mask_text(super().format(safe))

    def formatException(self, ei) -> str:
        return format_exception(ei[1], ei[2]).rstrip("\n")


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def protect(logger: logging.Logger) -> None:
    """Put the private formatter on every handler of ``logger``."""
    for handler in logger.handlers:
        if not isinstance(handler.formatter, PrivateFormatter):
            handler.setFormatter(PrivateFormatter(LOG_FORMAT))


def file_handler(path: Path, *, delay: bool = False) -> logging.Handler:
    """A rotating log file in the data folder's logs/, formatted without personal data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8", delay=delay
    )
    handler.setFormatter(PrivateFormatter(LOG_FORMAT))
    return handler


def crash_entry(argv: list[str], exc: BaseException | None) -> str:
    """One crash report for the command line's log: when, the command (values masked), the
    traceback."""
    command = " ".join([Path(argv[0]).name if argv else "xihu-desk", *(mask_value(a) for a in argv[1:])])
    return f"--- {datetime.now():%Y-%m-%d %H:%M:%S} {command}\n{format_exception(exc)}\n"


_fault_file: IO[str] | None = None
_on_stderr = False  # this module sent faulthandler to standard error (no data folder yet)


def enable_faulthandler(folder: Path, who: str) -> Path | None:
    """Have a native crash (segmentation fault, abort) write every thread's Python stack (file,
    line and function names only) to ``folder/native-crash.log``. The file stays open for the
    life of the process, as faulthandler needs; one line per start says which process the next
    dump belongs to. Returns the file, or None when faulthandler was already sent elsewhere by
    whoever started Python (``-X faulthandler``, PYTHONFAULTHANDLER, a test runner), which is
    left as it is, or when the folder cannot be written (then standard error, if any)."""
    global _fault_file, _on_stderr
    if faulthandler.is_enabled() and _fault_file is None and not _on_stderr:
        return None
    path = folder / NATIVE_CRASH_LOG
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > _ROTATE_AT:
            try:
                path.replace(path.with_name(NATIVE_CRASH_LOG + ".1"))
            except OSError:  # another process holds it open (Windows): keep appending
                pass
        stream = path.open("a", encoding="utf-8")
        stream.write(f"--- {datetime.now():%Y-%m-%d %H:%M:%S} {who} pid {os.getpid()}\n")
        stream.flush()
    except OSError:
        _enable_on_stderr()
        return None
    faulthandler.enable(file=stream, all_threads=True)
    _on_stderr = False
    previous, _fault_file = _fault_file, stream
    if previous is not None:
        previous.close()
    return path


def _enable_on_stderr() -> None:
    global _on_stderr
    if sys.stderr is not None and not faulthandler.is_enabled():
        try:
            faulthandler.enable()
            _on_stderr = True
        except (RuntimeError, ValueError, OSError, AttributeError):  # no usable stderr (a windowed program)
            pass


def enable_faulthandler_cli(root: Path, logs: Path) -> Path | None:
    """The command line: into the data folder's logs/ when the folder exists (a command is not
    to create it just for this, ``init`` of a new folder included), else on standard error."""
    if root.is_dir():
        return enable_faulthandler(logs, "cli")
    _enable_on_stderr()
    return None


def faulthandler_file() -> Path | None:
    """Where native crashes are written now (for tests and support)."""
    return Path(_fault_file.name) if _fault_file is not None and not _fault_file.closed else None
