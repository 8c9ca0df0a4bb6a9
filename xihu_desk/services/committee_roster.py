"""Committees as they are (issue 18): particulars over time and members with roles and terms.

A change never overwrites: new particulars are a new ``committee_profile`` row from the day they
take effect; a change of role closes the member's row the day before and opens a new one. The
law's composition rules (domain/committee_rules.py) are checked on the members serving today and
shown as warnings (the committee page, ``committee list``), never as a refusal: the record must
say how the committee really is, even when it falls short.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import committee_rules as rules
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.services.units import reads, writes
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.committee_models import CommitteeMember, CommitteeProfile
from xihu_desk.store.models import Committee, Node

audit.ACTION_LABELS.setdefault("committee.profile", "调委会基本情况")
audit.ACTION_LABELS.setdefault("committee.member", "调委会组成人员")


@dataclass(frozen=True)
class MemberView:
    uuid: str
    mediator_uuid: str
    name: str
    role: str
    role_label: str
    term_start: date
    term_end: date | None
    gender: str
    ethnic_minority: bool
    end_reason: str = ""


@dataclass(frozen=True)
class ProfileView:
    effective_on: date
    org_kind: str
    org_kind_label: str
    registered_on: date | None
    filed_on: date | None
    filing_no: str
    seal: str
    address: str
    phone: str
    multi_ethnic: bool
    reason: str


@dataclass(frozen=True)
class CommitteeView:
    uuid: str
    code: str  # 字号
    name: str
    org_code: str
    committee_kind: str  # committee.kind (street, community…), which shapes the 字号
    kind: str  # organisation kind, rules.ORG_KINDS
    kind_label: str
    own: bool
    profile: ProfileView | None  # None: particulars not entered yet
    members: list[MemberView]  # serving on the day asked
    warnings: list[str]
    past_members: list[MemberView] = field(default_factory=list)
    profiles: list[ProfileView] = field(default_factory=list)  # oldest first

    @property
    def chair(self) -> str:
        return "、".join(m.name for m in self.members if m.role == "chair")

    @property
    def registered_on(self) -> date | None:
        return self.profile.registered_on if self.profile else None


@dataclass(frozen=True)
class ProfileInput:
    effective_on: date
    org_kind: str
    registered_on: date | None = None
    filed_on: date | None = None
    filing_no: str = ""
    seal: str = ""
    address: str = ""
    phone: str = ""
    multi_ethnic: bool = False
    reason: str = ""


def _profile_view(p: CommitteeProfile) -> ProfileView:
    return ProfileView(
        p.effective_on,
        p.org_kind,
        rules.ORG_KINDS.get(p.org_kind, p.org_kind),
        p.registered_on,
        p.filed_on,
        p.filing_no,
        p.seal,
        p.address,
        p.phone,
        p.multi_ethnic,
        p.reason,
    )


@reads
def committee_views(
    session: Session, on: date, committee_uuid: str | None = None, with_history: bool = False
) -> list[CommitteeView]:
    """Every committee here (or one) as it stands on ``on``: its particulars in force, the members
    serving, and the rule warnings; ``with_history`` adds past members and every profile version.
    Three queries whatever the number of committees."""
    query = select(Committee).where(Committee.deleted.is_(False)).order_by(Committee.org_code, Committee.name_key)
    if committee_uuid is not None:
        query = query.where(Committee.uuid == committee_uuid)
    committees = list(session.scalars(query))
    uuids = [c.uuid for c in committees]
    me = session.scalar(select(Node.node_id).where(Node.id == 1))
    profiles: dict[str, list[CommitteeProfile]] = defaultdict(list)
    for p in session.scalars(
        select(CommitteeProfile)
        .where(CommitteeProfile.committee_uuid.in_(uuids), CommitteeProfile.deleted.is_(False))
        .order_by(CommitteeProfile.effective_on, CommitteeProfile.updated_at, CommitteeProfile.uuid)
    ):
        profiles[p.committee_uuid].append(p)
    seats: dict[str, list[tuple[CommitteeMember, Mediator]]] = defaultdict(list)
    for m, person in session.execute(
        select(CommitteeMember, Mediator)
        .join(Mediator, Mediator.uuid == CommitteeMember.mediator_uuid)
        .where(CommitteeMember.committee_uuid.in_(uuids), CommitteeMember.deleted.is_(False))
        .order_by(CommitteeMember.term_start, Mediator.name_key)
    ):
        seats[m.committee_uuid].append((m, person))
    out = []
    for c in committees:
        in_force = [p for p in profiles[c.uuid] if p.effective_on <= on]
        current = in_force[-1] if in_force else (profiles[c.uuid][0] if profiles[c.uuid] else None)
        kind = current.org_kind if current else rules.org_kind_of(c.kind)
        now: list[MemberView] = []
        past: list[MemberView] = []
        for m, person in seats[c.uuid]:
            view = MemberView(
                m.uuid,
                person.uuid,
                person.name,
                m.role,
                rules.ROLES.get(m.role, m.role),
                m.term_start,
                m.term_end,
                person.gender,
                m.ethnic_minority,
                m.end_reason,
            )
            (now if rules.serving(m.term_start, m.term_end, on) else past).append(view)
        now.sort(key=lambda v: list(rules.ROLES).index(v.role) if v.role in rules.ROLES else 9)
        found = rules.warnings(
            kind,
            bool(current and current.multi_ethnic),
            [rules.Seat(v.name, v.role, v.gender, v.ethnic_minority) for v in now],
        )
        out.append(
            CommitteeView(
                c.uuid,
                c.short_name,
                c.name,
                c.org_code,
                c.kind,
                kind,
                rules.ORG_KINDS.get(kind, kind),
                c.owner_node == me,
                _profile_view(current) if current else None,
                now,
                found,
                past if with_history else [],
                [_profile_view(p) for p in profiles[c.uuid]] if with_history else [],
            )
        )
    return out


@reads
def committee_view(session: Session, committee_uuid: str, on: date) -> CommitteeView:
    found = committee_views(session, on, committee_uuid, with_history=True)
    if not found:
        raise NotFound("找不到该调委会。")
    return found[0]


def _own_committee(session: Session, actor: Actor, committee_uuid: str) -> Committee:
    actor.require(Perm.MANAGE_MEDIATORS)
    committee = session.get(Committee, committee_uuid)
    if committee is None or committee.deleted:
        raise NotFound("找不到该调委会。")
    if committee.owner_node != session.scalar(select(Node.node_id).where(Node.id == 1)):
        raise PermissionDenied(f"“{committee.name}”由其他单位管理，其基本情况和组成人员只能由该单位登记。")
    return committee


def _text(value: str, name: str, label: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise FieldError(name, f"{label}不能超过 {limit} 个字。")
    return value


@writes
def set_profile(session: Session, actor: Actor, committee_uuid: str, cmd: ProfileInput) -> ProfileView:
    """Records the committee's particulars from ``cmd.effective_on`` on, as a new version."""
    committee = _own_committee(session, actor, committee_uuid)
    if cmd.org_kind not in rules.ORG_KINDS:
        raise FieldError("org_kind", f"未知的组织类型：{cmd.org_kind}")
    if cmd.effective_on > actor.today:
        raise FieldError("effective_on", "生效日期不能晚于今天。")
    for name, day in (("registered_on", cmd.registered_on), ("filed_on", cmd.filed_on)):
        if day is not None and day > actor.today:
            raise FieldError(name, "日期不能晚于今天。")
    if cmd.registered_on and cmd.filed_on and cmd.filed_on < cmd.registered_on:
        raise FieldError("filed_on", "备案日期不能早于成立日期。")
    row = CommitteeProfile(
        uuid="",
        committee_uuid=committee.uuid,
        effective_on=cmd.effective_on,
        org_kind=cmd.org_kind,
        registered_on=cmd.registered_on,
        filed_on=cmd.filed_on,
        filing_no=_text(cmd.filing_no, "filing_no", "备案编号", 40),
        seal=_text(cmd.seal, "seal", "印章", 60),
        address=_text(cmd.address, "address", "地址", 120),
        phone=_text(cmd.phone, "phone", "电话", 30),
        multi_ethnic=cmd.multi_ethnic,
        reason=cmd.reason.strip(),
    )
    stamp_new(session, actor, row)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "committee.profile",
        "committee",
        committee.uuid,
        summary=f"{committee.name} 基本情况（自 {cmd.effective_on} 起）：{rules.ORG_KINDS[cmd.org_kind]}",
        after={"org_kind": cmd.org_kind, "registered_on": cmd.registered_on, "filed_on": cmd.filed_on},
    )
    return _profile_view(row)


def _check_role(role: str) -> None:
    if role not in rules.ROLES:
        raise FieldError("role", f"未知的职务：{role}（可选 {'、'.join(f'{k} {v}' for k, v in rules.ROLES.items())}）")


@writes
def add_member(
    session: Session,
    actor: Actor,
    committee_uuid: str,
    mediator_uuid: str,
    role: str,
    term_start: date,
    term_end: date | None = None,
    ethnic_minority: bool = False,
) -> str:
    """A person of the roster joins the committee in ``role``; a term of 3 years (Art 9) when
    no end is given. The same person may serve other committees at the same time."""
    committee = _own_committee(session, actor, committee_uuid)
    _check_role(role)
    person = session.get(Mediator, mediator_uuid)
    if person is None or person.deleted:
        raise FieldError("mediator_uuid", "所选人员不在调解员名册中。")
    if term_end is None:
        term_end = _years_later(term_start, rules.TERM_YEARS) - timedelta(days=1)
    if term_end < term_start:
        raise FieldError("term_end", "任期结束日期不能早于开始日期。")
    for other in session.scalars(
        select(CommitteeMember).where(
            CommitteeMember.committee_uuid == committee.uuid,
            CommitteeMember.mediator_uuid == mediator_uuid,
            CommitteeMember.deleted.is_(False),
        )
    ):
        if other.term_start <= term_end and (other.term_end is None or other.term_end >= term_start):
            raise FieldError(
                "mediator_uuid",
                f"{person.name}在该期间已任{rules.ROLES.get(other.role, other.role)}；改任其他职务请用“改任”。",
            )
    row = CommitteeMember(
        uuid="",
        committee_uuid=committee.uuid,
        mediator_uuid=mediator_uuid,
        role=role,
        term_start=term_start,
        term_end=term_end,
        ethnic_minority=ethnic_minority,
        end_reason="",
    )
    stamp_new(session, actor, row)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "committee.member",
        "committee",
        committee.uuid,
        summary=f"{committee.name}：{person.name}任{rules.ROLES[role]}（{term_start} 至 {term_end}）",
        after={"mediator_uuid": mediator_uuid, "role": role, "term_start": term_start, "term_end": term_end},
    )
    return row.uuid


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _serving_row(session: Session, actor: Actor, member_uuid: str) -> tuple[CommitteeMember, Committee, Mediator]:
    row = session.get(CommitteeMember, member_uuid)
    if row is None or row.deleted:
        raise NotFound("找不到该任职记录。")
    committee = _own_committee(session, actor, row.committee_uuid)
    person = session.get(Mediator, row.mediator_uuid)
    assert person is not None
    return row, committee, person


@writes
def change_role(session: Session, actor: Actor, member_uuid: str, role: str, on: date, reason: str) -> str:
    """改任: the member's row ends the day before ``on``; a new row in ``role`` runs from ``on`` to
    the end of the same term. Returns the new row's uuid."""
    row, committee, person = _serving_row(session, actor, member_uuid)
    _check_role(role)
    if role == row.role:
        raise FieldError("role", f"{person.name}已经是{rules.ROLES[role]}。")
    if not reason.strip():
        raise FieldError("reason", "请写明改任的理由（例如换届选举、补选）。")
    if not rules.serving(row.term_start, row.term_end, on) or on == row.term_start:
        raise FieldError("on", f"改任日期应在该任期之内（{row.term_start} 之后、{row.term_end or '至今'} 之前）。")
    old_role, term_end = row.role, row.term_end
    row.term_end = on - timedelta(days=1)
    row.end_reason = f"改任{rules.ROLES[role]}：{reason.strip()}"[:120]
    stamp_changed(actor, row)
    new = CommitteeMember(
        uuid="",
        committee_uuid=row.committee_uuid,
        mediator_uuid=row.mediator_uuid,
        role=role,
        term_start=on,
        term_end=term_end,
        ethnic_minority=row.ethnic_minority,
        end_reason="",
    )
    stamp_new(session, actor, new)
    session.add(new)
    session.flush()
    audit.record(
        session,
        actor,
        "committee.member",
        "committee",
        committee.uuid,
        summary=f"{committee.name}：{person.name}自 {on} 起由{rules.ROLES[old_role]}改任{rules.ROLES[role]}",
        before={"role": old_role},
        after={"role": role, "reason": reason.strip()},
    )
    return new.uuid


@writes
def end_membership(session: Session, actor: Actor, member_uuid: str, on: date, reason: str) -> None:
    """The member leaves the committee on ``on`` (离任, 罢免, 辞职…); the row stays as history."""
    row, committee, person = _serving_row(session, actor, member_uuid)
    if not reason.strip():
        raise FieldError("reason", "请写明离任的理由。")
    if on < row.term_start:
        raise FieldError("on", f"离任日期不能早于任职开始日期 {row.term_start}。")
    row.term_end = on
    row.end_reason = reason.strip()[:120]
    stamp_changed(actor, row)
    audit.record(
        session,
        actor,
        "committee.member",
        "committee",
        committee.uuid,
        summary=f"{committee.name}：{person.name}于 {on} 离任{rules.ROLES.get(row.role, row.role)}（{reason.strip()}）",
    )


def find_member(session: Session, committee_uuid: str, mediator_key: str, on: date) -> CommitteeMember:
    """The serving row of a person (roster uuid or name) in the committee on ``on``."""
    key = mediator_key.strip()
    rows = list(
        session.scalars(
            select(CommitteeMember)
            .join(Mediator, Mediator.uuid == CommitteeMember.mediator_uuid)
            .where(
                CommitteeMember.committee_uuid == committee_uuid,
                CommitteeMember.deleted.is_(False),
                (Mediator.uuid == key) | (Mediator.name == key),
            )
        )
    )
    rows = [r for r in rows if rules.serving(r.term_start, r.term_end, on)]
    if len(rows) != 1:
        raise NotFound(f"“{key}”目前不在该调委会任职。" if not rows else f"“{key}”对应多人，请改用名册中的 uuid。")
    return rows[0]
