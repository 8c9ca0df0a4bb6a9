"""How a form's save reaches the database: one unit of work on the runner through the one door; a
refusal comes back naming its field. And writing a finished file without crashing on a full disk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.gui import messages, ops
from xihu_desk.gui.context import AppContext


def submit(
    ctx: AppContext,
    parent: QWidget,
    work: Callable[[Any], Any],
    on_ok: Callable[[Any], None],
    on_refused: Callable[[str | None, str], None],
    label: str = "",
) -> int:
    """Run ``work(session)`` as one unit of work on the runner. A refusal comes back with the field
    the service named (FieldError.field) or None, and the message; nothing typed is touched."""
    caught: dict[str, str] = {}

    def guarded(session: Any) -> Any:
        try:
            return work(session)
        except FieldError as exc:
            caught["field"] = exc.field  # read on the GUI thread after delivery
            raise

    return ops.write_unit(
        ctx,
        guarded,
        label=label,
        parent=parent,
        cancellable=False,
        on_ok=on_ok,
        on_error=lambda message: on_refused(caught.get("field"), message),
    )


def write_file(path: str, data: bytes) -> str:
    """Write a workbook; a full disk or a file open in Excel is a message, not a crash."""
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{exc.strerror or exc}。如果该文件正在 Excel 中打开，请先关闭。") from None
    return path


def save_bytes(parent: QWidget, path: str, data: bytes) -> bool:
    """Write a finished file the user chose; if it cannot be written, say so over ``parent``."""
    try:
        write_file(path, data)
    except UserError as exc:
        messages.error(parent, exc.message)
        return False
    return True
