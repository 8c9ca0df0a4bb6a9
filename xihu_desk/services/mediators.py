"""The mediator roster: who may be assigned to cases. Grading builds on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import idnumber
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_new
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import Committee

EMPLOYMENT = {"full_time": "专职", "part_time": "兼职"}


@dataclass(frozen=True)
class MediatorCommand:
    name: str
    committee_uuid: str
    gender: str = ""
    phone: str = ""
    id_number: str = ""
    employment_type: str = "part_time"
    appointed_on: date | None = None


@dataclass(frozen=True)
class MediatorRow:
    uuid: str
    name: str
    committee_uuid: str
    committee: str
    gender: str
    phone: str
    employment_type: str
    grade: str
    active: bool


def list_mediators(session: Session, committee_uuid: str | None = None, *, active_only: bool = True) -> list[MediatorRow]:
    query = (select(Mediator, Committee.name).join(Committee, Committee.uuid == Mediator.committee_uuid)
             .where(Mediator.deleted.is_(False)))
    if committee_uuid:
        query = query.where(Mediator.committee_uuid == committee_uuid)
    if active_only:
        query = query.where(Mediator.active)
    return [MediatorRow(m.uuid, m.name, m.committee_uuid, cname, m.gender, m.phone, m.employment_type, m.grade, m.active)
            for m, cname in session.execute(query.order_by(Committee.name, Mediator.name))]


def create_mediator(session: Session, actor: Actor, cmd: MediatorCommand) -> MediatorRow:
    actor.require(Perm.MANAGE_MEDIATORS)
    name = cmd.name.strip()
    if not name:
        raise FieldError("name", "请填写调解员姓名。")
    committee = session.get(Committee, cmd.committee_uuid)
    if committee is None or committee.deleted:
        raise FieldError("committee_uuid", "请选择调解员所在的调委会。")
    if cmd.employment_type not in EMPLOYMENT:
        raise FieldError("employment_type", "请选择专职或兼职。")
    number = ""
    if cmd.id_number.strip():
        try:
            number = idnumber.validate(cmd.id_number)
        except UserError as exc:
            raise FieldError("id_number", exc.message) from None
    row = Mediator(uuid="", name=name, committee_uuid=committee.uuid, gender=cmd.gender, phone=cmd.phone.strip(),
                   id_number=number, employment_type=cmd.employment_type, grade="", appointed_on=cmd.appointed_on,
                   active=True)
    stamp_new(session, actor, row)
    session.add(row)
    session.flush()
    audit.record(session, actor, "mediator.create", "mediator", row.uuid, summary=f"调解员名册新增 {name}（{committee.name}）")
    return MediatorRow(row.uuid, name, committee.uuid, committee.name, row.gender, row.phone, row.employment_type, "", True)
