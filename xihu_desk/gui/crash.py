"""Bugs: anything that is not a UserError is logged with its traceback and shown in a crash dialog.
Both go through logsafe: exception types and frames, messages masked, no personal data.

The transaction of the failed unit of work has already rolled back, so the message can say that
saved data is safe.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from xihu_desk import logsafe
from xihu_desk.gui import messages

log = logging.getLogger("xihu_desk")
_log_file: Path | None = None
_showing = False


def set_log_file(path: Path | None) -> None:
    global _log_file
    _log_file = path


def report(exc: BaseException, parent: QWidget | None = None, where: str = "") -> None:
    """Log ``exc`` and tell the user; never raises (it runs from excepthook and the runner)."""
    global _showing
    # ``where`` is an operation's label, the program's own text: kept in the message as written
    # (values passed as logging arguments are masked as possible personal data).
    log.error(f"程序错误（{where}）" if where else "程序错误", exc_info=(type(exc), exc, exc.__traceback__))
    if _showing:  # a crash while showing the crash dialog: the log has it, do not loop
        return
    text = QCoreApplication.translate(
        "crash",
        "程序出现了意外错误，本次操作没有完成；已保存的数据不受影响。\n\n"
        "错误详情已记入日志文件：\n{log}\n\n请把这个文件交给技术支持人员。",
    ).format(log=_log_file or QCoreApplication.translate("crash", "（未设置日志文件）"))
    details = logsafe.format_exception(exc)  # the same masked text as the log: it is sent to support
    _showing = True
    try:
        messages.bridge().crash(parent, text, details)
    except Exception:
        log.exception("无法显示错误对话框")
    finally:
        _showing = False


def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    report(exc)


def thread_excepthook(args: threading.ExceptHookArgs) -> None:
    # Not on the GUI thread: log only; a dialog cannot be shown from here.
    log.error(
        "后台线程 %s 出错", args.thread.name if args.thread else "?", exc_info=args.exc_value
    )  # its __traceback__ is args.exc_traceback


def install() -> None:
    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
