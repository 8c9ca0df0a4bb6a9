"""A case after it was closed (issue 14): corrections with a trail, reopening for another round
of mediation (再次调解), a new case opened from an old one, voiding (作废), and the 退回补正 the
district asked for. Each is one unit of work's content (the caller commits), bumps the case's
version (so it travels upward in the next bundle), writes history rows (services/case_history.py,
travelling with the case) and one audit event with before and after.

Who may: a closed case is corrected or reopened by its mediator (when the case's mediators have
accounts linked to the roster, only they) or the 所长; a filed case only by the 所长 (FILE_CASES,
which the administrator does not hold: administration is kept apart from casework); a case the
district returned for correction by anyone who edits cases, whatever its state.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import cases as rules
from xihu_desk.domain import corrections, idnumber
from xihu_desk.domain.cases import Outcome, Status
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.domain.parties import PartyInput, validate_party
from xihu_desk.domain.roles import Perm, Role
from xihu_desk.services import audit, case_history, case_transfer, cases, codes, edit_conflicts
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed
from xihu_desk.services.units import writes
from xihu_desk.store.case_models import Agreement, CaseMediator, MediationCase, Mediator, Party
from xihu_desk.store.ledger_models import CaseImport
from xihu_desk.store.sync_models import Correction

REASON_MAX = 500


# ---------------------------------------------------------------- who may


def returned_for_correction(session: Session, case_uuid: str) -> list[Correction]:
    """The district's open 退回补正 requests for this case."""
    return list(
        session.scalars(
            select(Correction)
            .where(Correction.kind == "case", Correction.uuid == case_uuid, Correction.resolved_at.is_(None))
            .order_by(Correction.created_at)
        )
    )


def _own(session: Session, actor: Actor, case: MediationCase) -> None:
    actor.require(Perm.EDIT_CASES)
    from xihu_desk.services.case_transfer import edit_block

    moving = edit_block(session, case)
    if moving:
        raise PermissionDenied(moving)
    if case.owner_node != cases._node_id(session):
        raise PermissionDenied("该案件由其他单位管理，本单位只能查看。")


def _is_case_mediator(session: Session, actor: Actor, case: MediationCase) -> bool:
    """A mediator's account may act on a closed case of their own; with no account linked to any of
    the case's mediators, any mediator of the office may (accounts and roster are linked later)."""
    if actor.all_rights or actor.role != Role.MEDIATOR:
        return True
    linked = set(
        session.scalars(
            select(Mediator.user_uuid)
            .join(CaseMediator, CaseMediator.mediator_uuid == Mediator.uuid)
            .where(CaseMediator.case_uuid == case.uuid, Mediator.user_uuid.is_not(None))
        )
    )
    return not linked or actor.user_uuid in linked


def correction_refusal(session: Session, actor: Actor, case: MediationCase) -> str | None:
    """Why this user may not correct this case now, or None."""
    if not actor.can(Perm.EDIT_CASES):
        return f"当前角色“{actor.role.label if isinstance(actor.role, Role) else actor.role}”不能更正案件。"
    from xihu_desk.services.case_transfer import edit_block

    moving = edit_block(session, case)
    if moving:
        return moving
    if case.owner_node != cases._node_id(session):
        return "该案件由其他单位管理，本单位只能查看。"
    if returned_for_correction(session, case.uuid):
        return None  # 退回补正: in any state
    if case.status in (Status.ACCEPTED, Status.MEDIATING):
        return "案件尚在办理中，请直接在案件中修改，无需更正。"
    if case.status == Status.VOID:
        return "案件已作废，不能更正。"
    if case.status == Status.FILED and not actor.can(Perm.FILE_CASES):
        return "已立卷归档的案件只能由所长更正。"
    if not _is_case_mediator(session, actor, case):
        return "只有本案的调解员或所长可以更正已结案的案件。"
    return None


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise FieldError("reason", f"请写明{what}的理由。")
    if len(text) > REASON_MAX:
        raise FieldError("reason", f"理由不能超过 {REASON_MAX} 字。")
    return text


# ---------------------------------------------------------------- corrections


def _parties(session: Session, case: MediationCase) -> list[Party]:
    return list(
        session.scalars(
            select(Party).where(Party.case_uuid == case.uuid, Party.deleted.is_(False)).order_by(Party.position)
        )
    )


def _agreement(session: Session, case: MediationCase) -> Agreement | None:
    return session.scalar(select(Agreement).where(Agreement.case_uuid == case.uuid, Agreement.deleted.is_(False)))


def correctable_fields(session: Session, case: MediationCase) -> list[corrections.FieldSpec]:
    parties = _parties(session, case)
    specs = list(corrections.CASE_FIELDS)
    if _agreement(session, case) is not None:
        specs += corrections.AGREEMENT_FIELDS
    for i, p in enumerate(parties, start=1):
        specs += [corrections.party_field(i, column, p.name) for column, *_ in corrections.PARTY_COLUMNS]
    return specs


def current_values(session: Session, actor: Actor, case_uuid: str) -> dict[str, str]:
    """Each correctable field's value as the correction dialog shows it for editing (whole ID
    numbers: only for those who may edit the case, as the case form has them)."""
    actor.require(Perm.EDIT_CASES)
    case = cases.get_case(session, case_uuid)
    parties, agreement = _parties(session, case), _agreement(session, case)
    out = {}
    for s in correctable_fields(session, case):
        out[s.name] = corrections.shown(s, _get(case, agreement, parties, s))
    return out


def _get(case: MediationCase, agreement: Agreement | None, parties: list[Party], s: corrections.FieldSpec) -> Any:
    if s.part == "case":
        return getattr(case, s.column)
    if s.part == "agreement":
        value = getattr(agreement, s.column)
        return json.loads(value) if s.kind == "clauses" else value
    return getattr(parties[int(s.name.split(".")[1]) - 1], s.column)


def _code(session: Session, s: corrections.FieldSpec, value: str) -> str:
    """A code typed as the code or as its label (纠纷类型 婚姻家庭 or 01)."""
    for code, label in codes.items(session, s.code_list):
        if value in (code, label):
            return code
    codes.require(session, s.code_list, value, "value", s.label)
    return value


def _check_dates(
    case: MediationCase, agreement: Agreement | None, s: corrections.FieldSpec, value: Any, today: Any
) -> None:
    if value is None:
        return
    if value > today:
        raise FieldError("value", f"{s.label}不能晚于今天。")
    if s.name == "accepted_on":
        if value.year != case.year:
            raise FieldError("value", "案件编号按受理年度分配，受理日期只能更正为同一年内的日期。")
        later = [d for d in (case.outcome_on, case.closed_on, agreement.effective_on if agreement else None) if d]
        if later and value > min(later):
            raise FieldError("value", f"受理日期不能晚于调解结果或结案日期 {min(later)}。")
    elif s.kind == "date" and s.name != "agreement.performance_deadline" and value < case.accepted_on:
        raise FieldError("value", f"{s.label}不能早于受理日期 {case.accepted_on}。")


@writes
def correct(
    session: Session,
    actor: Actor,
    case_uuid: str,
    changes: list[tuple[str, str]],
    reason: str,
    *,
    loaded_version: int | None = None,
) -> int:
    """Correct fields of a case (name, value typed); one new version. Returns that version.
    ``loaded_version``: the version the corrector looked at; another desk's change since is refused."""
    case = cases.get_case(session, case_uuid)
    edit_conflicts.check_loaded(session, case, loaded_version, entity="case", noun="该案件")
    refusal = correction_refusal(session, actor, case)
    if refusal:
        raise UserError(refusal)
    why = _reason(reason, "更正")
    if not changes:
        raise FieldError("field", "请选择要更正的项目。")
    parties, agreement = _parties(session, case), _agreement(session, case)
    changed: list[tuple[corrections.FieldSpec, str, str]] = []
    touched: set[Any] = set()
    seen = set()
    for name, typed in changes:
        s = corrections.spec(name.strip(), len(parties), agreement is not None)
        if s.name in seen:
            raise FieldError("field", f"“{s.label}”重复。")
        seen.add(s.name)
        value: Any = corrections.parse(s, typed)
        if s.kind == "code":
            value = _code(session, s, str(value))
        if s.kind == "date":
            _check_dates(case, agreement, s, value, actor.today)
        old = _get(case, agreement, parties, s)
        if s.part == "party":
            party = parties[int(s.name.split(".")[1]) - 1]
            current = PartyInput(
                **{f.name: getattr(party, f.name) for f in fields(PartyInput) if hasattr(party, f.name)}
            )
            checked = validate_party(replace(current, **{s.column: value}), case.accepted_on)
            value = getattr(checked, s.column)
            old = getattr(party, s.column)
            if value != old:
                setattr(party, s.column, value)
                touched.add(party)
        elif s.part == "agreement":
            assert agreement is not None
            if value != old:
                setattr(agreement, s.column, json.dumps(value, ensure_ascii=False) if s.kind == "clauses" else value)
                touched.add(agreement)
        elif value != old:
            setattr(case, s.column, value)
        if value == old:
            raise FieldError("value", f"{s.label}与原值相同，无需更正。")
        before, after = corrections.shown(s, old), corrections.shown(s, value)
        if s.column == "id_number":  # the history and the audit log keep ID numbers masked
            before, after = idnumber.mask(before), idnumber.mask(after)
        changed.append((s, before, after))
    for row in touched:
        stamp_changed(actor, row)
    if any(s.name == "accepted_on" for s, _b, _a in changed):
        case.due_on = rules.mediation_due(case.accepted_on, case.extended_to)
    session.flush()
    cases._refresh_title_and_search(session, case)  # a party's name or the dispute type is in the title
    stamp_changed(actor, case)
    for s, before, after in changed:
        case_history.add(
            session, actor, case, "correct", why, field=s.name, field_label=s.label, before=before, after=after
        )
    labels = "、".join(s.label for s, _b, _a in changed)
    audit.record(
        session,
        actor,
        "case.correct",
        "case",
        case.uuid,
        summary=f"更正 {case.case_no}（第 {case.version} 版）：{labels}；理由：{why}",
        before={s.name: b for s, b, _a in changed},
        after={s.name: a for s, _b, a in changed} | {"reason": why},
    )
    return case.version


# ---------------------------------------------------------------- reopen, void, a linked case


def _state_text(case: MediationCase) -> str:
    parts = [Status(case.status).label]
    if case.outcome:
        parts.append(Outcome(case.outcome).label)
    if case.closed_on:
        parts.append(f"结案 {case.closed_on}")
    return "，".join(parts)


@writes
def reopen(session: Session, actor: Actor, case_uuid: str, reason: str) -> None:
    """再次调解: a closed case goes back to mediating under the same number; what it held (the
    earlier outcome, closing report and agreement) stays in its history."""
    case = cases.get_case(session, case_uuid)
    _own(session, actor, case)
    if case.status == Status.FILED:
        raise UserError("案件已立卷归档，不能重新调解；如需再次调解，请“由此新立案件”。")
    if case.status == Status.VOID:
        raise UserError("案件已作废，不能重新调解。")
    if case.status != Status.CLOSED:
        raise UserError("案件尚在调解中，无需重新调解。")
    if not _is_case_mediator(session, actor, case):
        raise PermissionDenied("只有本案的调解员或所长可以重新调解已结案的案件。")
    why = _reason(reason, "重新调解")
    before = cases.snapshot(case)
    agreement = _agreement(session, case)
    earlier = _state_text(case)
    if case.closing_report:
        earlier += f"；结案报告：{case.closing_report}"
    if case.failure_reason:
        earlier += f"；原因：{case.failure_reason}"
    if agreement is not None:
        earlier += "；原协议：" + "；".join(json.loads(agreement.clauses))
    case.status = Status.MEDIATING.value
    case.outcome = case.outcome_on = case.agreement_form = case.closed_on = case.followup_due = None
    case.failure_reason, case.routes_told, case.closing_report = "", False, ""
    case.extended_to, case.extension_reason = None, ""
    case.due_on = rules.mediation_due(actor.today)
    stamp_changed(actor, case)
    case_history.add(
        session,
        actor,
        case,
        "reopen",
        why,
        field="status",
        field_label="案件状态",
        before=earlier,
        after=f"调解中，期限 {case.due_on}",
    )
    audit.record(
        session,
        actor,
        "case.reopen",
        "case",
        case.uuid,
        summary=f"{case.case_no} 重新调解（再次调解）：{why}",
        before=before,
        after=cases.snapshot(case),
    )


@writes
def void(session: Session, actor: Actor, case_uuid: str, reason: str) -> None:
    """作废: a case registered by mistake keeps its number, leaves every statistic and ledger, and
    says why wherever it appears."""
    case = cases.get_case(session, case_uuid)
    _own(session, actor, case)
    if case.status == Status.VOID:
        raise UserError("案件已经作废。")
    if case.status == Status.FILED:
        actor.require(Perm.FILE_CASES)
    why = _reason(reason, "作废")
    before = cases.snapshot(case)
    earlier = _state_text(case)
    case.status, case.void_reason, case.voided_on, case.followup_due = Status.VOID.value, why, actor.today, None
    stamp_changed(actor, case)
    case_history.add(
        session, actor, case, "void", why, field="status", field_label="案件状态", before=earlier, after="已作废"
    )
    audit.record(
        session,
        actor,
        "case.void",
        "case",
        case.uuid,
        summary=f"作废案件 {case.case_no}：{why}",
        before=before,
        after=cases.snapshot(case) | {"void_reason": why},
    )


def open_linked(session: Session, actor: Actor, case_uuid: str, reason: str) -> cases.CaseRef:
    """由此新立案件: a new case (new number, accepted today) with the old one's parties, dispute and
    mediators, linked to it; both histories say so."""
    original = cases.get_case(session, case_uuid)
    _own(session, actor, original)
    if original.status == Status.VOID:
        raise UserError("案件已作废，不能由此新立案件。")
    why = _reason(reason, "新立案件")
    parties = [
        replace(PartyInput(**{f.name: getattr(p, f.name) for f in fields(PartyInput) if hasattr(p, f.name)}), uuid=None)
        for p in _parties(session, original)
    ]
    mediators = [
        cases.MediatorAssignment(m.mediator_uuid, m.lead, m.chosen_by_parties)
        for m in session.scalars(
            select(CaseMediator)
            .join(Mediator, Mediator.uuid == CaseMediator.mediator_uuid)
            .where(CaseMediator.case_uuid == original.uuid, Mediator.active.is_(True), Mediator.deleted.is_(False))
        )
    ]
    values = {f: getattr(original, f) for f in cases.INTAKE_FIELDS if f not in ("accepted_on", "registrar")}
    values |= {f: 0 for f in cases.PREVENTION_FIELDS} | {"escalation_risk": False, "reported_to": ""}
    cmd = cases.IntakeCommand(
        **values,
        accepted_on=actor.today,
        parties=tuple(parties),
        mediators=tuple(mediators),
        registrar=actor.display_name or actor.name,
    )
    ref = cases.open_case(session, actor, cmd)
    new = cases.get_case(session, ref.uuid)
    new.linked_from = original.uuid
    case_history.add(
        session, actor, new, "linked", why, field="linked_from", field_label="原案件", after=original.case_no
    )
    stamp_changed(actor, original)
    case_history.add(
        session, actor, original, "link", why, field="linked_case", field_label="新立案件", after=new.case_no
    )
    audit.record(
        session,
        actor,
        "case.link",
        "case",
        original.uuid,
        summary=f"由 {original.case_no} 新立案件 {new.case_no}：{why}",
        after={"new_case": new.case_no, "reason": why},
    )
    return ref


# ---------------------------------------------------------------- legacy imports, and what case show adds


def is_imported(session: Session, case_uuid: str) -> bool:
    return session.get(CaseImport, case_uuid) is not None


def detail(session: Session, actor: Actor, case: MediationCase) -> dict[str, Any]:
    """What ``case_detail`` adds: history, void, links, the district's open requests, and which
    fields this user may correct now."""
    refusal = correction_refusal(session, actor, case)
    linked_from = session.get(MediationCase, case.linked_from) if case.linked_from else None
    # A handful of rows, found by their index and sorted here: ANALYZE counts linked_from (NULL on
    # nearly every case) as one value, and the planner would then walk every case in case_no order
    # (8 s for `case show` at a million cases, issue 15).
    children = sorted(
        session.execute(
            select(MediationCase.uuid, MediationCase.case_no)
            .where(MediationCase.linked_from == case.uuid, MediationCase.deleted.is_(False))
            .with_hint(MediationCase, "INDEXED BY ix_mediation_case_linked_from", "sqlite")
        ).all(),
        key=lambda row: row.case_no,
    )
    own = (
        case.owner_node == cases._node_id(session)
        and actor.can(Perm.EDIT_CASES)
        and case_transfer.edit_block(session, case) is None
    )
    return {
        "history": case_history.as_dicts(case_history.rows(session, case.uuid)),
        "void": None
        if case.status != Status.VOID
        else {"on": case.voided_on.isoformat() if case.voided_on else None, "reason": case.void_reason},
        "linked_from": None if linked_from is None else {"uuid": linked_from.uuid, "case_no": linked_from.case_no},
        "linked_cases": [{"uuid": u, "case_no": n} for u, n in children],
        "returned_for_correction": [
            {"comment": c.comment, "created_at": c.created_at.isoformat(sep=" ", timespec="minutes")}
            for c in returned_for_correction(session, case.uuid)
        ],
        "imported": is_imported(session, case.uuid),
        "transfer": case_transfer.case_view(session, case.uuid),
        "correctable_fields": []
        if refusal
        else [{"name": s.name, "label": s.label, "kind": s.kind} for s in correctable_fields(session, case)],
        "correction_refusal": refusal,
        "may_reopen": own and case.status == Status.CLOSED and _is_case_mediator(session, actor, case),
        "may_void": own and case.status != Status.VOID and (case.status != Status.FILED or actor.can(Perm.FILE_CASES)),
        "may_link": own and case.status != Status.VOID,
    }
