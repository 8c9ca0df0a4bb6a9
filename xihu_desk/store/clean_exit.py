"""Did the last sessions on a database end cleanly? Decides whether start-up runs the integrity
check, so opening costs the same at fifty cases as at a million (issue 15).

Every session (the desktop program, each command) leaves a marker in ``<data>/sessions/`` while it
runs and removes it when it ends cleanly; the session that ends last records the database file's
size and modification time ("stamp") in ``<data>/db-state.json``. Start-up runs ``quick_check``
when a marker is left by a process that is gone (a crash, a kill, a power cut), when there is no
clean record, or when the file is not as the last clean exit left it (changed by anything else).
The full check still runs once a day in the desktop program's background and with every backup
(the copy is checked with ``integrity_check``); ``check_due``/``record_check`` keep that date.

Plain files only (pathlib, os.replace): the same on Windows and Linux; no Qt, no SQLAlchemy.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

STATE_NAME = "db-state.json"
SESSIONS = "sessions"
MARKER_SUFFIX = ".open"

# The markers this process wrote: data folder -> marker file.
_OWN: dict[Path, Path] = {}


@dataclass(frozen=True)
class Verdict:
    check: bool
    reason: str = ""  # why the start-up check runs (for the log)


def _key(root: Path) -> Path:
    return Path(root).resolve()


def stamp(database: Path) -> dict[str, int] | None:
    """Size and modification time of the database and its -wal: what a clean exit left."""
    try:
        st = Path(database).stat()
    except OSError:
        return None
    wal = Path(database).with_name(Path(database).name + "-wal")
    try:
        wal_size = wal.stat().st_size
    except OSError:
        wal_size = 0
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "wal": wal_size}


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000 | 0x100000, False, pid)  # QUERY_LIMITED_INFORMATION | SYNCHRONIZE
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: still running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _marker_pid(marker: Path) -> int | None:
    try:
        return int(marker.name.split("-", 1)[0])
    except ValueError:
        return None


def _markers(root: Path) -> list[Path]:
    folder = Path(root) / SESSIONS
    try:
        return sorted(folder.glob("*" + MARKER_SUFFIX))
    except OSError:
        return []


def _others(root: Path) -> tuple[list[Path], list[Path]]:
    """Markers of other sessions: (left by processes that are gone, of processes still running)."""
    own = _OWN.get(_key(root))
    stale: list[Path] = []
    live: list[Path] = []
    for marker in _markers(root):
        if own is not None and marker == own:
            continue
        pid = _marker_pid(marker)
        # this process's own marker that it no longer holds was left by a session that saw damage
        running = pid is not None and pid != os.getpid() and pid_alive(pid)
        (live if running else stale).append(marker)
    return stale, live


def read_state(root: Path) -> dict:
    try:
        data = json.loads((Path(root) / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_state(root: Path, state: dict) -> None:
    path = Path(root) / STATE_NAME
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)  # whole or not at all, on Windows too


def verdict(root: Path, database: Path, in_use: bool | None = None) -> Verdict:
    """Whether start-up must check the database's integrity before anything is written.

    ``in_use`` says whether another connection holds the database (dbfile.probe_exclusive); it
    is asked only when a marker's process still runs, since a process id may have been reused
    after a reboot: a marker of a running process that holds no connection counts as left over."""
    stale, live = _others(root)
    if stale:
        return Verdict(True, "上次没有正常退出")
    clean = read_state(root).get("clean")
    if clean is None:  # never closed cleanly yet, or damage was seen since
        return Verdict(True, "没有正常退出的记录")
    if live:
        if in_use is False:
            return Verdict(True, "会话标记所属的进程没有打开数据库")
        return Verdict(False)  # a running session checked the file when it started
    if clean != stamp(database):
        return Verdict(True, "数据库文件在上次正常退出后被改动过")
    return Verdict(False)


def others_running(root: Path) -> bool:
    return bool(_others(root)[1])


def begin(root: Path, started: str = "") -> Path | None:
    """Leave this process's marker (once per data folder); None when it cannot be written."""
    key = _key(root)
    if key in _OWN:
        return _OWN[key]
    folder = Path(root) / SESSIONS
    marker = folder / f"{os.getpid()}-{secrets.token_hex(4)}{MARKER_SUFFIX}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(started, encoding="utf-8")
    except OSError:  # a read-only folder: every start then checks, which is safe
        return None
    _OWN[key] = marker
    return marker


def forget_stale(root: Path) -> None:
    """After the start-up check passed: the markers of sessions that are gone are accounted for."""
    for marker in _others(root)[0]:
        try:
            marker.unlink(missing_ok=True)
        except OSError:
            pass


def end(root: Path, database: Path) -> bool:
    """A clean end of this process's session: remove its marker and, when no other session runs,
    record the file as this exit leaves it. The caller closes its connections first (SQLite
    folds the -wal into the file when the last one closes, which changes the file)."""
    marker = _OWN.pop(_key(root), None)
    if marker is None:
        return False
    try:
        marker.unlink(missing_ok=True)
    except OSError:
        return False
    stale, live = _others(root)
    if stale or live:
        return False
    state = read_state(root)
    state["clean"] = stamp(database)
    try:
        _write_state(root, state)
    except OSError:
        return False
    return True


def abandon(root: Path) -> None:
    """The database was found damaged: this process's marker stays and the clean record goes, so
    every later start checks again until the file is restored and passes."""
    _OWN.pop(_key(root), None)
    state = read_state(root)
    if state.pop("clean", None) is not None:
        try:
            _write_state(root, state)
        except OSError:
            pass


def open_roots() -> list[Path]:
    return list(_OWN)


def check_due(root: Path, today: date) -> bool:
    """The daily full check has not run today (or never)."""
    return read_state(root).get("full_check") != today.isoformat()


def record_check(root: Path, today: date) -> None:
    state = read_state(root)
    state["full_check"] = today.isoformat()
    try:
        _write_state(root, state)
    except OSError:
        pass
