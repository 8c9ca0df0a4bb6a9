"""Where a node's database lives: the SQLite file in the data folder (the default), or a
PostgreSQL database that several desks of an office share (issue 17).

The server is named by, first to last: ``--database URL`` on the command line, the environment
variable ``XIHU_DESK_DATABASE``, the file ``database.json`` in the data folder (``{"url": ...}``,
what the desktop program reads). A URL never carries a password: it would end up in the shell's
history, the process list and the logs. The password comes from ``--database-password-file``, the
environment (``PGPASSWORD``), libpq's own password file (``PGPASSFILE`` / ``~/.pgpass``) or the
system keyring (service ``xihu-desk``, user ``user@host:port/dbname``) when the keyring module is
installed. Connections use TLS when the server offers it (``sslmode=prefer``).

Standard library only: paths.DataDir asks this module at every start.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from xihu_desk.domain.errors import UserError

ENV = "XIHU_DESK_DATABASE"
SETTINGS_FILE = "database.json"
KEYRING_SERVICE = "xihu-desk"
LOCAL_LABEL = "本机数据库"
SERVER_LABEL = "单位服务器（PostgreSQL）"

_override: str | None = None  # --database of this command
_password: str | None = None  # read from --database-password-file by the command line
_known: dict[str, str] = {}  # by keyring_user: typed in the wizard, or the keyring's answer (asked once)


def choose(url: str | None, password: str | None = None) -> None:
    """What the command line was given (None: nothing, the environment or the data folder decides)."""
    global _override, _password
    _override = normalize(url) if url else None
    _password = password


def normalize(url: str) -> str:
    """``url`` as SQLAlchemy's psycopg URL with ``sslmode=prefer`` unless another mode is given;
    a usage error in Chinese for anything else than a password-free postgresql:// URL."""
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise UserError(f"数据库地址应以 postgresql:// 开头（例如 postgresql://xihu@192.168.1.10/xihu）：{_safe(text)}")
    if parts.password is not None:
        raise UserError(
            "数据库地址中不能写密码（会留在命令历史和日志中）。"
            "请用 --database-password-file 文件、环境变量 PGPASSWORD 或系统密钥环提供密码。"
        )
    if not parts.hostname or not parts.path.strip("/"):
        raise UserError(f"数据库地址应写明服务器和数据库名（例如 postgresql://xihu@192.168.1.10/xihu）：{text}")
    query = dict(parse_qsl(parts.query))
    if "password" in query:
        raise UserError(
            "数据库地址中不能写密码。请用 --database-password-file 文件、环境变量 PGPASSWORD 或系统密钥环。"
        )
    query.setdefault("sslmode", "prefer")
    return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, urlencode(query), ""))


def _safe(text: str) -> str:
    """A URL as it may be printed: any password replaced."""
    parts = urlsplit(text)
    if parts.password is None:
        return text
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def configured(root: Path) -> str | None:
    """The server URL for the data folder ``root``, or None for the SQLite file."""
    if _override:
        return _override
    env = os.environ.get(ENV, "").strip()
    if env:
        return normalize(env)
    settings = root / SETTINGS_FILE
    if settings.is_file():
        try:
            url = json.loads(settings.read_text(encoding="utf-8")).get("url")
        except (OSError, ValueError, AttributeError):
            raise UserError(f"数据库设置文件无法读取：{settings}。请改正或删除它（删除后使用本机数据库）。") from None
        if url:
            return normalize(str(url))
    return None


def save_setting(root: Path, url: str | None) -> None:
    """Remember the server for the desktop program (None: back to the SQLite file)."""
    settings = root / SETTINGS_FILE
    if url is None:
        settings.unlink(missing_ok=True)
        return
    root.mkdir(parents=True, exist_ok=True)
    tmp = settings.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": url}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(settings)


def label(url: str | None) -> str:
    return SERVER_LABEL if url else LOCAL_LABEL


def keyring_user(url: str) -> str:
    """The keyring's user name for ``url``: user@host:port/dbname."""
    parts = urlsplit(url)
    return f"{parts.username}@{parts.hostname}:{parts.port or 5432}/{parts.path.strip('/')}"


def use_password(url: str, secret: str) -> None:
    """The password just typed (first-run wizard) for this process's connections and pg_dump."""
    _known[keyring_user(url)] = secret


def known_password(url: str) -> str | None:
    """What this process already holds for ``url`` (--database-password-file, typed, found in the
    keyring before); the keyring itself is not asked (loading it costs time at start)."""
    return _password if _password is not None else _known.get(keyring_user(url))


def password(url: str) -> str | None:
    """The password for ``url`` as known_password, else from the keyring; None leaves it to libpq
    (PGPASSWORD, PGPASSFILE, ~/.pgpass, or a server that asks for none)."""
    known = known_password(url)
    if known is not None:
        return known
    if os.environ.get("PGPASSWORD"):
        return None
    try:
        import keyring  # type: ignore[import-not-found,unused-ignore]  # optional: not every office PC has one
    except ImportError:
        return None
    key = keyring_user(url)
    try:
        secret = keyring.get_password(KEYRING_SERVICE, key)
    except Exception:  # no keyring backend on a headless machine: same as no entry
        return None
    if secret is not None:
        _known[key] = secret
    return secret


def short_label(url: str) -> str:
    """单位服务器 host/dbname: where a desk's data is, as the status bar says it."""
    parts = urlsplit(url)
    return f"单位服务器 {parts.hostname}/{parts.path.strip('/')}"


def display(url: str) -> str:
    """The URL as shown to a person: postgresql://user@host:port/db (no driver, no options)."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))
