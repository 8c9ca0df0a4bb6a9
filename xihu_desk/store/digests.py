"""A digest of every case as the app wrote it, so edits made outside the app show up in ``check``.

A case's rows (the case and its parties, mediators, records, agreement, follow-ups, confirmation,
attachment entries, history and a draft agreement) are read back as SQLite stores them, in a fixed order, and hashed with
HMAC-SHA256 under a key derived from the node's signing key; the result goes into
``record_digest`` beside the case's uuid. This happens in ``before_commit`` for every case the
transaction touched: the ORM's new, changed and deleted rows are noted after each flush, and code
that writes rows with plain SQL (bundle import) calls ``touch``. Reading the rows back, rather
than hashing what the code meant to write, makes the digest independent of the path that wrote.

``check`` recomputes the digest of every case and names those that differ (content changed with
the version left as it was, e.g. with the sqlite3 shell), those without one (rows added outside
the app) and digests whose case is gone (rows deleted outside the app).

Each digest is prefixed with a tag of the column lists it covers; the lists of every tag in use
are kept in ``meta`` (``record_digest.columns``), so a later migration that adds a column does not
make every older digest look wrong: a case is checked with the columns it was hashed over.
A migration that rewrites case rows itself must call ``rebuild`` afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from xihu_desk.store import dialect

# The case and its parts, in hashing order; every part has a case_uuid column.
TABLES = (
    "mediation_case",
    "party",
    "case_mediator",
    "case_record",
    "agreement",
    "followup",
    "confirmation",
    "attachment",
    "case_history",
    "agreement_draft",
)
# A digest covers the tables its tag lists: one made before a table existed (case_history came with
# migration 0010_case_history) is checked over the tables it was made over.
_TOUCHED = "xihu_desk.digest.touched"
COLUMNS_KEY = "record_digest.columns"
CHUNK = 400


def touch(session: Session, case_uuids: Iterable[str]) -> None:
    """Note cases written with plain SQL in this transaction; their digests follow at commit."""
    session.info.setdefault(_TOUCHED, set()).update(case_uuids)


def _case_of(obj: Any) -> str | None:
    name = getattr(getattr(obj, "__table__", None), "name", None)
    if name == "mediation_case":
        return obj.uuid
    if name in TABLES:
        return obj.case_uuid
    return None


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _ctx: Any) -> None:
    touched = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        uuid = _case_of(obj)
        if uuid:
            if touched is None:
                touched = session.info.setdefault(_TOUCHED, set())
            touched.add(uuid)


@event.listens_for(Session, "before_commit")
def _digest_touched(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # what is still pending belongs to this commit (and is noted on the way)
    if _TOUCHED not in session.info:
        return
    touched = session.info.pop(_TOUCHED, set())
    if touched:
        write(session.connection().connection.driver_connection, sorted(touched))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


# ------------------------------------------------------------------ computing (plain DB-API)


def _columns(cur: Any) -> dict[str, list[str]]:
    """The columns of each table that exists (a migration may digest before a later one adds one)."""
    found = {t: cur.columns(t) for t in TABLES}
    return {t: cols for t, cols in found.items() if cols}


def _tag(columns: dict[str, list[str]]) -> str:
    return hashlib.sha256(json.dumps(columns, sort_keys=True).encode()).hexdigest()[:8]


def _key(cur: Any) -> bytes | None:
    row = cur.execute("SELECT sign_private FROM node WHERE id = 1").fetchone()
    return None if row is None else hmac.new(b"xihu-desk/record-digest/v1", row[0], hashlib.sha256).digest()


def _rows(cur: Any, columns: dict[str, list[str]], uuids: list[str]) -> dict[str, dict[str, list[tuple]]]:
    """case uuid -> table -> rows (tuples in column order, sorted), for the cases given."""
    out: dict[str, dict[str, list[tuple]]] = {u: {t: [] for t in columns} for u in uuids}
    marks = ",".join("?" * len(uuids))
    for table in columns:
        by = "uuid" if table == "mediation_case" else "case_uuid"
        sql = f"SELECT {by}, {', '.join(_q(c) for c in columns[table])} FROM {table} WHERE {by} IN ({marks})"
        for row in cur.execute(sql, uuids):
            out[row[0]][table].append(row[1:])
    return out


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _digest(key: bytes, columns: dict[str, list[str]], tables: dict[str, list[tuple]]) -> str:
    # Values as SQLite returns them (None, int, float, str, bytes): their repr is exact and
    # stable, and much cheaper than JSON. Rows of a part are sorted, so their order does not count.
    h = hmac.new(key, digestmod=hashlib.sha256)
    for table in (t for t in TABLES if t in columns):
        h.update(f"\x1d{table}\x1f{','.join(columns[table])}".encode())
        for row in sorted(map(repr, tables[table])):
            h.update(b"\x1e" + row.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def _known(cur: Any) -> dict[str, dict[str, list[str]]]:
    row = cur.execute("SELECT value FROM meta WHERE key = ?", (COLUMNS_KEY,)).fetchone()
    try:
        known = json.loads(row[0]) if row else {}
    except ValueError:
        known = {}
    return known if isinstance(known, dict) else {}


def _register(cur: Any, tag: str, columns: dict[str, list[str]]) -> None:
    known = _known(cur)
    if known.get(tag) != columns:
        known[tag] = columns
        cur.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (COLUMNS_KEY, json.dumps(known)),
        )


def write(conn: Any, case_uuids: list[str]) -> None:
    """(Re)compute and store the digests of these cases; a case that is gone loses its digest."""
    cur = dialect.wrap(conn)
    key = _key(cur)
    if key is None:
        return
    columns = _columns(cur)
    tag = _tag(columns)
    _register(cur, tag, columns)
    for i in range(0, len(case_uuids), CHUNK):
        chunk = case_uuids[i : i + CHUNK]
        rows = _rows(cur, columns, chunk)
        present = [u for u in chunk if rows[u]["mediation_case"]]
        gone = [u for u in chunk if not rows[u]["mediation_case"]]
        cur.executemany(
            "INSERT INTO record_digest (case_uuid, digest) VALUES (?, ?)"
            " ON CONFLICT (case_uuid) DO UPDATE SET digest = excluded.digest",
            [(u, f"{tag}:{_digest(key, columns, rows[u])}") for u in present],
        )
        cur.executemany("DELETE FROM record_digest WHERE case_uuid = ?", [(u,) for u in gone])


def rebuild(conn: Any) -> None:
    """Digest every case (after a migration that rewrote case rows, or when the table is new)."""
    cur = dialect.wrap(conn)
    uuids = [r[0] for r in cur.execute("SELECT uuid FROM mediation_case ORDER BY uuid")]
    cur.execute("DELETE FROM record_digest")
    write(conn, uuids)


# ------------------------------------------------------------------ checking


@dataclass
class DigestReport:
    cases: int = 0
    changed: list[tuple[str, str]] = field(default_factory=list)  # (uuid, case number)
    unsigned: list[tuple[str, str]] = field(default_factory=list)  # case without a digest
    vanished: list[str] = field(default_factory=list)  # digest without its case
    changed_count: int = 0
    unsigned_count: int = 0

    @property
    def ok(self) -> bool:
        return not (self.changed or self.unsigned or self.vanished)


def _chunks(cur: Any) -> Iterator[list[tuple[str, str]]]:
    last = ""
    while True:
        rows = cur.execute(
            "SELECT uuid, case_no FROM mediation_case WHERE uuid > ? ORDER BY uuid LIMIT ?", (last, CHUNK)
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def verify(conn: Any, limit: int = 1000) -> DigestReport:
    """Recompute every case's digest; list (up to ``limit`` of each kind) what does not match."""
    cur = dialect.wrap(conn)
    report = DigestReport()
    key = _key(cur)
    if key is None:
        return report
    known = _known(cur)
    current = _columns(cur)
    for chunk in _chunks(cur):
        uuids = [u for u, _ in chunk]
        stored = dict(
            cur.execute(
                f"SELECT case_uuid, digest FROM record_digest WHERE case_uuid IN ({','.join('?' * len(uuids))})", uuids
            ).fetchall()
        )
        by_tag: dict[str, list[str]] = {}
        for uuid in uuids:
            if uuid in stored:
                by_tag.setdefault(stored[uuid].partition(":")[0], []).append(uuid)
        good: set[str] = set()
        for tag, group in by_tag.items():
            # Hashed over the columns of its tag (older digests: before a column was added).
            columns = known.get(tag)
            if not (
                isinstance(columns, dict)
                and "mediation_case" in columns
                and set(columns) <= set(TABLES)
                and all(isinstance(v, list) for v in columns.values())
            ) or any(set(columns[t]) - set(current.get(t, [])) for t in columns):
                continue  # an unknown tag, or a column that is gone: reported as changed
            rows = _rows(cur, columns, group)
            good.update(
                u for u in group if hmac.compare_digest(_digest(key, columns, rows[u]), stored[u].partition(":")[2])
            )
        for uuid, case_no in chunk:
            report.cases += 1
            if uuid not in stored:
                report.unsigned_count += 1
                if len(report.unsigned) < limit:
                    report.unsigned.append((uuid, case_no))
            elif uuid not in good:
                report.changed_count += 1
                if len(report.changed) < limit:
                    report.changed.append((uuid, case_no))
    for (uuid,) in cur.execute(
        "SELECT d.case_uuid FROM record_digest d LEFT JOIN mediation_case c "
        "ON c.uuid = d.case_uuid WHERE c.uuid IS NULL LIMIT ?",
        (limit,),
    ):
        report.vanished.append(uuid)
    return report
