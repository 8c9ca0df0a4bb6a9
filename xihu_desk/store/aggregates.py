"""Records as they travel: one JSON document per record, a case with all its parts.

A case travels whole (parties, mediators, records, agreement, follow-ups, confirmation,
attachment entries) under the case's version: every change to any part bumps it, and only
the owner node changes a case, so a higher version simply replaces the whole aggregate.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, and_, delete, insert, select
from sqlalchemy.orm import Session

from xihu_desk.domain import cases as case_rules
from xihu_desk.domain import record_checks
from xihu_desk.store import digests
from xihu_desk.store.case_models import (
    Agreement,
    AgreementDraft,
    Attachment,
    CaseHistory,
    CaseMediator,
    CaseRecord,
    CaseSearch,
    Confirmation,
    FollowUp,
    MediationCase,
    Mediator,
    Party,
)
from xihu_desk.store.mediator_models import (
    GradingApplication,
    GradingStep,
    MediatorAppointment,
    MediatorEvent,
    MediatorGrade,
    MediatorTraining,
)
from xihu_desk.store.committee_codes import CodeBook
from xihu_desk.store.committee_models import CaseEscalation, CommitteeMember, CommitteeProfile
from xihu_desk.store.models import Committee
from xihu_desk.store.report_models import ReportSubmission
from xihu_desk.store.review_models import ReviewItem, ReviewPause
from xihu_desk.store.screening_models import InfoOfficer, ScreenedDispute, ScreeningChange, ScreeningRound
from xihu_desk.store.sync_models import SyncAck
from xihu_desk.store.transfer_models import CaseTransfer

# What travels, in the order it is applied (what a record refers to comes before it). A case
# travels whole; every other kind row by row, each under its own version. Mapped classes of
# different shapes, typed loosely: every root has the Travelling columns (store/base.py).
ROOTS: dict[str, type[Any]] = {
    "committee": Committee,
    "mediator": Mediator,
    "committee_profile": CommitteeProfile,
    "committee_member": CommitteeMember,
    "mediator_appointment": MediatorAppointment,
    "mediator_training": MediatorTraining,
    "case": MediationCase,
    "case_escalation": CaseEscalation,
    "case_transfer": CaseTransfer,  # 移送 to another office (services/case_transfer.py)
    "mediator_event": MediatorEvent,
    "review_item": ReviewItem,
    "review_pause": ReviewPause,
    "grading_application": GradingApplication,
    "grading_step": GradingStep,
    "mediator_grade": MediatorGrade,
    # 矛盾纠纷排查 (services/screening.py): a found dispute may refer to the case made from it
    "info_officer": InfoOfficer,
    "screening_round": ScreeningRound,
    "screened_dispute": ScreenedDispute,
    "screening_change": ScreeningChange,  # a round corrected or voided: who, when, why
    # 报出 (services/report_submissions.py): a unit's submitted statistics, so the district sees them
    "report_submission": ReportSubmission,
}
KINDS = tuple(ROOTS)
# References to rows that stay on their node (accounts): not sent, so not dangling upstream.
LOCAL_REFERENCES = {"mediator": ("user_uuid",)}
# part name -> (model, is a list); every part has case_uuid
CASE_PARTS: dict[str, tuple[type[Any], bool]] = {
    "parties": (Party, True),
    "mediators": (CaseMediator, True),
    "records": (CaseRecord, True),
    "agreement": (Agreement, False),
    "followups": (FollowUp, True),
    "confirmation": (Confirmation, False),
    "attachments": (Attachment, True),
    "history": (CaseHistory, True),
}


class BadRecord(ValueError):
    """An incoming document that does not fit the schema; the reason is shown to people."""


def _out(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _name_key(kind: str) -> Any:
    def derive(values: dict[str, Any]) -> str:
        from xihu_desk.domain import names  # pypinyin's tables load only when a name arrives

        return (names.sort_key if kind == "committee" else names.person_key)(values["name"])

    return derive


# Columns each node computes from others when it writes the row: never sent, so nodes on versions
# with and without such a column still exchange records (an unknown or missing field refuses one).
DERIVED: dict[str, dict[str, Any]] = {
    "committee": {"name_key": _name_key("committee")},
    "mediator": {"name_key": _name_key("mediator")},
}


def row_doc(row: Any) -> dict[str, Any]:
    derived = DERIVED.get(row.__table__.name, {})
    return {c.name: _out(getattr(row, c.key)) for c in row.__table__.columns if c.name not in derived}


# Checked values come out in SQLite's storage form (what SQLAlchemy itself writes: ISO dates,
# "YYYY-MM-DD HH:MM:SS.ffffff" times, 0/1 for booleans), so a batch goes straight to the
# driver's executemany: SQLAlchemy's per-row parameter processing cost as much as SQLite's work.
_STORED_DATETIME = "%Y-%m-%d %H:%M:%S.%f"


def _checker(col: Any):
    name = col.name
    if isinstance(col.type, DateTime):

        def check_datetime(v: Any) -> str:
            moment = _parse(datetime.fromisoformat, v, name)
            if not record_checks.YEARS[0] <= moment.year <= record_checks.YEARS[1]:
                raise BadRecord(f"字段 {name} 的时间超出合理范围")
            return moment.strftime(_STORED_DATETIME)

        return check_datetime
    if isinstance(col.type, Date):

        def check_date(v: Any) -> str:
            if not (isinstance(v, str) and len(v) == 10):
                raise BadRecord(f"字段 {name} 不是有效日期")
            day = _parse(date.fromisoformat, v, name)
            if day.isoformat() != v or not record_checks.YEARS[0] <= day.year <= record_checks.YEARS[1]:
                raise BadRecord(f"字段 {name} 不是有效日期")
            return v

        return check_date
    if isinstance(col.type, Boolean):

        def check_bool(v: Any) -> int:
            if not isinstance(v, bool):
                raise BadRecord(f"字段 {name} 应为是或否")
            return int(v)

        return check_bool
    python_type = col.type.python_type
    if python_type is int:

        def check_int(v: Any) -> int:
            problem = record_checks.integer_problem(v)
            if problem:
                raise BadRecord(f"字段 {name} {problem}")
            return v

        return check_int
    if python_type is str:
        length = getattr(col.type, "length", None)

        def check_str(v: Any) -> str:
            if not isinstance(v, str):
                raise BadRecord(f"字段 {name} 应为文字")
            problem = record_checks.text_problem(v, length=length)
            if problem:
                raise BadRecord(f"字段 {name} {problem}")
            return v

        return check_str

    def check_plain(v: Any) -> Any:
        if not isinstance(v, (str, int, float)):
            raise BadRecord(f"字段 {name} 格式不对")
        return v

    return check_plain


_COLUMNS: dict[Any, tuple[frozenset[str], list[tuple[str, bool, Any]]]] = {}


def _columns(model: Any) -> tuple[frozenset[str], list[tuple[str, bool, Any]]]:
    if model not in _COLUMNS:
        derived = DERIVED.get(model.__table__.name, {})
        cols = [c for c in model.__table__.columns if c.name not in derived]
        _COLUMNS[model] = (frozenset(c.name for c in cols), [(c.name, c.nullable, _checker(c)) for c in cols])
    return _COLUMNS[model]


def doc_values(model: Any, doc: dict[str, Any]) -> dict[str, Any]:
    """Column values from a document, checked and in storage form; unknown or missing columns
    refuse it."""
    if not isinstance(doc, dict):
        raise BadRecord("记录格式不对")
    names, checks = _columns(model)
    if len(doc) != len(names) or doc.keys() != names:
        extra, missing = set(doc) - names, names - set(doc)
        if extra:
            raise BadRecord(f"记录含有未知字段：{'、'.join(record_checks.printable(k, 40) for k in sorted(extra)[:5])}")
        raise BadRecord(f"记录缺少字段：{'、'.join(sorted(missing))}")
    values = {}
    for name, nullable, check in checks:
        value = doc[name]
        if value is None:
            if not nullable:
                raise BadRecord(f"字段 {name} 不能为空")
        else:
            value = check(value)
        values[name] = value
    for name, derive in DERIVED.get(model.__table__.name, {}).items():
        values[name] = derive(values)
    return values


def _parse(fn, value: Any, name: str) -> Any:
    try:
        return fn(value)
    except (TypeError, ValueError):
        raise BadRecord(f"字段 {name} 不是有效日期") from None


# ------------------------------------------------------------------ reading what is to send


def _flat_doc(kind: str, row: Any) -> dict[str, Any]:
    doc = row_doc(row)
    for name in LOCAL_REFERENCES.get(kind, ()):
        doc[name] = None
    return doc


def case_docs(session: Session, cases: list[MediationCase]) -> list[dict[str, Any]]:
    """Whole case documents for a batch: one query per part, not one per case and part."""
    uuids = [c.uuid for c in cases]
    grouped: dict[str, dict[str, list[Any]]] = {part: {u: [] for u in uuids} for part in CASE_PARTS}
    for part, (model, _many) in CASE_PARTS.items():
        for row in session.scalars(select(model).where(model.case_uuid.in_(uuids))):
            grouped[part][row.case_uuid].append(row_doc(row))
    docs = []
    for case in cases:
        doc: dict[str, Any] = {"case": row_doc(case)}
        for part, (_model, many) in CASE_PARTS.items():
            rows = grouped[part][case.uuid]
            doc[part] = rows if many else (rows[0] if rows else None)
        docs.append(doc)
    return docs


def case_doc(session: Session, case: MediationCase) -> dict[str, Any]:
    return case_docs(session, [case])[0]


def pending(session: Session, kind: str, destination: str, batch: int = 500) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Records of ``kind`` the destination has not acknowledged at their current version, in
    uuid order, a batch at a time (memory stays flat). Records the destination owns are not
    sent back to it."""
    model = ROOTS[kind]
    last = ""
    while True:
        rows = list(
            session.scalars(
                select(model)
                .outerjoin(
                    SyncAck, and_(SyncAck.destination == destination, SyncAck.kind == kind, SyncAck.uuid == model.uuid)
                )
                .where(
                    model.uuid > last,
                    model.owner_node != destination,
                    (SyncAck.version.is_(None)) | (SyncAck.version < model.version),
                )
                .order_by(model.uuid)
                .limit(batch)
            )
        )
        if not rows:
            return
        docs = case_docs(session, rows) if kind == "case" else [_flat_doc(kind, r) for r in rows]
        yield from zip(rows, docs, strict=True)
        last = rows[-1].uuid
        session.expunge_all()


# ------------------------------------------------------------------ applying what came in


def _check_owner(doc_owner: str, existing_owner: str | None, allowed: set[str]) -> None:
    if doc_owner not in allowed:
        raise BadRecord("发送单位无权提交该记录（不是记录的管理单位，也不是其下级）")
    if existing_owner is not None and existing_owner != doc_owner:
        raise BadRecord("记录的管理单位与本地已有记录不符")


def apply(
    session: Session, kind: str, docs: list[dict[str, Any]], allowed_owners: set[str]
) -> list[tuple[str, int, str, str]]:
    """Upsert a batch by uuid and version. Returns (uuid, version, status, reason) per document,
    status one of accepted, duplicate, stale, refused, quarantined. A bad document is
    quarantined; the others go on."""
    model = ROOTS[kind]

    def root_of(d: Any) -> dict[str, Any]:
        root = d.get("case") if kind == "case" and isinstance(d, dict) else d
        return root if isinstance(root, dict) else {}

    results: list[tuple[str, int, str, str]] = []
    uuids = [record_checks.record_key(root_of(d).get("uuid")) for d in docs]
    reference = _reference_codes(session)
    existing: dict[str, int] = dict(
        session.execute(select(model.uuid, model.version).where(model.uuid.in_(uuids))).all()
    )
    owners: dict[str, str] = dict(
        session.execute(select(model.uuid, model.owner_node).where(model.uuid.in_(uuids))).all()
    )
    to_write: list[tuple[dict[str, Any], dict[str, Any]]] = []
    # what the documents refer to that exists here: a case's committee and mediators, another row's targets
    known_refs = _known_references(session, docs) if kind == "case" else set()
    known_targets = _known_targets(session, model, docs) if kind != "case" else {}
    codes = CodeBook(session) if kind == "committee" else None  # 字号 unique in the district
    same: list[tuple[int, dict[str, Any], dict[str, Any]]] = []  # equal version: is the content equal too?
    for doc, uuid in zip(docs, uuids, strict=True):
        root = root_of(doc)
        version = record_checks.record_version(root.get("version"))
        try:
            values = doc_values(model, root)
            _check_codes(model, values, reference)
            _check_owner(values["owner_node"], owners.get(uuid), allowed_owners)
            parts = _case_parts(doc, uuid) if kind == "case" else {}
            for part, rows in parts.items():
                for row in rows:
                    _check_codes(CASE_PARTS[part][0], row, reference)
            if kind == "case":
                _check_references(known_refs, values, parts)
            else:
                _check_targets(model, known_targets, values)
                if codes is not None:
                    codes.admit(values)
        except BadRecord as exc:
            status = "refused" if "无权" in str(exc) or "管理单位" in str(exc) else "quarantined"
            results.append((uuid, version, status, str(exc)))
            continue
        have = existing.get(uuid)
        if have is not None and have > version:
            results.append((uuid, version, "stale", f"本地已有更新的版本 {have}"))
        elif have == version:
            same.append((len(results), values, parts))
            results.append((uuid, version, "duplicate", ""))
        else:
            to_write.append((values, parts))
            results.append((uuid, version, "accepted", ""))
    for i, values, _parts in _differing(session, kind, same):
        results[i] = (values["uuid"], values["version"], "quarantined", SAME_VERSION_DIFFERS)
    replaced = [v["uuid"] for v, _ in to_write if v["uuid"] in existing]
    if replaced and kind == "case":
        # A draft agreement stays on its node (not a part): a case replaced from elsewhere drops it.
        # Its parts are replaced whole; the case's own row is updated in place below, since rows kept
        # beside it refer to it (an escalation, a transfer request): deleting it failed on their
        # foreign key, and an escalated case changed after its first bundle was quarantined.
        for model_ in [m for m, _ in CASE_PARTS.values()] + [CaseSearch, AgreementDraft]:
            session.execute(delete(model_).where(model_.case_uuid.in_(replaced)))
    if to_write:
        conn = session.connection()
        # Every kind is updated in place: a committee or mediator that cases refer to cannot be
        # deleted first (FOREIGN KEY constraint failed), e.g. a committee whose 字号 its owner changed.
        _insert_many(conn, model, [v for v, _ in to_write], upsert=True)
        if kind == "case":
            for part, (part_model, _many) in CASE_PARTS.items():
                rows = [r for _, parts in to_write for r in parts[part]]
                if rows:
                    _insert_many(conn, part_model, rows)
            digests.touch(session, [v["uuid"] for v, _ in to_write])  # written with plain SQL
            conn.execute(
                insert(CaseSearch),
                [
                    {
                        "case_uuid": v["uuid"],
                        "body": case_rules.search_body(
                            v["case_no"],
                            v["title"],
                            [p["name"] for p in parts["parties"] if not p["deleted"]],
                            v["summary"],
                            v["claims"],
                        ),
                    }
                    for v, parts in to_write
                ],
            )
    return results


def _insert_many(conn: Any, model: Any, rows: list[dict[str, Any]], upsert: bool = False) -> None:
    if conn.dialect.name != "sqlite":  # a server: SQLAlchemy's insert (store/pg.py)
        from xihu_desk.store import pg

        pg.insert_many(conn, model.__table__, rows, upsert=upsert)
        return
    columns = [c.name for c in model.__table__.columns]
    quote = conn.dialect.identifier_preparer.quote  # some columns are keywords ("on")
    sql = (
        f"INSERT INTO {quote(model.__table__.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    if upsert:  # the row by its uuid is replaced column by column, never deleted
        sql += " ON CONFLICT (uuid) DO UPDATE SET " + ", ".join(
            f"{quote(c)} = excluded.{quote(c)}" for c in columns if c != "uuid"
        )
    conn.exec_driver_sql(sql, [tuple(r[c] for c in columns) for r in rows])


def _case_parts(doc: dict[str, Any], case_uuid: str) -> dict[str, list[dict[str, Any]]]:
    parts: dict[str, list[dict[str, Any]]] = {}
    for part, (model, many) in CASE_PARTS.items():
        raw = doc.get(part)
        items = raw if many else ([] if raw is None else [raw])
        if not isinstance(items, list):
            raise BadRecord(f"案件的{part}部分格式不对")
        rows = []
        for item in items:
            values = doc_values(model, item)
            if values["case_uuid"] != case_uuid:
                raise BadRecord(f"案件的{part}部分属于另一个案件")
            rows.append(values)
        parts[part] = rows
    extra = set(doc) - set(CASE_PARTS) - {"case"}
    if extra:
        raise BadRecord(f"案件含有未知部分：{'、'.join(sorted(extra))}")
    return parts


def _foreign_keys(model: Any) -> list[tuple[str, Any]]:
    return [(col.name, fk.column.table) for col in model.__table__.columns for fk in col.foreign_keys]


def _known_targets(session: Session, model: Any, docs: list[dict[str, Any]]) -> dict[str, set[str]]:
    """For each foreign key of a row-by-row kind, which of the batch's targets exist here."""
    known: dict[str, set[str]] = {}
    for name, table in _foreign_keys(model):
        wanted = {str(d.get(name)) for d in docs if isinstance(d, dict) and d.get(name)}
        key = table.primary_key.columns.values()[0]
        known[name] = set(session.scalars(select(key).where(key.in_(wanted)))) if wanted else set()
    return known


def _check_targets(model: Any, known: dict[str, set[str]], values: dict[str, Any]) -> None:
    for name, table in _foreign_keys(model):
        if values[name] is not None and values[name] not in known[name]:
            raise BadRecord(f"记录引用的{table.name}（{values[name]}）不在本地，应随同一数据包或更早的数据包到达")


def _known_references(session: Session, docs: list[dict[str, Any]]) -> set[str]:
    """The committees and mediators a batch of cases refers to that exist here (one query each)."""
    committees, mediators = set(), set()
    for doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get("case"), dict):
            committees.add(str(doc["case"].get("committee_uuid")))
            listed = doc.get("mediators")
            for m in listed if isinstance(listed, list) else []:
                if isinstance(m, dict):
                    mediators.add(str(m.get("mediator_uuid")))
    found = set(session.scalars(select(Committee.uuid).where(Committee.uuid.in_(committees))))
    return found | set(session.scalars(select(Mediator.uuid).where(Mediator.uuid.in_(mediators))))


def _check_references(known: set[str], case: dict[str, Any], parts: dict[str, list[dict[str, Any]]]) -> None:
    if case["committee_uuid"] not in known:
        raise BadRecord("案件所属的调委会不在本地（应随同一数据包或更早的数据包到达）")
    for m in parts["mediators"]:
        if m["mediator_uuid"] not in known:
            raise BadRecord("案件的调解员不在本地名册中")


def _reference_codes(session: Session) -> dict[str, set[str]]:
    """Every code of the reference lists the record checks use, retired ones included."""
    from xihu_desk.store.case_models import RefCode

    out: dict[str, set[str]] = {name: set() for name in record_checks.code_lists()}
    for list_name, code in session.execute(
        select(RefCode.list_name, RefCode.code).where(RefCode.list_name.in_(list(out)))
    ):
        out[list_name].add(code)
    return out


def outgoing_problem(kind: str, doc: dict[str, Any]) -> str:
    """Why one of this node's records would be quarantined by the receiver's checks (the reference
    lists aside), or '': the sender then lists it at export instead of sending it."""
    model = ROOTS[kind]
    try:
        values = doc_values(model, doc["case"] if kind == "case" else doc)
        _check_codes(model, values, None)
        for part, rows in (_case_parts(doc, values["uuid"]) if kind == "case" else {}).items():
            for row in rows:
                _check_codes(CASE_PARTS[part][0], row, None)
    except BadRecord as exc:
        return str(exc)
    return ""


def _check_codes(model: Any, values: dict[str, Any], reference: dict[str, set[str]] | None) -> None:
    """Code columns hold codes of their list (a review type of '=HYPERLINK(…)' is not one)."""
    table = model.__tablename__
    for name in record_checks.code_columns(table):
        problem = record_checks.code_problem(table, name, values[name], reference)
        if problem:
            raise BadRecord(f"字段 {name} 的{problem}")


# ------------------------------------------------------------------ content digests


SAME_VERSION_DIFFERS = (
    "同一版本号的内容与本地已有的不同（对方可能恢复过备份后重新修改）：已隔离，待对方重新对齐后以更高版本报送"
)
NUMBER_CLASH = "与本地已有记录冲突"


def _digest(kind: str, values: dict[str, Any], parts: dict[str, list[dict[str, Any]]]) -> str:
    """A record's content as it travels, in storage form, lists in a fixed order."""
    import hashlib
    import json

    body: dict[str, Any] = {"root": values}
    if kind == "case":
        body.update({p: sorted(parts[p], key=lambda r: json.dumps(r, sort_keys=True, default=str)) for p in CASE_PARTS})
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def travel_digest(kind: str, doc: dict[str, Any]) -> str:
    """The digest of a travelling document (what ``pending`` yields, or a doc received)."""
    root = doc["case"] if kind == "case" else doc
    values = doc_values(ROOTS[kind], root)
    return _digest(kind, values, _case_parts(doc, values["uuid"]) if kind == "case" else {})


def local_docs(session: Session, kind: str, uuids: list[str]) -> dict[str, dict[str, Any]]:
    """Travelling documents of the records here with these uuids, as ``pending`` would send them."""
    model = ROOTS[kind]
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(uuids), 500):
        rows = list(session.scalars(select(model).where(model.uuid.in_(uuids[start : start + 500]))))
        docs = case_docs(session, rows) if kind == "case" else [_flat_doc(kind, r) for r in rows]
        out.update({r.uuid: d for r, d in zip(rows, docs, strict=True)})
    return out


def local_digests(session: Session, kind: str, uuids: list[str]) -> dict[str, str]:
    out = {}
    for uuid, doc in local_docs(session, kind, uuids).items():
        try:
            out[uuid] = travel_digest(kind, doc)
        except BadRecord:  # a record here that would not pass as sent: compare it as it is
            out[uuid] = "local:" + uuid
    return out


def _differing(
    session: Session, kind: str, same: list[tuple[int, dict[str, Any], dict[str, Any]]]
) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
    """Of the records received at a version we already hold, those whose content is not ours: never
    a silent duplicate (a node that restored a backup reuses version numbers)."""
    if not same:
        return []
    # The root row is enough, and cheap: any change to a case's parts bumps the case's own version and
    # time (stamp_changed), so an edit made again after a restore differs there too.
    model = ROOTS[kind]
    here: dict[str, dict[str, Any] | None] = {}
    for row in session.scalars(select(model).where(model.uuid.in_([v["uuid"] for _i, v, _p in same]))):
        try:
            here[row.uuid] = doc_values(model, _flat_doc(kind, row))
        except BadRecord:
            here[row.uuid] = None
    return [(i, v, p) for i, v, p in same if here.get(v["uuid"]) != v]
