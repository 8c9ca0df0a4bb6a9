"""Where things live: shipped data (resources/, forms/, db/) and the user's data folder.

In a checkout the shipped folders sit beside the package; in an installed wheel they are
inside it under ``_data/`` (pyproject.toml maps them there); in the frozen program (PyInstaller,
packaging/xihu-desk.spec) at the top of its bundle folder.

The data folder: ``--data-dir`` or ``XIHU_DESK_HOME`` if given; else the per-machine folder when
the installer made one (a PC shared by several Windows accounts must stay one node with one key);
else the account's own folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from xihu_desk import APP_NAME

_PACKAGE = Path(__file__).resolve().parent
DB_FILE_NAME = "xihu-desk.sqlite3"


MACHINE_MARKER = "machine-wide.txt"  # written by the installer into the per-machine data folder


def _bundle_dir() -> Path | None:
    """The frozen program's folder of shipped files (``_internal/``), or None when not frozen."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if getattr(sys, "frozen", False) and base else None


def _shipped(name: str) -> Path:
    bundle = _bundle_dir()
    frozen = [bundle / name] if bundle else []
    for candidate in (*frozen, _PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"找不到程序自带的目录 {name}（安装不完整？）")


def resources_dir() -> Path:
    return _shipped("resources")


def forms_dir() -> Path:
    return _shipped("forms")


def db_dir() -> Path:
    return _shipped("db")


def migrations_dir() -> Path:
    return db_dir() / "migrations"


def reference_dir() -> Path:
    return db_dir() / "reference"


def machine_data_dir() -> Path:
    """The per-machine data folder the installer offers: %ProgramData%\\XihuDesk on Windows,
    /var/lib/xihu-desk on Linux. Used only when it holds the installer's marker file."""
    if sys.platform == "win32":
        return Path(platformdirs.site_data_dir(APP_NAME, appauthor=False))
    return Path("/var/lib/xihu-desk")


def default_data_dir() -> Path:
    env = os.environ.get("XIHU_DESK_HOME")
    if env:
        return Path(env).expanduser()
    machine = machine_data_dir()
    if (machine / MACHINE_MARKER).is_file():
        return machine
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


class DataDir:
    """The folder that holds one node's database, backups and logs."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root).expanduser() if root else default_data_dir()

    @property
    def database(self) -> Path:
        return self.root / DB_FILE_NAME

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def server(self) -> str | None:
        """The PostgreSQL database this node uses instead of its SQLite file (xihu_desk/dbserver.py)."""
        from xihu_desk import dbserver

        return dbserver.configured(self.root)

    @property
    def url(self) -> str:
        return self.server or f"sqlite:///{self.database.as_posix()}"

    def ensure(self) -> DataDir:
        for folder in (self.root, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self
