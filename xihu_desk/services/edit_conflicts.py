"""Two desks editing one record: the second save is refused (optimistic versions, issue 17).

An editor remembers the record's version when it loads it and hands that back with the save. The
service compares it, under the writer lock (store/locks.py), with the version now stored: every
change through the app raises it (services/records.stamp_changed), and so does a newer copy
arriving in a bundle. When they differ somebody else saved in between; the save is refused with
who and when, and the editor keeps what was typed so it can be checked and saved again.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.store.base import Travelling
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent, User


class EditConflict(UserError):
    """The record changed since the editor loaded it; ``current_version`` is what is stored now.
    ``message`` suits any caller (the command line); ``editor_message`` is what a form that kept the
    typing shows."""

    def __init__(self, changed: str, current_version: int):
        super().__init__(f"{changed}，您的修改未保存。请查看最新内容后重新提交。")
        self.editor_message = f"{changed}，您的修改未保存；已保留您填写的内容，可核对后重新保存。"
        self.current_version = current_version


def _who(session: Session, entity: str, entity_id: str) -> str:
    """The person behind the latest audited change of the record: display name, else account."""
    actor = session.scalar(
        select(AuditEvent.actor)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    if actor is None:
        return "其他单位（数据包）"
    if actor.startswith("cli:"):  # services/context.cli_actor
        return f"命令行 {actor[4:]}"
    name = session.scalar(select(User.display_name).where(User.username == actor))
    return name or actor


def check_loaded(session: Session, record: Travelling, loaded: int | None, *, entity: str, noun: str) -> None:
    """Refuse the save when ``record`` is no longer at the version ``loaded`` (None: no editor, no check)."""
    if loaded is None or record.version == loaded:
        return
    when = clock.to_local(record.updated_at).strftime("%Y-%m-%d %H:%M")
    who = _who(session, entity, record.uuid)
    raise EditConflict(f"{noun}已由 {who} 于 {when} 修改", record.version)


def case_version(session: Session, case_uuid: str | None) -> int | None:
    """The case's version as this unit of work sees it (None for no case yet)."""
    case = session.get(MediationCase, case_uuid) if case_uuid else None
    return None if case is None else case.version
