"""The audit chain's anchor: the head of the chain, signed, kept in two more places.

Every commit that added audit rows also (in the same transaction) writes the signed head into the
database's ``meta`` table — so every backup carries the head it was taken at — and, right after
the commit, into ``audit-anchor.json`` in the data folder. An anchor only ever moves forward: it
is replaced only by a head that extends it (the row at the anchored seq still has the anchored
hash), so rows deleted from the end or a chain rewritten and hashed again leave the old anchor in
place and ``check`` reports them. Two events legitimately start a new line and re-anchor the file:
``node.init`` (a new node) and ``data.restore`` (the restored database brings its own anchor, which
is checked like any other). If the file cannot be written after a commit, the anchor lags behind;
a lagging anchor is still a prefix of the chain, so it never raises a false alarm.

Limits: the node's private key is in the database, so someone who can read the data folder and
knows this scheme can sign a forged anchor; what they cannot undo is the head the parent already
holds from earlier bundles (services/audit_exchange.py).
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from datetime import UTC
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from xihu_desk.domain import auditchain, clock
from xihu_desk.store import dialect
from xihu_desk.store.sqlite_words import words

log = logging.getLogger(__name__)

FILE_NAME = "audit-anchor.json"
META_KEY = "audit.anchor"
# session.info flags set by audit.record
WRITTEN = "xihu_desk.audit.written"
REBASE = "xihu_desk.audit.rebase"
REBASE_ACTIONS = frozenset({"node.init", "data.restore"})
_FILE_PENDING = "xihu_desk.audit.anchor_file"
# Anchors this process signed lately: no need to verify their signature again on the next commit.
_SIGNED: deque[str] = deque(maxlen=8)


def anchor_path(root: Path) -> Path:
    return Path(root) / FILE_NAME


def mark_written(session: Session, action: str) -> None:
    session.info[WRITTEN] = True
    if action in REBASE_ACTIONS:
        session.info[REBASE] = True


@lru_cache(maxsize=4)
def _signing_key(pem: bytes) -> Any:
    from xihu_desk.sync import keys  # cryptography loads when a write is signed, not with every command

    return keys.load_signing_key(pem)


def _cursor(session: Session) -> Any:
    """A DB-API cursor on the session's own connection (``?`` placeholders on either backend)."""
    return dialect.cursor(session)


def _file_of(session: Session) -> Path | None:
    if not dialect.is_sqlite(session):  # a server database shared by several desks: no one folder
        return None
    database = session.get_bind().engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).parent / FILE_NAME


def _hash_at(cur: Any, seq: int) -> str | None:
    row = cur.execute("SELECT hash FROM audit_event WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else row[0]


def _extends(cur: Any, node_id: str, sign_public: bytes, text: str | bytes | None, head_seq: int) -> bool:
    """Whether the chain as it stands now (up to ``head_seq``) extends the anchor in ``text``."""
    doc = auditchain.parse_anchor(text)
    if doc is None or doc["node"] != node_id:
        return False
    if _as_text(text) not in _SIGNED and not auditchain.anchor_signed_by(doc, sign_public):
        return False
    return doc["seq"] <= head_seq and _hash_at(cur, doc["seq"]) == doc["hash"]


def _as_text(text: str | bytes | None) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else (text or "")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@event.listens_for(Session, "before_commit")
def _advance(session: Session) -> None:
    # SQLAlchemy runs before_commit for a SAVEPOINT's release too; only the outermost commit makes
    # rows durable (a dry run rolls its savepoint back after its rows were released one by one).
    if session.in_nested_transaction() or not session.info.pop(WRITTEN, False):
        return
    rebase = session.info.pop(REBASE, False)
    # Plain DB-API reads on the session's own connection: this runs on every audited commit.
    cur = _cursor(session)
    head = cur.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    node = cur.execute("SELECT node_id, sign_private, sign_public FROM node WHERE id = 1").fetchone()
    if head is None or node is None:
        return
    node_id, sign_private, sign_public = node
    at = clock.utc_now().replace(tzinfo=UTC).isoformat(timespec="seconds")
    text = json.dumps(auditchain.sign_anchor(_signing_key(sign_private), node_id, head[0], head[1], at), sort_keys=True)
    _SIGNED.append(text)
    meta = cur.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    if meta is None or _extends(cur, node_id, sign_public, meta[0], head[0]):
        cur.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (META_KEY, text),
        )
    path = _file_of(session)
    if path is None:
        return
    try:
        current = _read(path)
    except OSError as exc:
        log.warning("audit anchor file unreadable: %s", exc)
        return
    if (
        rebase
        or (current is None and meta is None)
        or (current is not None and _extends(cur, node_id, sign_public, current, head[0]))
    ):
        session.info[_FILE_PENDING] = (path, text)


@event.listens_for(Session, "after_commit")
def _write_file(session: Session) -> None:
    pending = session.info.pop(_FILE_PENDING, None)
    if pending is None:
        return
    path, text = pending
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:  # the database is committed; the anchor lags behind until the next write
        log.warning("audit anchor not written: %s", exc)
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_FILE_PENDING, None)


def check(session: Session, root: Path, head_seq: int) -> tuple[int | None, str]:
    """Compare a sound chain of ``head_seq`` rows with the anchor file and the anchor row.

    Returns (first seq concerned, one line saying what) or (None, "")."""
    cur = _cursor(session)
    node = cur.execute("SELECT node_id, sign_public FROM node WHERE id = 1").fetchone()
    if node is None:
        return None, ""
    node_id, sign_public = node
    meta = cur.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    path = anchor_path(root)
    try:  # a server database has its anchor inside only (_file_of)
        file_text = _read(path) if dialect.is_sqlite(session) else None
    except OSError as exc:
        return head_seq, f"无法读取审计锚点文件 {path.name}：{words(exc)}"
    if file_text is None and meta is not None and dialect.is_sqlite(session):
        return head_seq, (f"审计锚点文件 {path.name} 缺失，无法确认日志末尾没有被删除；请从备份恢复，或联系技术支持")
    for place, text in (("锚点文件", file_text), ("数据库内的锚点", meta[0] if meta else None)):
        if text is None:
            continue
        doc = auditchain.parse_anchor(text)
        if doc is None:
            return head_seq, f"审计{place}已损坏，无法核对日志末尾"
        if doc["node"] != node_id or not auditchain.anchor_signed_by(doc, sign_public):
            return head_seq, f"审计{place}的签名与本节点密钥不符（锚点被改动）"
        if doc["seq"] > head_seq:
            return head_seq + 1, (
                f"审计日志末尾第 {head_seq + 1}–{doc['seq']} 条被删除"
                f"（{place}记到第 {doc['seq']} 条，日志现只有 {head_seq} 条）"
            )
        if _hash_at(cur, doc["seq"]) != doc["hash"]:
            return doc["seq"], (
                f"审计日志被整体改写：第 {doc['seq']} 条的哈希与{place}不符（日志被改动后重新计算了哈希）"
            )
    return None, ""
