"""store/write_errors: a write failing for a reason it has no sentence for (an I/O error of a
failing USB stick, a network share gone) is still said in Chinese, not in the system's English."""

from __future__ import annotations

import errno
from pathlib import Path

from xihu_desk.store import write_errors


def test_an_io_error_is_said_in_chinese(tmp_path: Path) -> None:
    message = write_errors.describe(tmp_path / "b.pdf", OSError(errno.EIO, "Input/output error")).message
    assert "Input/output" not in message and "读写磁盘出错" in message


def test_an_error_without_words_gives_its_code(tmp_path: Path) -> None:
    message = write_errors.describe(tmp_path / "b.pdf", OSError(errno.ETIMEDOUT, "Connection timed out")).message
    assert "timed out" not in message and str(errno.ETIMEDOUT) in message
