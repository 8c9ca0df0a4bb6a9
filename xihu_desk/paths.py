"""Where things live: shipped data (resources/, forms/, db/) and the user's data folder.

In a checkout the shipped folders sit beside the package; in an installed wheel they are
inside it under ``_data/`` (pyproject.toml maps them there).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from xihu_desk import APP_NAME

_PACKAGE = Path(__file__).resolve().parent
DB_FILE_NAME = "xihu-desk.sqlite3"


def _shipped(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
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


def default_data_dir() -> Path:
    env = os.environ.get("XIHU_DESK_HOME")
    if env:
        return Path(env).expanduser()
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
    def url(self) -> str:
        return f"sqlite:///{self.database.as_posix()}"

    def ensure(self) -> "DataDir":
        for folder in (self.root, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        return self
