"""The mediator roster (人民调解员名册): who may be assigned to cases, their profile, appointments,
training log, awards, complaints, discipline and escalations (domain.md §1.2, §4.4–4.5).

Grading (evidence, rule sets, applications) is in services/grading.py. Every write needs
Perm.MANAGE_MEDIATORS and leaves an audit event; reading the roster needs that or
Perm.VIEW_CASES (mediators pick colleagues for a case). ID numbers are masked unless revealed
by a role that may, and every reveal is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from xihu_desk.domain import grading, idnumber, names
from xihu_desk.domain.cases import age_on
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, edit_conflicts
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.services.units import reads
from xihu_desk.store import moved_out
from xihu_desk.store.case_models import CaseMediator, MediationCase, Mediator
from xihu_desk.store.mediator_models import MediatorAppointment, MediatorEvent, MediatorGrade, MediatorTraining
from xihu_desk.store.models import Committee, Node

EMPLOYMENT = grading.EMPLOYMENT  # full_time 专职, part_time 兼职, invited 特邀
ADULT_AGE = 18  # 人民调解法第14条: 成年公民
PROFILE_FIELDS = (
    "name",
    "committee_uuid",
    "gender",
    "phone",
    "id_number",
    "employment_type",
    "appointed_on",
    "education",
    "political_status",
    "legal_qualification",
    "source",
    "appointment_end",
    "registered_on",
    "registration_no",
    "status",
    "note",
)


@dataclass(frozen=True)
class MediatorCommand:
    name: str
    committee_uuid: str
    gender: str = ""
    phone: str = ""
    id_number: str = ""  # a masked number (with *) keeps the one on record
    employment_type: str = "part_time"
    appointed_on: date | None = None
    education: str = ""
    political_status: str = ""
    legal_qualification: str = ""
    source: str = ""
    appointment_end: date | None = None
    registered_on: date | None = None
    registration_no: str = ""
    status: str = "serving"
    note: str = ""


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
    status: str = "serving"
    appointed_on: date | None = None
    id_number: str = ""  # masked
    registration_no: str = ""
    version: int = 1
    name_key: str = ""  # pinyin sort keys (domain/names.py)
    committee_key: str = ""

    @property
    def employment_label(self) -> str:
        return EMPLOYMENT.get(self.employment_type, self.employment_type)

    @property
    def status_label(self) -> str:
        return grading.STATUS.get(self.status, self.status)

    @property
    def grade_label(self) -> str:
        return self.grade or grading.NO_GRADE

    def as_json(self) -> dict[str, Any]:
        """design.md §10 ``mediator list --json`` (codes are the stable English words)."""
        return {
            "id": self.uuid,
            "name": self.name,
            "committee": self.committee,
            "employment_type": self.employment_type,
            "grade": self.grade or None,
            "status": self.status,
            "gender": self.gender,
            "appointed_on": self.appointed_on.isoformat() if self.appointed_on else None,
            "registration_no": self.registration_no,
        }


@dataclass(frozen=True)
class RosterFilter:
    committee_uuid: str = ""
    employment_type: str = ""
    status: str = "serving"  # "" for everyone
    grade: str = ""  # a level's name, or grading.NO_GRADE
    text: str = ""  # name, phone or registration number


# Committee, then the mediator's name, both in pinyin order (domain/names.py), then uuid for ties.
ROSTER_ORDER = (Committee.name_key, Mediator.name_key, Mediator.uuid)


def require_view(actor: Actor) -> None:
    if not (actor.can(Perm.MANAGE_MEDIATORS) or actor.can(Perm.VIEW_CASES)):
        raise PermissionDenied(f"当前角色“{actor.role.label}”无权查看调解员名册，请联系管理员。")


def _row(m: Mediator, committee: str, committee_key: str = "") -> MediatorRow:
    return MediatorRow(
        m.uuid,
        m.name,
        m.committee_uuid,
        committee,
        m.gender,
        m.phone,
        m.employment_type,
        m.grade,
        m.active,
        m.status,
        m.appointed_on,
        idnumber.mask(m.id_number),
        m.registration_no,
        m.version,
        m.name_key or names.person_key(m.name),
        committee_key,
    )


def list_mediators(
    session: Session, committee_uuid: str | None = None, *, active_only: bool = True
) -> list[MediatorRow]:
    query = (
        select(Mediator, Committee.name, Committee.name_key)
        .join(Committee, Committee.uuid == Mediator.committee_uuid)
        .where(Mediator.deleted.is_(False))
    )
    if committee_uuid:
        query = query.where(Mediator.committee_uuid == committee_uuid)
    if active_only:
        query = query.where(Mediator.active)
    return [_row(m, cname, ckey) for m, cname, ckey in session.execute(query.order_by(*ROSTER_ORDER))]


def roster_where(query: Select, f: RosterFilter) -> Select:
    """The roster filter's conditions (the command line, the exports and the list screen's pages)."""
    query = query.where(Mediator.deleted.is_(False))
    if f.committee_uuid:
        query = query.where(Mediator.committee_uuid == f.committee_uuid)
    if f.employment_type:
        query = query.where(Mediator.employment_type == f.employment_type)
    if f.status:
        query = query.where(Mediator.status == f.status)
    if f.grade:
        query = query.where(Mediator.grade == ("" if f.grade == grading.NO_GRADE else f.grade))
    text = f.text.strip()
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(Mediator.name.like(like), Mediator.phone.like(like), Mediator.registration_no.like(like))
        )
    return query


@reads
def roster(session: Session, actor: Actor, f: RosterFilter = RosterFilter()) -> list[MediatorRow]:
    """The whole roster for the command line and the exports (the list screen reads pages:
    services/roster_queries.py)."""
    require_view(actor)
    query = select(Mediator, Committee.name, Committee.name_key).join(
        Committee, Committee.uuid == Mediator.committee_uuid
    )
    return [_row(m, cname, ckey) for m, cname, ckey in session.execute(roster_where(query, f).order_by(*ROSTER_ORDER))]


def grades_in_use(session: Session) -> list[str]:
    return [
        g
        for g in session.scalars(
            select(Mediator.grade)
            .where(Mediator.deleted.is_(False), Mediator.grade != "")
            .distinct()
            .order_by(Mediator.grade)
        )
    ]


def get(session: Session, uuid: str) -> Mediator:
    m = session.get(Mediator, uuid)
    if m is None or m.deleted:
        raise NotFound("找不到该调解员，可能已被删除。")
    return m


@reads
def find_uuid(session: Session, key: str) -> str:
    """A uuid, its last 6 or more characters (uuid7 begin with the time, so their ends differ), a
    registration number or a unique name (the CLI's ID)."""
    key = key.strip()
    if not key:
        raise NotFound("请给出调解员的编号或姓名。")
    live = Mediator.deleted.is_(False)
    for cond in (
        Mediator.uuid == key,
        Mediator.registration_no == key,
        Mediator.name == key,
        Mediator.uuid.like(f"%{key}") if len(key) >= 6 else None,
    ):
        if cond is None:
            continue
        found = list(session.scalars(select(Mediator.uuid).where(live, cond).limit(5)))
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UserError(f"有多名调解员符合“{key}”，请改用编号（id）：" + "、".join(found))
    raise NotFound(f"找不到调解员“{key}”。可用 xihu-desk mediator list 查看编号。")


def _node_id(session: Session) -> str:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node.node_id


def check_editable(session: Session, actor: Actor, m: Mediator) -> None:
    actor.require(Perm.MANAGE_MEDIATORS)
    if m.owner_node != _node_id(session):
        raise PermissionDenied("该调解员由其他单位管理，本单位只能查看。")


def _choice(value: str, choices: dict[str, str], field: str, what: str) -> str:
    if value not in choices:
        raise FieldError(field, f"请选择{what}。")
    return value


def _checked(session: Session, cmd: MediatorCommand, existing: Mediator | None, today: date) -> dict[str, Any]:
    name = cmd.name.strip()
    if not name:
        raise FieldError("name", "请填写调解员姓名。")
    if len(name) > 40:
        raise FieldError("name", "姓名不能超过 40 个字。")
    committee = session.get(Committee, cmd.committee_uuid)
    if committee is None or committee.deleted:
        raise FieldError("committee_uuid", "请选择调解员所在的调委会。")
    if cmd.employment_type not in EMPLOYMENT:
        raise FieldError("employment_type", "请选择专职、兼职或特邀。")
    if cmd.gender not in ("", *grading.GENDER):
        raise FieldError("gender", "请选择性别。")
    number = ""
    typed = cmd.id_number.strip()
    if "*" in typed and existing is not None:
        number = existing.id_number  # the masked number shown in the form: unchanged
    elif typed:
        try:
            number = idnumber.validate(typed, today)
        except UserError as exc:
            raise FieldError("id_number", exc.message) from None
        from stdnum.cn import ric

        if age_on(ric.get_birth_date(number), cmd.appointed_on or today) < ADULT_AGE:
            raise FieldError("id_number", "人民调解员应为成年公民（人民调解法第十四条），请核对身份证号或聘任日期。")
        if cmd.gender and cmd.gender != idnumber.gender(number):
            raise FieldError("gender", f"身份证号显示性别为“{idnumber.gender(number)}”，与所选性别不符。")
        clash = session.scalar(
            select(Mediator.name).where(
                Mediator.id_number == number,
                Mediator.deleted.is_(False),
                Mediator.uuid != (existing.uuid if existing is not None else ""),
            )
        )
        if clash:
            raise FieldError("id_number", f"名册中已有该身份证号（{clash}），同一人不能登记两次。")
    if len(cmd.phone.strip()) > 30:
        raise FieldError("phone", "联系电话过长。")
    _choice(cmd.education, grading.EDUCATION, "education", "学历")
    _choice(cmd.political_status, grading.POLITICAL, "political_status", "政治面貌")
    _choice(cmd.legal_qualification, grading.LEGAL_QUALIFICATION, "legal_qualification", "法律职业资格")
    _choice(cmd.source, grading.SOURCE, "source", "人员来源")
    _choice(cmd.status, grading.STATUS, "status", "状态")
    if cmd.appointed_on and cmd.appointed_on > today:
        raise FieldError("appointed_on", "聘任日期不能晚于今天。")
    if cmd.appointment_end and cmd.appointed_on and cmd.appointment_end < cmd.appointed_on:
        raise FieldError("appointment_end", "聘任期满日期不能早于聘任日期。")
    if cmd.registered_on and cmd.registered_on > today:
        raise FieldError("registered_on", "备案日期不能晚于今天。")
    if len(cmd.registration_no.strip()) > 40:
        raise FieldError("registration_no", "备案编号不能超过 40 个字符。")
    if (
        cmd.status != "serving"
        and cmd.appointment_end is None
        and existing is not None
        and existing.status == "serving"
    ):
        raise FieldError("appointment_end", "调解员离任、解聘或罢免时，请填写聘任终止日期。")
    values = {f: getattr(cmd, f) for f in PROFILE_FIELDS}
    values.update(
        name=name,
        id_number=number,
        phone=cmd.phone.strip(),
        registration_no=cmd.registration_no.strip(),
        note=cmd.note.strip(),
    )
    return values


def _snapshot(m: Mediator) -> dict[str, Any]:
    out = {f: getattr(m, f) for f in PROFILE_FIELDS}
    out["id_number"] = idnumber.mask(m.id_number)  # never a full number in the audit log
    return out


def create_mediator(session: Session, actor: Actor, cmd: MediatorCommand) -> MediatorRow:
    actor.require(Perm.MANAGE_MEDIATORS)
    values = _checked(session, cmd, None, actor.today)
    committee = session.get_one(Committee, cmd.committee_uuid)  # _checked found it
    row = Mediator(uuid="", grade="", active=cmd.status == "serving", **values)
    stamp_new(session, actor, row)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "mediator.create",
        "mediator",
        row.uuid,
        summary=f"调解员名册新增 {row.name}（{committee.name}）",
        after=_snapshot(row),
    )
    return _row(row, committee.name)


def update_mediator(
    session: Session, actor: Actor, uuid: str, cmd: MediatorCommand, *, loaded_version: int | None = None
) -> MediatorRow:
    """``loaded_version``: the row's version when the editor read it; another desk's save since is refused."""
    m = get(session, uuid)
    check_editable(session, actor, m)
    edit_conflicts.check_loaded(session, m, loaded_version, entity="mediator", noun="该调解员的信息")
    values = _checked(session, cmd, m, actor.today)
    before = _snapshot(m)
    changed = [f for f, v in values.items() if getattr(m, f) != v]
    if not changed:
        return _row(m, session.get_one(Committee, m.committee_uuid).name)
    for f in changed:
        setattr(m, f, values[f])
    m.active = m.status == "serving"
    stamp_changed(actor, m)
    committee = session.get_one(Committee, m.committee_uuid)
    audit.record(
        session,
        actor,
        "mediator.update",
        "mediator",
        m.uuid,
        summary=f"修改调解员 {m.name} 的信息",
        before={k: before[k] for k in changed},
        after={k: _snapshot(m)[k] for k in changed},
    )
    return _row(m, committee.name)


def reveal_id(session: Session, actor: Actor, uuid: str) -> str:
    if not actor.can(Perm.MANAGE_MEDIATORS):
        actor.require(Perm.REVEAL_ID)
    m = get(session, uuid)
    audit.record(session, actor, "mediator.reveal", "mediator", m.uuid, summary=f"查看调解员 {m.name} 的完整身份证号")
    return m.id_number


# ---------------------------------------------------------------- the logs


@dataclass(frozen=True)
class TrainingInput:
    held_on: date
    topic: str
    hours: str | Decimal | int | float  # 学时, at most one decimal: "2.5"
    organiser: str = ""
    note: str = ""


def tenths(hours: str | Decimal | int | float) -> int:
    """'2.5' -> 25: hours kept exactly in tenths."""
    try:
        value = Decimal(str(hours).strip())
    except InvalidOperation:
        raise FieldError("hours", "学时应为数字，如 2 或 2.5。") from None
    if not value.is_finite() or value <= 0 or value > 200:
        raise FieldError("hours", "学时应大于 0 且不超过 200。")
    scaled = value * 10
    if scaled != scaled.to_integral_value():
        raise FieldError("hours", "学时最多保留一位小数。")
    return int(scaled)


def _live_mediator_for_log(session: Session, actor: Actor, uuid: str) -> Mediator:
    m = get(session, uuid)
    check_editable(session, actor, m)
    return m


def add_training(session: Session, actor: Actor, mediator_uuid: str, t: TrainingInput) -> str:
    m = _live_mediator_for_log(session, actor, mediator_uuid)
    if not t.topic.strip():
        raise FieldError("topic", "请填写培训内容。")
    if t.held_on > actor.today:
        raise FieldError("held_on", "培训日期不能晚于今天。")
    value = tenths(t.hours)
    row = MediatorTraining(
        uuid="",
        mediator_uuid=m.uuid,
        held_on=t.held_on,
        topic=t.topic.strip()[:120],
        tenth_hours=value,
        organiser=t.organiser.strip()[:80],
        note=t.note.strip()[:200],
    )
    stamp_new(session, actor, row)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "mediator.training",
        "mediator_training",
        row.uuid,
        summary=f"调解员 {m.name} 培训记录：{t.held_on} {row.topic}（{Decimal(value) / 10} 学时）",
    )
    return row.uuid


OUTCOME_WHAT = {"award": "表彰级别", "complaint": "核查结果", "discipline": "处理方式", "escalation": "激化情形"}


@dataclass(frozen=True)
class EventInput:
    kind: str  # award, complaint, discipline, escalation
    occurred_on: date
    title: str
    issuer: str = ""
    art15: str = ""
    outcome: str = ""
    case_no: str = ""  # the case it concerns (complaint, escalation), by number or uuid
    note: str = ""


def add_event(session: Session, actor: Actor, mediator_uuid: str, e: EventInput) -> str:
    m = _live_mediator_for_log(session, actor, mediator_uuid)
    if e.kind not in grading.EVENT_KINDS:
        raise FieldError("kind", "请选择类别：表彰奖励、投诉、违纪处理或纠纷激化。")
    label = grading.EVENT_KINDS[e.kind]
    if not e.title.strip():
        raise FieldError("title", "请填写名称或事由。")
    if e.occurred_on > actor.today:
        raise FieldError("occurred_on", "日期不能晚于今天。")
    options = grading.outcomes(e.kind)
    if e.outcome not in options:
        raise FieldError("outcome", f"请选择{OUTCOME_WHAT[e.kind]}。")
    if e.art15 not in grading.ART15:
        raise FieldError("art15", "请选择人民调解法第十五条所列行为。")
    if e.kind == "discipline" and not e.art15:
        raise FieldError("art15", "违纪处理须写明属于人民调解法第十五条所列哪一种行为。")
    case_uuid = None
    if e.case_no.strip():
        from xihu_desk.services.cases import find_case_uuid  # the one lookup: a shared number is refused

        try:
            case_uuid = find_case_uuid(session, e.case_no)
        except UserError as exc:
            raise FieldError("case_no", exc.message) from None
    row = MediatorEvent(
        uuid="",
        mediator_uuid=m.uuid,
        kind=e.kind,
        occurred_on=e.occurred_on,
        title=e.title.strip()[:120],
        issuer=e.issuer.strip()[:80],
        art15=e.art15 if e.kind in ("complaint", "discipline") else "",
        outcome=e.outcome,
        case_uuid=case_uuid,
        note=e.note.strip(),
    )
    stamp_new(session, actor, row)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "mediator.event",
        "mediator_event",
        row.uuid,
        summary=f"调解员 {m.name} {label}：{e.occurred_on} {row.title}（{options[e.outcome]}）",
    )
    return row.uuid


@dataclass(frozen=True)
class AppointmentInput:
    start_on: date
    end_on: date | None = None
    committee_name: str = ""
    note: str = ""


def add_appointment(session: Session, actor: Actor, mediator_uuid: str, a: AppointmentInput) -> str:
    """An earlier (or another) appointment period: years of service add up over all of them."""
    m = _live_mediator_for_log(session, actor, mediator_uuid)
    if a.start_on > actor.today:
        raise FieldError("start_on", "聘任日期不能晚于今天。")
    if a.end_on is not None and a.end_on < a.start_on:
        raise FieldError("end_on", "聘任终止日期不能早于聘任日期。")
    row = MediatorAppointment(
        uuid="",
        mediator_uuid=m.uuid,
        start_on=a.start_on,
        end_on=a.end_on,
        committee_name=a.committee_name.strip()[:60],
        note=a.note.strip()[:120],
    )
    stamp_new(session, actor, row)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "mediator.appointment",
        "mediator_appointment",
        row.uuid,
        summary=f"调解员 {m.name} 聘任期间：{a.start_on} 至 {a.end_on or '今'}",
    )
    return row.uuid


# Three log tables of one shape (mediator_uuid and the Travelling columns); typed loosely.
LOG_MODELS: dict[str, type[Any]] = {
    "training": MediatorTraining,
    "event": MediatorEvent,
    "appointment": MediatorAppointment,
}


def remove_log_entry(session: Session, actor: Actor, kind: str, uuid: str) -> None:
    """An entry made in error is marked deleted (it travels as a tombstone), never erased."""
    model = LOG_MODELS[kind]
    row = session.get(model, uuid)
    if row is None or row.deleted:
        raise NotFound("该记录不存在或已删除。")
    m = _live_mediator_for_log(session, actor, row.mediator_uuid)
    row.deleted = True
    stamp_changed(actor, row)
    what = {"training": "培训记录", "event": "奖惩记录", "appointment": "聘任期间"}[kind]
    audit.record(
        session, actor, "mediator.log_remove", model.__tablename__, uuid, summary=f"删除调解员 {m.name} 的一条{what}"
    )


# ---------------------------------------------------------------- one mediator, whole


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def detail(session: Session, actor: Actor, uuid: str, *, reveal: bool = False) -> dict[str, Any]:
    """Everything the mediator form shows (plain data; ``reveal`` is audited by the caller's unit)."""
    require_view(actor)
    m = get(session, uuid)
    committee = session.get(Committee, m.committee_uuid)
    id_number = reveal_id(session, actor, uuid) if reveal and m.id_number else idnumber.mask(m.id_number)
    doc: dict[str, Any] = {f: getattr(m, f) for f in PROFILE_FIELDS}
    doc.update(
        uuid=m.uuid,
        version=m.version,
        owner_node=m.owner_node,
        committee=committee.name if committee else "",
        id_number=id_number,
        grade=m.grade,
        grade_label=m.grade or grading.NO_GRADE,
        grade_rule_set=m.grade_rule_set,
        grade_level=m.grade_level,
        graded_on=m.graded_on,
        employment_label=EMPLOYMENT.get(m.employment_type, ""),
        status_label=grading.STATUS.get(m.status, m.status),
        editable=m.owner_node == _node_id(session) and actor.can(Perm.MANAGE_MEDIATORS),
    )
    doc["trainings"] = [
        {
            "uuid": t.uuid,
            "held_on": t.held_on,
            "topic": t.topic,
            "hours": Decimal(t.tenth_hours) / 10,
            "organiser": t.organiser,
            "note": t.note,
        }
        for t in session.scalars(
            select(MediatorTraining)
            .where(MediatorTraining.mediator_uuid == uuid, MediatorTraining.deleted.is_(False))
            .order_by(MediatorTraining.held_on.desc(), MediatorTraining.uuid)
        )
    ]
    case_nos = dict(
        session.execute(
            select(MediationCase.uuid, MediationCase.case_no)
            .join(MediatorEvent, MediatorEvent.case_uuid == MediationCase.uuid)
            .where(MediatorEvent.mediator_uuid == uuid)
        ).all()
    )
    doc["events"] = [
        {
            "uuid": e.uuid,
            "kind": e.kind,
            "kind_label": grading.EVENT_KINDS[e.kind],
            "occurred_on": e.occurred_on,
            "title": e.title,
            "issuer": e.issuer,
            "art15": e.art15,
            "art15_label": grading.ART15.get(e.art15, ""),
            "outcome": e.outcome,
            "outcome_label": grading.outcomes(e.kind).get(e.outcome, e.outcome),
            "case_no": case_nos.get(e.case_uuid or "", ""),
            "note": e.note,
        }
        for e in session.scalars(
            select(MediatorEvent)
            .where(MediatorEvent.mediator_uuid == uuid, MediatorEvent.deleted.is_(False))
            .order_by(MediatorEvent.occurred_on.desc(), MediatorEvent.uuid)
        )
    ]
    doc["appointments"] = [
        {"uuid": a.uuid, "start_on": a.start_on, "end_on": a.end_on, "committee_name": a.committee_name, "note": a.note}
        for a in session.scalars(
            select(MediatorAppointment)
            .where(MediatorAppointment.mediator_uuid == uuid, MediatorAppointment.deleted.is_(False))
            .order_by(MediatorAppointment.start_on.desc())
        )
    ]
    doc["grades"] = [
        {
            "grade": g.grade or grading.NO_GRADE,
            "previous": g.previous or grading.NO_GRADE,
            "rule_set_code": g.rule_set_code,
            "effective_on": g.effective_on,
            "reason": g.reason,
            "actor": g.actor,
            "application_uuid": g.application_uuid,
        }
        for g in session.scalars(
            select(MediatorGrade)
            .where(MediatorGrade.mediator_uuid == uuid, MediatorGrade.deleted.is_(False))
            .order_by(MediatorGrade.effective_on.desc(), MediatorGrade.at.desc())
        )
    ]
    doc["cases"] = (
        session.scalar(
            select(func.count())
            .select_from(MediationCase)
            .join(CaseMediator, CaseMediator.case_uuid == MediationCase.uuid)
            .where(CaseMediator.mediator_uuid == uuid, MediationCase.deleted.is_(False), MediationCase.status != "void")
            .where(moved_out.counted(MediationCase.uuid))  # as the mediator ledger counts
        )
        or 0
    )
    return doc


def command_from(doc: dict[str, Any], **changes: Any) -> MediatorCommand:
    """The form's command from a ``detail`` document (with the masked ID), changed as given."""
    values = {f.name: doc.get(f.name, f.default) for f in fields(MediatorCommand)}
    values.update(changes)
    return MediatorCommand(**values)
