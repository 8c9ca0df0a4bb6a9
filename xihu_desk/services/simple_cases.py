"""The simple procedure (简易程序): a dispute settled on the spot is taken in, its parties, its oral
agreement and the oral-agreement register (口头协议登记表, domain.md §2.9) written in one unit of
work; filing then asks only what the district's settings name (domain/cases.py SimpleFiling).
A simple case can be turned into an ordinary one at any time before filing; nothing it holds is
lost, and filing then asks for the ordinary procedure's whole file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from xihu_desk.domain.cases import Procedure, missing_for_filing
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.parties import PartyInput
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, cases, settings
from xihu_desk.services.context import Actor


@dataclass(frozen=True)
class SimpleCaseCommand:
    """What the one screen holds: intake, parties, mediators and the oral agreement."""

    committee_uuid: str
    source: str
    dispute_type: str
    settled_on: date  # accepted, mediated and agreed the same day
    summary: str  # 纠纷简要情况
    parties: tuple[PartyInput, ...]
    mediators: tuple[cases.MediatorAssignment, ...]
    clauses: tuple[str, ...]  # 口头协议内容
    performance_method: str
    performance_deadline: date | None = None
    performed_on_the_spot: bool = False
    performance_place: str = ""
    amount_fen: int = 0
    registrar: str = ""  # 登记人
    notice_told: bool = True  # rights and duties told orally before mediating
    id_proofs_checked: bool = True  # the parties' ID seen on the spot
    dispute_subtype: str = ""
    referrer_type: str = ""
    referrer_name: str = ""
    file_retention: str = ""  # filed at once (立卷归档, 所长) with this retention; "" leaves it closed


def filing_requirements(session: Session, actor: Actor) -> list[str]:
    """The items filing a simple-procedure case needs on this node, in contents-list order."""
    actor.require(Perm.VIEW_CASES)
    return settings.simple_filing(session).required_names()


def open_simple_case(session: Session, actor: Actor, cmd: SimpleCaseCommand) -> cases.CaseRef:
    """Intake, parties, the oral agreement and its register in one step; a refusal anywhere leaves
    nothing written (not even a case number: the caller's unit of work rolls back)."""
    actor.require(Perm.EDIT_CASES)
    if cmd.file_retention:
        actor.require(Perm.FILE_CASES)
    if not cmd.mediators:
        raise FieldError("mediators", "请选择主持调解的调解员。")
    if not cmd.registrar.strip():
        raise FieldError("registrar", "请填写口头协议登记表的登记人。")
    intake = cases.IntakeCommand(
        committee_uuid=cmd.committee_uuid,
        intake_form="register",
        source=cmd.source,
        dispute_type=cmd.dispute_type,
        accepted_on=cmd.settled_on,
        summary=cmd.summary,
        parties=cmd.parties,
        mediators=cmd.mediators,
        dispute_subtype=cmd.dispute_subtype,
        difficulty="simple",
        registrar=cmd.registrar,
        amount_fen=cmd.amount_fen,
        referrer_type=cmd.referrer_type,
        referrer_name=cmd.referrer_name,
    )
    ref = cases.open_case(session, actor, intake, Procedure.SIMPLE)
    if cmd.notice_told:
        cases.record_notice(session, actor, ref.uuid, cmd.settled_on, "oral")
    if cmd.id_proofs_checked:
        cases.mark_id_proofs(session, actor, ref.uuid, True)
    cases.record_agreement(
        session,
        actor,
        ref.uuid,
        cases.AgreementInput(
            form="oral",
            effective_on=cmd.settled_on,
            clauses=cmd.clauses,
            performance_method=cmd.performance_method,
            performance_deadline=cmd.performance_deadline,
            performance_place=cmd.performance_place,
            facts=cmd.summary.strip(),
            amount_fen=cmd.amount_fen,
            performed_on_the_spot=cmd.performed_on_the_spot,
            registrar=cmd.registrar,
        ),
    )
    if cmd.file_retention:
        cases.file_case(session, actor, ref.uuid, cmd.file_retention, cmd.settled_on)
    case = cases.get_case(session, ref.uuid)
    return cases.CaseRef(case.uuid, case.case_no, case.version)


def convert_to_ordinary(session: Session, actor: Actor, case_uuid: str, reason: str) -> list[str]:
    """转为普通程序: the case keeps its number, parties, agreement and everything else; from now on
    filing asks for the ordinary file. Returns what that file still lacks."""
    case = cases.get_case(session, case_uuid)
    cases.check_editable(session, actor, case, allow_closed=True)
    if case.procedure != Procedure.SIMPLE:
        raise UserError("本案已按普通程序办理，无需转换。")
    if not reason.strip():
        raise FieldError("reason", "请写明转为普通程序的原因。")
    before = cases.snapshot(case)
    case.procedure = Procedure.ORDINARY.value
    cases.stamp_changed(actor, case)
    audit.record(
        session,
        actor,
        "case.procedure",
        "case",
        case.uuid,
        summary=f"{case.case_no} 由简易程序转为普通程序：{reason.strip()}",
        before=before,
        after={**cases.snapshot(case), "reason": reason.strip()},
    )
    session.flush()
    return missing_for_filing(cases.contents(session, case))
