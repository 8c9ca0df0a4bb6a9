"""People's-mediation committees (调委会) known to this node."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_new
from xihu_desk.store.models import Committee, OrgUnit

KIND_LABELS = {"street": "街道", "town": "镇", "community": "社区", "village": "村", "other": "行业性、专业性"}


@dataclass(frozen=True)
class CommitteeRow:
    uuid: str
    name: str
    short_name: str
    org_code: str
    kind: str


@dataclass(frozen=True)
class CommitteeCommand:
    name: str
    short_name: str
    org_code: str
    kind: str


def list_committees(session: Session) -> list[CommitteeRow]:
    rows = session.scalars(select(Committee).where(Committee.deleted.is_(False)).order_by(Committee.org_code, Committee.name))
    return [CommitteeRow(c.uuid, c.name, c.short_name, c.org_code, c.kind) for c in rows]


def create_committee(session: Session, actor: Actor, cmd: CommitteeCommand) -> CommitteeRow:
    actor.require(Perm.MANAGE_USERS)
    name, short = cmd.name.strip(), cmd.short_name.strip()
    if not name.endswith("人民调解委员会"):
        raise UserError("调委会名称应以“人民调解委员会”结尾，例如“北山街道人民调解委员会”。")
    if not short or len(short) > 10:
        raise UserError("请填写 1–10 字的简称（用于案件编号，如“北山”）。")
    if cmd.kind not in KIND_LABELS:
        raise UserError(f"未知的调委会类型：{cmd.kind}")
    if session.get(OrgUnit, cmd.org_code) is None:
        raise UserError(f"单位代码“{cmd.org_code}”不在单位列表中。")
    if session.scalar(select(Committee.uuid).where(Committee.name == name, Committee.deleted.is_(False))):
        raise UserError(f"“{name}”已存在。")
    committee = Committee(name=name, short_name=short, org_code=cmd.org_code, kind=cmd.kind, uuid="")
    stamp_new(session, actor, committee)
    session.add(committee)
    session.flush()
    audit.record(session, actor, "committee.create", "committee", committee.uuid, summary=f"新建调委会：{name}",
                 after={"name": name, "short_name": short, "org_code": cmd.org_code, "kind": cmd.kind})
    return CommitteeRow(committee.uuid, name, short, cmd.org_code, cmd.kind)


def ensure_own_committee(session: Session, actor: Actor, org: OrgUnit) -> CommitteeRow:
    """A street or town office starts with its own committee, e.g. 北山街道人民调解委员会."""
    name = f"{org.name}人民调解委员会"
    existing = session.scalar(select(Committee).where(Committee.name == name))
    if existing:
        return CommitteeRow(existing.uuid, existing.name, existing.short_name, existing.org_code, existing.kind)
    return create_committee(session, actor, CommitteeCommand(name, org.short_name, org.code, org.kind))
