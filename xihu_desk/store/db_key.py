"""The database key of a node's SQLite file, sealed to the operating-system account.

The data folder holds ``database-key.json``, which names the key (a random id), says where it is
sealed and holds a check value that tells a right recovery key from a wrong one; it never holds
the key. The key itself is sealed:

* in the system keyring when it has a working backend (Windows Credential Manager; the Secret
  Service of UOS / Kylin desktops), service ``xihu-desk-database``, user = the key's id;
* else in a file only this account may read, ``<config>/XihuDesk/keys/<id>.json`` (POSIX mode
  0600 in a 0700 folder; on Windows the account's own %LOCALAPPDATA%, whose ACL admits only it
  and the administrators: no DPAPI here, which would need native code we do not ship).

The sealed entry holds the current key and the keys it replaced (so older backups in the folder
still open), and, between the file's creation and ``init``, the recovery code waiting to be shown
once. ``XIHU_DESK_KEY_STORE`` (``file`` / ``keyring``) and ``XIHU_DESK_KEY_DIR`` override the choice
and the folder (tests, and a PC whose keyring misbehaves).

Start-up cost: finding the keyring's backend (``keyring.get_keyring()``) imports every backend and
scans the installed packages' entry points, about 0.2 s before the window or a command's output.
The marker therefore also names the backend class that sealed the key, and the key is read through
that class directly; the discovery runs only when that fails (or for a marker written before).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from xihu_desk import APP_NAME
from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.store import recovery_code

MARKER = "database-key.json"
KEYRING_SERVICE = "xihu-desk-database"
ENV_STORE = "XIHU_DESK_KEY_STORE"
ENV_DIR = "XIHU_DESK_KEY_DIR"

LOST_MESSAGE = (
    "数据库已加密，但本账户找不到它的密钥（{where}）。请由管理员用恢复密钥重新打开："
    "xihu-desk unlock --recovery-key-file 恢复密钥文件。"
)
WRONG_RECOVERY = "恢复密钥与本数据库不符：请核对是否为本单位这台电脑的恢复密钥单（更换过恢复密钥的，用最新的一张）。"


class KeyUnavailable(StorageError):
    """The folder's database is encrypted and this account cannot unseal its key."""


@dataclass(frozen=True)
class Marker:
    key_id: str
    sealed: str  # "keyring" or "file"
    check: str
    backend: str = ""  # "module:Class" of the keyring backend that holds the key (read without discovery)

    def where(self) -> str:
        if self.sealed == "keyring":
            return f"系统密钥环（{_keyring_name()}）"
        return f"仅本账户可读的密钥文件 {key_dir() / (self.key_id + '.json')}"


def check_value(key: bytes) -> str:
    """A value that tells whether a key is this folder's, and says nothing about the key."""
    return hmac.new(key, b"xihu-desk key check", hashlib.sha256).hexdigest()[:16]


def key_dir() -> Path:
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=False)) / "keys"


def read_marker(root: Path) -> Marker | None:
    try:
        doc = json.loads((Path(root) / MARKER).read_text(encoding="utf-8"))
        return Marker(str(doc["key_id"]), str(doc["sealed"]), str(doc["check"]), str(doc.get("backend") or ""))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise StorageError(
            f"数据目录中的 {MARKER} 无法读取或已损坏。请用恢复密钥重新打开：xihu-desk unlock --recovery-key-file 恢复密钥文件。"
        ) from None


def _write_marker(root: Path, marker: Marker) -> None:
    target = Path(root) / MARKER
    tmp = target.with_name(target.name + ".tmp")
    doc = {
        "format": 1,
        "key_id": marker.key_id,
        "sealed": marker.sealed,
        "check": marker.check,
        **({"backend": marker.backend} if marker.backend else {}),
        "note": "数据库密钥不在此文件中；它保存在本账户的系统密钥环或密钥文件里。",
    }
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)


# --- where the key is sealed -----------------------------------------------------------------


def _keyring_name() -> str:
    return "Windows 凭据管理器" if sys.platform == "win32" else "Secret Service"


def _keyring_usable() -> bool:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        return not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 0) > 0
    except Exception:  # a broken D-Bus, a locked collection: the file serves
        return False


def _choose_store() -> str:
    forced = os.environ.get(ENV_STORE, "").strip().lower()
    if forced in ("file", "keyring"):
        return forced
    return "keyring" if _keyring_usable() else "file"


# Only keyring's own backends are named in a marker and imported from it: the data folder's
# marker must not be able to make the program import anything else.
_BACKENDS = "keyring.backends."


def _backend_name(backend: object) -> str:
    """``module:Class`` of a keyring backend worth naming in the marker ("" for the chainer, which
    asks several, and for anything not one of keyring's own)."""
    cls = type(backend)
    if not cls.__module__.startswith(_BACKENDS) or cls.__module__.endswith(".chainer"):
        return ""
    return f"{cls.__module__}:{cls.__qualname__}"


def _named_backend(name: str) -> Any:
    """The backend class named in a marker, made without keyring's discovery; None when it cannot be."""
    module, _, cls = name.partition(":")
    if not module.startswith(_BACKENDS) or not cls.isidentifier():
        return None
    try:
        return getattr(importlib.import_module(module), cls)()
    except Exception:  # renamed in a newer keyring, or not importable here: discovery serves
        return None


def _from_keyring(root: Path | None, marker: Marker) -> str | None:
    """The sealed text from the keyring: through the backend the marker names, else through
    keyring's discovery (then the marker learns the backend, for the next start)."""
    direct = _named_backend(marker.backend) if marker.backend else None
    if direct is not None:
        try:
            text = direct.get_password(KEYRING_SERVICE, marker.key_id)
        except Exception:
            text = None
        if text:
            return str(text)
    import keyring

    backend = keyring.get_keyring()
    text = backend.get_password(KEYRING_SERVICE, marker.key_id)
    name = _backend_name(backend)
    if text and root is not None and name and name != marker.backend:
        try:
            _write_marker(root, Marker(marker.key_id, marker.sealed, marker.check, name))
        except OSError:  # a read-only folder: discovery again next time
            pass
    return str(text) if text else None


def _load(marker: Marker, root: Path | None = None) -> dict | None:
    if marker.sealed == "keyring":
        try:
            text = _from_keyring(root, marker)
        except Exception:
            return None
    else:
        try:
            text = (key_dir() / f"{marker.key_id}.json").read_text(encoding="utf-8")
        except OSError:
            return None
    try:
        doc = json.loads(text) if text else None
    except ValueError:
        return None
    return doc if isinstance(doc, dict) and doc.get("keys") else None


def _save(store: str, key_id: str, doc: dict) -> str:
    """Seal ``doc``; returns the keyring backend's name (``_backend_name``) when sealed there."""
    text = json.dumps(doc)
    if store == "keyring":
        import keyring

        backend = keyring.get_keyring()
        backend.set_password(KEYRING_SERVICE, key_id, text)
        return _backend_name(backend)
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    target = folder / f"{key_id}.json"
    tmp = folder / f"{key_id}.json.tmp"
    tmp.unlink(missing_ok=True)
    # created readable by this account only: never a moment with wider permissions
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    return ""


def _seal(root: Path, doc: dict, key_id: str | None = None) -> Marker:
    """Seal ``doc`` (its first key current) for this account and write the folder's marker."""
    key_id = key_id or uuid.uuid4().hex
    store = _choose_store()
    try:
        backend = _save(store, key_id, doc)
    except Exception:
        if store != "keyring":
            raise
        store = "file"  # the keyring refused (locked, no collection): the account's file instead
        backend = _save(store, key_id, doc)
    marker = Marker(key_id, store, check_value(bytes.fromhex(doc["keys"][0])), backend)
    _write_marker(root, marker)
    return marker


# --- what the rest of the program asks ---------------------------------------------------------


def keys(root: Path) -> list[bytes]:
    """The folder's keys, current first; [] for a folder without a key (a plain node).
    KeyUnavailable when the folder's database is encrypted and this account cannot unseal them."""
    marker = read_marker(root)
    if marker is None:
        return []
    doc = _load(marker, Path(root))
    if doc is None:
        raise KeyUnavailable(LOST_MESSAGE.format(where=marker.where()))
    return [bytes.fromhex(k) for k in doc["keys"]]


def current_key(root: Path) -> bytes | None:
    found = keys(root)
    return found[0] if found else None


def create(root: Path) -> None:
    """A new node folder: a new recovery code and the key it stands for, sealed; the code waits
    (sealed as well) for ``take_pending_code`` at init."""
    code = recovery_code.new_code()
    Path(root).mkdir(parents=True, exist_ok=True)
    _seal(root, {"keys": [recovery_code.derive_key(code).hex()], "pending": code})


def take_pending_code(root: Path) -> str | None:
    """The recovery code of a new node, once: it is no longer kept after this call."""
    marker = read_marker(root)
    doc = _load(marker) if marker else None
    if not marker or not doc or not doc.get("pending"):
        return None
    code = str(doc.pop("pending"))
    _save(marker.sealed, marker.key_id, doc)  # where it was: the marker stays as it is
    return code


def has_pending_code(root: Path) -> bool:
    marker = read_marker(root)
    doc = _load(marker) if marker else None
    return bool(doc and doc.get("pending"))


def key_from_code(code: str, root: Path | None = None) -> bytes:
    """The key a recovery code stands for; with ``root``, refused unless it is that folder's key."""
    key = recovery_code.derive_key(code)
    if root is not None:
        marker = read_marker(root)
        if marker is not None and marker.check != check_value(key):
            raise UserError(WRONG_RECOVERY)
    return key


def adopt(root: Path, key: bytes, former: list[bytes] | None = None) -> Marker:
    """Seal ``key`` as the folder's current key (a restore on a new PC, a reopened node, a new
    recovery key), keeping ``former`` keys for the older backups."""
    marker = read_marker(root)
    keep = [k for k in (former or []) if k != key]
    return _seal(root, {"keys": [key.hex()] + [k.hex() for k in keep]}, marker.key_id if marker else None)


def where(root: Path) -> str | None:
    marker = read_marker(root)
    return marker.where() if marker else None
