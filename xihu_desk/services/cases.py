"""People's-mediation cases: intake, parties, records, outcome, follow-ups, confirmation,
closing and filing. Each function is one unit of work's content: the caller commits."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import cases as rules
from xihu_desk.domain import clock
from xihu_desk.domain.cases import AgreementForm, Outcome, Procedure, Status
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied, UserError
from xihu_desk.domain.parties import PartyInput, validate_party
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, codes, edit_conflicts, platform_codes, settings
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.services.units import reads
from xihu_desk.store.case_models import (
    Agreement,
    Attachment,
    CaseCounter,
    CaseMediator,
    CaseRecord,
    CaseSearch,
    Confirmation,
    FollowUp,
    MediationCase,
    Mediator,
    Party,
)
from xihu_desk.store.models import Committee, Node
from xihu_desk.store import locks

PREVENTION_FIELDS = (
    "prevent_criminal_cases",
    "prevent_criminal_persons",
    "prevent_petition_cases",
    "prevent_petition_persons",
    "prevent_suicide_cases",
    "prevent_suicide_persons",
    "prevent_fight_cases",
    "prevent_fight_persons",
)
INTAKE_FIELDS = (
    "committee_uuid",
    "intake_form",
    "source",
    "referrer_type",
    "referrer_name",
    "referrer_doc_no",
    "dispute_type",
    "dispute_subtype",
    "difficulty",
    "summary",
    "claims",
    "accepted_on",
    "registrar",
    "is_group",
    "group_size",
    "amount_fen",
    "escalation_risk",
    "reported_to",
    *PREVENTION_FIELDS,
    "platform_code",
)


@dataclass(frozen=True)
class MediatorAssignment:
    mediator_uuid: str
    lead: bool = False
    chosen_by_parties: bool = False


@dataclass(frozen=True)
class IntakeCommand:
    committee_uuid: str
    intake_form: str  # application (申请书) or register (受理登记表)
    source: str
    dispute_type: str
    accepted_on: date
    summary: str
    parties: tuple[PartyInput, ...]
    mediators: tuple[MediatorAssignment, ...] = ()
    claims: str = ""
    referrer_type: str = ""
    referrer_name: str = ""
    referrer_doc_no: str = ""
    dispute_subtype: str = ""
    difficulty: str = "ordinary"
    registrar: str = ""
    is_group: bool = False
    group_size: int = 0
    amount_fen: int = 0
    escalation_risk: bool = False
    reported_to: str = ""
    prevent_criminal_cases: int = 0
    prevent_criminal_persons: int = 0
    prevent_petition_cases: int = 0
    prevent_petition_persons: int = 0
    prevent_suicide_cases: int = 0
    prevent_suicide_persons: int = 0
    prevent_fight_cases: int = 0
    prevent_fight_persons: int = 0
    platform_code: str = ""  # 平台案件编号 (services/platform_codes.py); blank: not entered yet


@dataclass(frozen=True)
class CaseRef:
    uuid: str
    case_no: str
    version: int


# ---------------------------------------------------------------- helpers


def _node_id(session: Session) -> str:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node.node_id


def get_case(session: Session, case_uuid: str) -> MediationCase:
    case = session.get(MediationCase, case_uuid)
    if case is None or case.deleted:
        raise NotFound("找不到该案件，可能已被删除。")
    return case


class AmbiguousCaseNumber(UserError):
    """Several cases carry the number typed (issued before 字号 were unique in the district):
    the user must name one by its uuid. ``candidates`` lists them for a form or --json."""

    def __init__(self, key: str, candidates: list[dict[str, str]]):
        listed = "；".join(f"{c['committee']}，{c['accepted_on']} 受理，uuid {c['uuid']}" for c in candidates)
        super().__init__(f"编号“{key}”对应 {len(candidates)} 件案件（{listed}），请改用其中一件的 uuid。")
        self.candidates = candidates


def _number_variants(key: str) -> list[str]:
    """The number as typed, and with half-width parentheses made full-width as printed."""
    full = key.replace("(", "（").replace(")", "）")
    return [key] if full == key else [key, full]


@reads
def find_case_uuid(session: Session, case_no_or_uuid: str) -> str:
    """The case with this uuid or number. A number several cases carry is refused, listing them
    (committee, accepted date, uuid), so the caller can pass the uuid instead."""
    key = case_no_or_uuid.strip()
    if not key:
        raise NotFound("请写明案件编号或 uuid。")
    by_uuid = session.scalar(
        select(MediationCase.uuid).where(MediationCase.uuid == key, MediationCase.deleted.is_(False))
    )
    if by_uuid is not None:
        return by_uuid
    rows = session.execute(
        select(MediationCase.uuid, MediationCase.accepted_on, Committee.name)
        .join(Committee, Committee.uuid == MediationCase.committee_uuid, isouter=True)
        .where(MediationCase.case_no.in_(_number_variants(key)), MediationCase.deleted.is_(False))
        .order_by(MediationCase.accepted_on, MediationCase.uuid)
        .limit(50)
    ).all()
    if not rows:  # a number the case had before it was escalated to another committee (services/escalation.py)
        from xihu_desk.store.committee_models import CaseEscalation

        moved = session.scalars(
            select(CaseEscalation.case_uuid)
            .where(CaseEscalation.from_case_no.in_(_number_variants(key)), CaseEscalation.kind == "escalate")
            .distinct()
            .limit(2)
        ).all()
        if not moved:  # or before it was transferred here from another office (原案号, services/case_transfer.py)
            from xihu_desk.store.transfer_models import TransferDecision

            moved = session.scalars(
                select(TransferDecision.case_uuid)
                .where(TransferDecision.from_case_no.in_(_number_variants(key)), TransferDecision.accepted.is_(True))
                .distinct()
                .limit(2)
            ).all()
        if len(moved) == 1:
            return moved[0]
        raise NotFound(f"找不到案件“{key}”。")
    if len(rows) > 1:
        raise AmbiguousCaseNumber(
            key,
            [
                {
                    "uuid": uuid,
                    "accepted_on": accepted.isoformat() if accepted else "",
                    "committee": name or "（调委会不在本机）",
                }
                for uuid, accepted, name in rows
            ],
        )
    return rows[0][0]


def check_editable(session: Session, actor: Actor, case: MediationCase, *, allow_closed: bool = False) -> None:
    actor.require(Perm.EDIT_CASES)
    from xihu_desk.services.case_transfer import edit_block

    moving = edit_block(session, case)  # 移送: asked for (frozen) or done (a read-only copy)
    if moving:
        raise PermissionDenied(moving)
    if case.owner_node != _node_id(session):
        raise PermissionDenied("该案件由其他单位管理，本单位只能查看。")
    if case.status == Status.FILED:
        raise UserError("案件已立卷归档，不能再修改。")
    if case.status == Status.VOID:
        raise UserError("案件已作废，不能再修改。")
    # A case taken from an old ledger came in closed without its paper file's contents: it is
    # completed (notice, records, closing report) until it is filed like any other.
    if case.status == Status.CLOSED and not allow_closed and not _imported(session, case):
        raise UserError("案件已结案，不能再修改受理信息和调解记录。如需改正，请使用“更正”或“重新调解”。")


def _imported(session: Session, case: MediationCase) -> bool:
    from xihu_desk.store.ledger_models import CaseImport

    return session.get(CaseImport, case.uuid) is not None


def _touch(actor: Actor, case: MediationCase) -> None:
    stamp_changed(actor, case)


def check_intake(session: Session, cmd: IntakeCommand) -> None:
    committee = session.get(Committee, cmd.committee_uuid)
    if committee is None or committee.deleted:
        raise FieldError("committee_uuid", "请选择承办的调委会。")
    if cmd.intake_form not in ("application", "register"):
        raise FieldError("intake_form", "请选择受理依据：申请书或受理登记表。")
    codes.require(session, "case_source", cmd.source, "source", "案件来源")
    if cmd.source == "referral":
        codes.require(session, "referrer_type", cmd.referrer_type, "referrer_type", "移送单位类型")
        if not cmd.referrer_name.strip():
            raise FieldError("referrer_name", "委托移送的案件须填写移送单位名称。")
    codes.require(session, "dispute_type", cmd.dispute_type, "dispute_type", "纠纷类型")
    codes.require(session, "difficulty", cmd.difficulty, "difficulty", "难易程度")
    if not cmd.summary.strip():
        raise FieldError("summary", "请填写纠纷简要情况。")
    if cmd.accepted_on > clock.local_today():
        raise FieldError("accepted_on", "受理日期不能晚于今天。")
    if cmd.is_group and cmd.group_size < 5:
        raise FieldError("group_size", "群体性纠纷请填写涉及人数（5 人及以上）。")
    if cmd.amount_fen < 0:
        raise FieldError("amount_fen", "涉及金额不能为负数。")
    for name in PREVENTION_FIELDS:
        if getattr(cmd, name) < 0:
            raise FieldError(name, "预防数字不能为负数。")
    for kind in ("criminal", "petition", "suicide", "fight"):
        if getattr(cmd, f"prevent_{kind}_cases") and not getattr(cmd, f"prevent_{kind}_persons"):
            raise FieldError(f"prevent_{kind}_persons", "填写了防止的件数，请同时填写人数。")


def _check_parties(parties: tuple[PartyInput, ...] | list[PartyInput], on: date) -> list[PartyInput]:
    checked = [validate_party(p, on) for p in parties]
    roles = {p.role for p in checked}
    if "applicant" not in roles or "respondent" not in roles:
        raise FieldError("parties", "至少需要一名申请人和一名被申请人。")
    return checked


def _check_mediators(session: Session, assignments: tuple[MediatorAssignment, ...]) -> None:
    seen = set()
    for a in assignments:
        m = session.get(Mediator, a.mediator_uuid)
        if m is None or m.deleted or not m.active:
            raise FieldError("mediators", "所选调解员不在名册中或已停用。")
        if a.mediator_uuid in seen:
            raise FieldError("mediators", f"调解员“{m.name}”重复选择。")
        seen.add(a.mediator_uuid)


def _next_number(session: Session, committee: Committee, year: int) -> tuple[int, str]:
    """Gapless per committee and year; the counter row is read and written under the writer lock.
    Only the node that owns a committee numbers its cases: each node keeps its own counters, so a
    second node numbering for the same committee would issue the same numbers again."""
    if committee.owner_node != _node_id(session):
        raise FieldError(
            "committee_uuid",
            f"“{committee.name}”由其他单位管理，本单位不能以它的名义受理案件"
            "（案件编号会与该单位重复）。请选择本单位的调委会。",
        )
    # locked until commit: a second desk on a shared server waits here instead of drawing the same number
    counter = locks.locked_row(
        session, CaseCounter, (committee.uuid, year), committee_uuid=committee.uuid, year=year, last_seq=0
    )
    while True:  # a number already on a case here (issued under an old 字号) is skipped, never repeated
        counter.last_seq += 1
        number = rules.case_number(year, committee.short_name, counter.last_seq)
        with session.no_autoflush:  # numbers this counter gave out are new anyway; only old ones matter
            if session.scalar(select(MediationCase.uuid).where(MediationCase.case_no == number).limit(1)) is None:
                return counter.last_seq, number


def _write_parties(session: Session, actor: Actor, case: MediationCase, parties: list[PartyInput]) -> None:
    existing = {
        p.uuid: p for p in session.scalars(select(Party).where(Party.case_uuid == case.uuid, Party.deleted.is_(False)))
    }
    kept = set()
    for position, p in enumerate(parties):
        values = {k: v for k, v in asdict(p).items() if k != "uuid"}
        row = existing.get(p.uuid) if p.uuid else None
        if row is None:
            row = Party(uuid="", case_uuid=case.uuid, position=position, **values)
            stamp_new(session, actor, row)
            session.add(row)
        else:
            changed = any(getattr(row, k) != v for k, v in values.items()) or row.position != position
            for k, v in values.items():
                setattr(row, k, v)
            row.position = position
            if changed:
                stamp_changed(actor, row)
            kept.add(row.uuid)
    for uuid, row in existing.items():
        if uuid not in kept:
            row.deleted = True
            stamp_changed(actor, row)


def _write_mediators(session: Session, case: MediationCase, assignments: tuple[MediatorAssignment, ...]) -> None:
    session.execute(delete(CaseMediator).where(CaseMediator.case_uuid == case.uuid))
    lead_set = any(a.lead for a in assignments)
    for i, a in enumerate(assignments):
        session.add(
            CaseMediator(
                case_uuid=case.uuid,
                mediator_uuid=a.mediator_uuid,
                lead=a.lead or (not lead_set and i == 0),
                chosen_by_parties=a.chosen_by_parties,
            )
        )


def _refresh_title_and_search(session: Session, case: MediationCase) -> None:
    parties = list(
        session.scalars(
            select(Party).where(Party.case_uuid == case.uuid, Party.deleted.is_(False)).order_by(Party.position)
        )
    )
    label = codes.label(session, "dispute_type", case.dispute_type)
    case.title = rules.title(
        [p.name for p in parties if p.role == "applicant"], [p.name for p in parties if p.role == "respondent"], label
    )
    body = rules.search_body(case.case_no, case.title, [p.name for p in parties], case.summary, case.claims)
    row = session.scalar(select(CaseSearch).where(CaseSearch.case_uuid == case.uuid))
    if row is None:
        session.add(CaseSearch(case_uuid=case.uuid, body=body))
    elif row.body != body:
        row.body = body


def snapshot(case: MediationCase) -> dict:
    return {
        f: getattr(case, f)
        for f in (*INTAKE_FIELDS, "procedure", "status", "outcome", "agreement_form", "due_on", "extended_to")
    }


# ---------------------------------------------------------------- intake


def open_case(session: Session, actor: Actor, cmd: IntakeCommand, procedure: Procedure = Procedure.ORDINARY) -> CaseRef:
    actor.require(Perm.EDIT_CASES)
    check_intake(session, cmd)
    case = create_case(session, actor, cmd, _check_parties(cmd.parties, cmd.accepted_on), procedure)
    how = "（简易程序）" if procedure is Procedure.SIMPLE else ""
    audit.record(
        session,
        actor,
        "case.open",
        "case",
        case.uuid,
        summary=f"受理案件 {case.case_no}{how}：{case.title}",
        after=snapshot(case),
    )
    return CaseRef(case.uuid, case.case_no, case.version)


def create_case(
    session: Session,
    actor: Actor,
    cmd: IntakeCommand,
    parties: list[PartyInput],
    procedure: Procedure = Procedure.ORDINARY,
) -> MediationCase:
    """Number and write a case whose intake (check_intake) and parties the caller checked: intake
    here, the legacy-ledger import with its own party rules, the simple procedure
    (services/simple_cases.py). The caller audits."""
    _check_mediators(session, cmd.mediators)
    committee = session.get_one(Committee, cmd.committee_uuid)  # check_intake found it
    seq, number = _next_number(session, committee, cmd.accepted_on.year)
    values = {f: getattr(cmd, f) for f in INTAKE_FIELDS}
    values["summary"], values["claims"] = cmd.summary.strip(), cmd.claims.strip()
    values["platform_code"] = platform_codes.check(session, cmd.platform_code)
    case = MediationCase(
        uuid="",
        case_no=number,
        year=cmd.accepted_on.year,
        seq=seq,
        status=Status.ACCEPTED.value,
        due_on=rules.mediation_due(cmd.accepted_on),
        created_by=actor.name,
        procedure=procedure.value,
        **values,
    )
    stamp_new(session, actor, case)
    session.add(case)
    session.flush()
    _write_parties(session, actor, case, parties)
    _write_mediators(session, case, cmd.mediators)
    session.flush()
    _refresh_title_and_search(session, case)
    return case


def update_intake(
    session: Session, actor: Actor, case_uuid: str, cmd: IntakeCommand, *, loaded_version: int | None = None
) -> CaseRef:
    """``loaded_version``: the case's version when the editor read it; another desk's save since is refused."""
    case = get_case(session, case_uuid)
    check_editable(session, actor, case)
    edit_conflicts.check_loaded(session, case, loaded_version, entity="case", noun="该案件")
    check_intake(session, cmd)
    parties = _check_parties(cmd.parties, cmd.accepted_on)
    _check_mediators(session, cmd.mediators)
    # the year of acceptance, not the number's: an escalated or transferred case is numbered in the
    # year it reached its committee, which may come after the year it was accepted
    if cmd.committee_uuid != case.committee_uuid or cmd.accepted_on.year != case.accepted_on.year:
        raise FieldError("committee_uuid", "案件编号已按调委会和年份分配，不能更改承办调委会或受理年份。")
    platform_code = platform_codes.check(session, cmd.platform_code, case.uuid)
    before = snapshot(case)
    from xihu_desk.services import transfer_receiver  # 移送来的案件: its first mediators of this office

    awaited = transfer_receiver.awaiting(session, case.uuid)
    had = list(session.scalars(select(CaseMediator.mediator_uuid).where(CaseMediator.case_uuid == case.uuid)))
    for f in INTAKE_FIELDS:
        setattr(case, f, getattr(cmd, f))
    case.summary, case.claims = cmd.summary.strip(), cmd.claims.strip()
    case.platform_code = platform_code
    case.due_on = rules.mediation_due(cmd.accepted_on, case.extended_to)
    _write_parties(session, actor, case, parties)
    _write_mediators(session, case, cmd.mediators)
    session.flush()
    _refresh_title_and_search(session, case)
    _touch(actor, case)
    now = [a.mediator_uuid for a in cmd.mediators]
    transfer_receiver.note_assigned(session, actor, case, had, now, awaited)
    moved = sorted(had) != sorted(now)  # who mediates is part of what the audit says changed
    audit.record(
        session,
        actor,
        "case.update",
        "case",
        case.uuid,
        summary=f"修改案件 {case.case_no} 的受理信息" + ("（指定本所调解员）" if awaited and now else ""),
        before={**before, "mediators": had} if moved else before,
        after={**snapshot(case), "mediators": now} if moved else snapshot(case),
    )
    return CaseRef(case.uuid, case.case_no, case.version)


def record_notice(
    session: Session,
    actor: Actor,
    case_uuid: str,
    given_on: date,
    form: str,
    *,
    session_public: bool = False,
    private_reason: str = "",
) -> None:
    case = get_case(session, case_uuid)
    check_editable(session, actor, case)
    if form not in ("oral", "written"):
        raise FieldError("notice_form", "请选择告知方式：口头或书面。")
    if given_on < case.accepted_on:
        raise FieldError("notice_given_on", "告知日期不能早于受理日期。")
    if not session_public and not private_reason.strip():
        private_reason = "当事人要求不公开"
    case.notice_given_on, case.notice_form = given_on, form
    case.session_public, case.private_reason = session_public, private_reason.strip() if not session_public else ""
    _touch(actor, case)
    audit.record(
        session,
        actor,
        "case.notice",
        "case",
        case.uuid,
        summary=f"{case.case_no} 已{('书面' if form == 'written' else '口头')}告知当事人权利义务（{given_on}）",
    )


def record_refusal(session: Session, actor: Actor, case_uuid: str, reason: str) -> None:
    """人民调解法第17条: when a party clearly refuses, there is no mediation."""
    case = get_case(session, case_uuid)
    check_editable(session, actor, case)
    if not reason.strip():
        raise FieldError("failure_reason", "请写明哪一方拒绝调解及情况。")
    case.refused_by_party = True
    audit.record(
        session, actor, "case.refused", "case", case.uuid, summary=f"{case.case_no} 当事人拒绝调解：{reason.strip()}"
    )
    close_without_agreement(
        session,
        actor,
        case_uuid,
        Outcome.TERMINATED,
        actor.today,
        "当事人明确拒绝调解：" + reason.strip(),
        routes_told=True,
    )


def extend(session: Session, actor: Actor, case_uuid: str, to: date, reason: str, both_agreed: bool) -> None:
    case = get_case(session, case_uuid)
    check_editable(session, actor, case)
    if not both_agreed:
        raise FieldError("extension_agreed", "延长调解期限须经双方当事人同意。")
    if not reason.strip():
        raise FieldError("extension_reason", "请填写延长理由。")
    if to <= case.due_on:
        raise FieldError("extended_to", f"延长后的期限应晚于原期限 {case.due_on}。")
    before = {"due_on": case.due_on}
    case.extended_to, case.extension_reason, case.due_on = to, reason.strip(), to
    _touch(actor, case)
    audit.record(
        session,
        actor,
        "case.extend",
        "case",
        case.uuid,
        summary=f"{case.case_no} 调解期限延长至 {to}（双方同意）",
        before=before,
        after={"due_on": to, "reason": reason.strip()},
    )


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class RecordInput:
    kind: str  # investigation, mediation
    held_at: datetime
    place: str
    body: str
    matter: str = ""
    subject: str = ""
    participants: str = ""
    mediators: str = ""
    recorder: str = ""
    notice_announced: bool = False


def add_record(session: Session, actor: Actor, case_uuid: str, rec: RecordInput) -> str:
    case = get_case(session, case_uuid)
    check_editable(session, actor, case)
    if rec.kind not in ("investigation", "mediation"):
        raise FieldError("kind", "请选择记录类型：调查记录或调解记录。")
    if case.refused_by_party:
        raise UserError("当事人已明确拒绝调解，不能进行调解。")
    if rec.held_at.date() < case.accepted_on:
        raise FieldError("held_at", "记录时间不能早于受理日期。")
    if not rec.place.strip():
        raise FieldError("place", "请填写地点。")
    if not rec.body.strip():
        raise FieldError("body", "请填写记录内容。")
    if not rec.recorder.strip():
        raise FieldError("recorder", "请填写记录人。")
    if rec.kind == "mediation":
        if case.notice_given_on is None:
            raise UserError("调解前须告知当事人权利义务（人民调解当事人权利义务告知书），请先登记告知。")
        if not rec.mediators.strip():
            raise FieldError("mediators", "请填写主持调解的调解员。")
    row = CaseRecord(
        uuid="", case_uuid=case.uuid, **{k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(rec).items()}
    )
    stamp_new(session, actor, row)
    session.add(row)
    if rec.kind == "mediation" and case.status == Status.ACCEPTED:
        case.status = Status.MEDIATING.value
    _touch(actor, case)
    session.flush()
    label = "调解记录" if rec.kind == "mediation" else "调查记录"
    audit.record(
        session,
        actor,
        "case.record",
        "case_record",
        row.uuid,
        summary=f"{case.case_no} 新增{label}（{rec.held_at:%Y-%m-%d %H:%M}，{rec.place.strip()}）",
    )
    return row.uuid


# ---------------------------------------------------------------- outcome


@dataclass(frozen=True)
class AgreementInput:
    form: str  # written, oral
    effective_on: date | None  # None only in a draft printed before the agreement is registered
    clauses: tuple[str, ...]
    performance_method: str
    performance_deadline: date | None = None
    performance_place: str = ""
    facts: str = ""
    disputed: str = ""
    responsibility: str = ""
    amount_fen: int = 0
    performed_on_the_spot: bool = False
    registrar: str = ""


def _check_agreement(case: MediationCase, a: AgreementInput) -> tuple[tuple[str, ...], date]:
    """The clauses and the date of an agreement fit to register, or the FieldError of the first fault."""
    if a.form not in ("written", "oral"):
        raise FieldError("form", "请选择协议形式：书面或口头。")
    clauses = tuple(c.strip() for c in a.clauses if c.strip())
    if not clauses:
        raise FieldError("clauses", "协议至少需要一条具体内容。")
    if a.effective_on is None:
        raise FieldError("effective_on", "请填写协议日期。")
    if a.effective_on < case.accepted_on:
        raise FieldError("effective_on", "协议日期不能早于受理日期。")
    if not a.performance_method.strip():
        raise FieldError("performance_method", "请写明履行方式。")
    if a.performance_deadline is None and not a.performed_on_the_spot:
        raise FieldError("performance_deadline", "请填写履行期限，或勾选“当场履行”。")
    if a.amount_fen < 0:
        raise FieldError("amount_fen", "协议金额不能为负数。")
    if a.form == "written" and not a.facts.strip():
        raise FieldError("facts", "书面协议须写明纠纷主要事实和争议事项。")
    return clauses, a.effective_on


def record_agreement(session: Session, actor: Actor, case_uuid: str, a: AgreementInput) -> None:
    """Mediation succeeded: the written agreement or the oral-agreement register."""
    case = get_case(session, case_uuid)
    check_editable(session, actor, case)
    clauses, effective_on = _check_agreement(case, a)
    # Under the simple procedure the oral-agreement register records the mediation itself.
    if (
        case.procedure != Procedure.SIMPLE
        and session.scalar(
            select(func.count())
            .select_from(CaseRecord)
            .where(CaseRecord.case_uuid == case.uuid, CaseRecord.kind == "mediation", CaseRecord.deleted.is_(False))
        )
        == 0
    ):
        raise UserError("尚无调解记录。请先登记调解记录，再登记协议。")
    if not session.scalar(select(func.count()).select_from(CaseMediator).where(CaseMediator.case_uuid == case.uuid)):
        raise FieldError("mediators", "协议须有调解员：请先在受理信息中选择调解员。")
    row = session.scalar(select(Agreement).where(Agreement.case_uuid == case.uuid))
    values = dict(
        form=a.form,
        number=case.case_no,
        facts=a.facts.strip(),
        disputed=a.disputed.strip(),
        responsibility=a.responsibility.strip(),
        clauses=json.dumps(list(clauses), ensure_ascii=False),
        performance_method=a.performance_method.strip(),
        performance_place=a.performance_place.strip(),
        performance_deadline=a.performance_deadline,
        amount_fen=a.amount_fen,
        effective_on=effective_on,
        performed_on_the_spot=a.performed_on_the_spot,
        registrar=a.registrar.strip(),
    )
    if row is None:
        row = Agreement(uuid="", case_uuid=case.uuid, **values)
        stamp_new(session, actor, row)
        session.add(row)
    else:
        for k, v in values.items():
            setattr(row, k, v)
        stamp_changed(actor, row)
    before = snapshot(case)
    case.outcome, case.outcome_on, case.agreement_form = Outcome.SUCCEEDED.value, effective_on, a.form
    case.status = Status.CLOSED.value
    case.closed_on = case.closed_on or effective_on
    case.performed = "full" if a.performed_on_the_spot else ""
    case.followup_due = None if a.performed_on_the_spot else effective_on + timedelta(days=rules.FOLLOWUP_DAYS)
    _touch(actor, case)
    from xihu_desk.services import agreement_drafts

    agreement_drafts.discard(session, case.uuid)  # signed and registered: the draft is done with
    form = AgreementForm(a.form).label
    audit.record(
        session,
        actor,
        "case.agreement",
        "case",
        case.uuid,
        summary=f"{case.case_no} 调解成功，登记{form}（{len(clauses)} 条）",
        before=before,
        after=snapshot(case),
    )


def close_without_agreement(
    session: Session, actor: Actor, case_uuid: str, outcome: Outcome, on: date, reason: str, *, routes_told: bool
) -> None:
    """Mediation failed or was ended (人民调解法第26条): the parties are told of other routes."""
    case = get_case(session, case_uuid)
    check_editable(session, actor, case)
    if outcome is Outcome.SUCCEEDED:
        raise UserError("调解成功请登记协议。")
    if not reason.strip():
        raise FieldError("failure_reason", "请写明调解不成功或终止的原因。")
    if not routes_told:
        raise FieldError("routes_told", "须告知当事人可以通过仲裁、行政、司法等途径维护权利。")
    if on < case.accepted_on:
        raise FieldError("outcome_on", "结束日期不能早于受理日期。")
    before = snapshot(case)
    case.outcome, case.outcome_on, case.agreement_form = outcome.value, on, None
    case.failure_reason, case.routes_told = reason.strip(), True
    case.status, case.closed_on, case.followup_due = Status.CLOSED.value, on, None
    _touch(actor, case)
    from xihu_desk.services import agreement_drafts

    agreement_drafts.discard(session, case.uuid)  # no agreement will be signed
    audit.record(
        session,
        actor,
        "case.outcome",
        "case",
        case.uuid,
        summary=f"{case.case_no} {outcome.label}：{reason.strip()}",
        before=before,
        after=snapshot(case),
    )


# ---------------------------------------------------------------- after the agreement


@dataclass(frozen=True)
class FollowUpInput:
    visited_on: date
    party_name: str
    visitor: str
    performance: str  # full, partial, none, not_due
    satisfaction: str = ""
    court_result: str = ""
    risks: str = ""
    measures: str = ""


PERFORMANCE = {"full": "已履行", "partial": "部分履行", "none": "未履行", "not_due": "未到履行期"}
SATISFACTION = {"": "未表态", "satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}


def add_followup(session: Session, actor: Actor, case_uuid: str, f: FollowUpInput) -> str:
    case = get_case(session, case_uuid)
    check_editable(session, actor, case, allow_closed=True)
    if case.outcome != Outcome.SUCCEEDED:
        raise UserError("只有调解成功的案件需要回访。")
    if f.performance not in PERFORMANCE:
        raise FieldError("performance", "请选择协议履行情况。")
    if f.satisfaction not in SATISFACTION:
        raise FieldError("satisfaction", "请选择满意程度。")
    if not f.visitor.strip() or not f.party_name.strip():
        raise FieldError("visitor", "请填写回访人和被回访的当事人。")
    if f.visited_on < (case.outcome_on or case.accepted_on):
        raise FieldError("visited_on", "回访日期不能早于达成协议的日期。")
    row = FollowUp(
        uuid="", case_uuid=case.uuid, **{k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(f).items()}
    )
    stamp_new(session, actor, row)
    session.add(row)
    case.performed = f.performance if f.performance != "not_due" else case.performed
    # Another visit is due in a month unless the agreement has been performed in full.
    case.followup_due = None if f.performance == "full" else f.visited_on + timedelta(days=rules.FOLLOWUP_DAYS)
    _touch(actor, case)
    session.flush()
    audit.record(
        session,
        actor,
        "case.followup",
        "followup",
        row.uuid,
        summary=f"{case.case_no} 回访 {f.party_name.strip()}：{PERFORMANCE[f.performance]}",
    )
    return row.uuid


@dataclass(frozen=True)
class ConfirmationInput:
    applied_on: date
    court: str
    result: str = "pending"  # pending, confirmed, rejected
    decided_on: date | None = None
    court_case_no: str = ""


CONFIRMATION_RESULTS = {"pending": "审查中", "confirmed": "确认有效", "rejected": "驳回申请"}


def record_confirmation(session: Session, actor: Actor, case_uuid: str, c: ConfirmationInput) -> None:
    case = get_case(session, case_uuid)
    check_editable(session, actor, case, allow_closed=True)
    agreement = session.scalar(select(Agreement).where(Agreement.case_uuid == case.uuid, Agreement.deleted.is_(False)))
    if agreement is None or agreement.form != "written":
        raise UserError("司法确认针对书面调解协议；本案没有书面协议。")
    deadline = rules.confirmation_deadline(agreement.effective_on)
    if c.applied_on < agreement.effective_on or c.applied_on > deadline:
        raise FieldError(
            "applied_on", f"申请日期须在协议生效之日（{agreement.effective_on}）起 30 日内，即不晚于 {deadline}。"
        )
    if not c.court.strip():
        raise FieldError("court", "请填写受理申请的人民法院。")
    if c.result not in CONFIRMATION_RESULTS:
        raise FieldError("result", "请选择确认结果。")
    if c.result != "pending" and c.decided_on is None:
        raise FieldError("decided_on", "请填写法院作出裁定的日期。")
    if c.decided_on and c.decided_on < c.applied_on:
        raise FieldError("decided_on", "裁定日期不能早于申请日期。")
    row = session.scalar(select(Confirmation).where(Confirmation.case_uuid == case.uuid))
    values = dict(
        applied_on=c.applied_on,
        court=c.court.strip(),
        result=c.result,
        decided_on=c.decided_on,
        court_case_no=c.court_case_no.strip(),
    )
    if row is None:
        row = Confirmation(uuid="", case_uuid=case.uuid, **values)
        stamp_new(session, actor, row)
        session.add(row)
    else:
        for k, v in values.items():
            setattr(row, k, v)
        stamp_changed(actor, row)
    _touch(actor, case)
    audit.record(
        session,
        actor,
        "case.confirmation",
        "case",
        case.uuid,
        summary=f"{case.case_no} 司法确认：{c.court.strip()}，{CONFIRMATION_RESULTS[c.result]}",
        after=values,
    )


# ---------------------------------------------------------------- closing and filing


def contents(session: Session, case: MediationCase) -> list[rules.FileItem]:
    n_records = dict(
        session.execute(
            select(CaseRecord.kind, func.count())
            .where(CaseRecord.case_uuid == case.uuid, CaseRecord.deleted.is_(False))
            .group_by(CaseRecord.kind)
        ).all()
    )
    attachments = dict(
        session.execute(
            select(Attachment.kind, func.count())
            .where(Attachment.case_uuid == case.uuid, Attachment.deleted.is_(False))
            .group_by(Attachment.kind)
        ).all()
    )
    has_agreement = (
        session.scalar(
            select(func.count())
            .select_from(Agreement)
            .where(Agreement.case_uuid == case.uuid, Agreement.deleted.is_(False))
        )
        or 0
    ) > 0
    followups = (
        session.scalar(
            select(func.count())
            .select_from(FollowUp)
            .where(FollowUp.case_uuid == case.uuid, FollowUp.deleted.is_(False))
        )
        or 0
    )
    confirmation = (
        session.scalar(select(func.count()).select_from(Confirmation).where(Confirmation.case_uuid == case.uuid)) or 0
    ) > 0
    simple = settings.simple_filing(session) if case.procedure == Procedure.SIMPLE else None
    return contents_from(case, n_records, attachments, has_agreement, followups, confirmation, simple)


def contents_from(
    case: MediationCase,
    n_records: dict[str, int],
    attachments: dict[str, int],
    has_agreement: bool,
    followups: int,
    confirmation: bool,
    simple: rules.SimpleFiling | None,
) -> list[rules.FileItem]:
    """卷内目录 from what was counted: ``contents`` counts one case, services/subsidy_facts.py a page
    of cases (records and attachments by kind; ``simple`` for a simple-procedure case)."""
    facts = rules.FileFacts(
        outcome=Outcome(case.outcome) if case.outcome else None,
        agreement_form=AgreementForm(case.agreement_form) if case.agreement_form else None,
        has_intake_document=bool(case.intake_form),
        notice_given=case.notice_given_on is not None,
        id_proofs=case.id_proofs_received or attachments.get("id_proof", 0) > 0,
        mediation_records=n_records.get("mediation", 0),
        has_agreement=has_agreement,
        closing_report=bool(case.closing_report),
    )
    return rules.contents_list(facts, n_records.get("investigation", 0), followups, confirmation, attachments, simple)


def write_closing_report(session: Session, actor: Actor, case_uuid: str, closed_on: date, report: str) -> None:
    case = get_case(session, case_uuid)
    check_editable(session, actor, case, allow_closed=True)
    if case.outcome is None:
        raise UserError("尚未登记调解结果，不能填写结案报告。")
    if closed_on < case.accepted_on:
        raise FieldError("closed_on", "结案时间不能早于受案时间。")
    if not report.strip():
        raise FieldError("closing_report", "请填写结案报告（调解结果与履行情况）。")
    case.closed_on, case.closing_report = closed_on, report.strip()
    _touch(actor, case)
    audit.record(
        session, actor, "case.closing", "case", case.uuid, summary=f"{case.case_no} 填写结案报告表（结案 {closed_on}）"
    )


def file_case(
    session: Session, actor: Actor, case_uuid: str, retention: str, filed_on: date, followup_reason: str = ""
) -> None:
    """立卷归档: refused, naming what is missing, until the required documents are there. A case
    whose follow-up visit is still due is filed only with a reason for not visiting again; the
    follow-up date is then cleared (and kept in the case's history)."""
    actor.require(Perm.FILE_CASES)
    case = get_case(session, case_uuid)
    check_editable(session, actor, case, allow_closed=True)
    if case.status != Status.CLOSED:
        raise UserError("案件尚未结案，不能归档。")
    codes.require(session, "retention", retention, "retention", "保管期限")
    rules.check_filing(contents(session, case))
    if filed_on < (case.closed_on or case.accepted_on):
        raise FieldError("filed_on", "立卷日期不能早于结案时间。")
    if case.followup_due is not None and not followup_reason.strip():
        raise FieldError(
            "followup_reason", f"本案应于 {case.followup_due} 前回访，回访尚未完成。如不再回访即归档，请写明理由。"
        )
    due, case.followup_due = case.followup_due, None
    case.status, case.filed_on, case.filed_by, case.retention = (
        Status.FILED.value,
        filed_on,
        actor.display_name or actor.name,
        retention,
    )
    _touch(actor, case)
    why = ""
    if due is not None:
        from xihu_desk.services import case_history

        case_history.add(
            session,
            actor,
            case,
            "file",
            followup_reason,
            field="followup_due",
            field_label="下次回访",
            before=due.isoformat(),
            after="不再回访",
        )
        why = f"；回访未完成即归档，理由：{followup_reason.strip()}"
    audit.record(
        session,
        actor,
        "case.file",
        "case",
        case.uuid,
        summary=f"{case.case_no} 立卷归档（保管期限：{codes.label(session, 'retention', retention)}）{why}",
    )


def mark_id_proofs(session: Session, actor: Actor, case_uuid: str, received: bool) -> None:
    case = get_case(session, case_uuid)
    check_editable(session, actor, case, allow_closed=True)
    case.id_proofs_received = received
    _touch(actor, case)
    audit.record(
        session,
        actor,
        "case.id_proofs",
        "case",
        case.uuid,
        summary=f"{case.case_no} 当事人身份证明{'已' if received else '未'}收集",
    )
