"""Where a desk keeps the password of its office's PostgreSQL database (issue 17): in the system
keyring when it has a working backend (Windows Credential Manager; the Secret Service of UOS /
Kylin desktops), else in libpq's own password file, readable only by this account (``PGPASSFILE``,
``~/.pgpass`` with mode 0600, or ``%APPDATA%\\postgresql\\pgpass.conf`` in the account's own
profile). Never in database.json, never in the URL. dbserver.password reads the keyring entry;
libpq (the driver, pg_dump) reads the file by itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from xihu_desk import dbserver
from xihu_desk.domain.errors import StorageError

KEYRING, FILE = "keyring", "file"


def _keyring_usable() -> bool:
    try:
        import keyring  # type: ignore[import-not-found,unused-ignore]
        from keyring.backends import fail  # type: ignore[import-not-found,unused-ignore]

        backend = keyring.get_keyring()
        return not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 0) > 0
    except Exception:  # not installed, a broken D-Bus, a locked collection: the file serves
        return False


def pgpass_path() -> Path:
    """libpq's password file for this account."""
    env = os.environ.get("PGPASSFILE")
    if env:
        return Path(env)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", str(Path.home()))) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def _pgpass_line(url: str, secret: str) -> tuple[str, str]:
    parts = urlsplit(url)
    prefix = ":".join(
        _escape(x) for x in (parts.hostname or "", str(parts.port or 5432), parts.path.strip("/"), parts.username or "")
    )
    return prefix + ":", prefix + ":" + _escape(secret)


def _save_file(url: str, secret: str) -> Path:
    """Replace (or add) this server's line in libpq's password file, written whole and renamed,
    mode 0600 on POSIX (libpq ignores a file others can read)."""
    path = pgpass_path()
    prefix, line = _pgpass_line(url, secret)
    try:
        kept = [x for x in path.read_text(encoding="utf-8").splitlines() if not x.startswith(prefix)]
    except FileNotFoundError:
        kept = []
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"无法读取密码文件 {path}：{exc}。请检查该文件后重试。") from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join([*kept, line]) + "\n")
        os.replace(tmp, path)
        if sys.platform != "win32":
            os.chmod(path, 0o600)
    except OSError as exc:
        raise StorageError(f"无法保存数据库密码到 {path}：{exc}。请检查该文件夹的权限后重试。") from exc
    return path


def remember(url: str, secret: str) -> str:
    """Keep ``secret`` for ``url`` (a normalised server URL); says where: KEYRING or FILE."""
    plain = dbserver.display(url)
    if _keyring_usable():
        try:
            import keyring

            keyring.set_password(dbserver.KEYRING_SERVICE, dbserver.keyring_user(plain), secret)
            return KEYRING
        except Exception:  # the keyring refused (locked, no D-Bus session): the file serves
            pass
    _save_file(plain, secret)
    return FILE
