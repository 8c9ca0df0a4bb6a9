"""The draft agreement of a case at the signing table (issue 14): the clauses typed before the
parties sign, stored so that closing the form does not lose them, printed as 草稿 and changed as
often as a typo needs; registering the agreement (services/cases.record_agreement) removes it.

Saving a draft is audited (协议草稿保存) but is not a change to the case: the case's version stays,
no history row is written, and the draft stays on this node (store/case_models.AgreementDraft).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain.cases import AgreementForm, Status
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import audit
from xihu_desk.services.cases import AgreementInput, check_editable, get_case
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes
from xihu_desk.store.case_models import AgreementDraft

# A draft belongs to a case still being mediated: once it is closed the agreement is registered
# (or mediation ended), and corrections go through 更正.
OPEN = (Status.ACCEPTED.value, Status.MEDIATING.value)


@dataclass(frozen=True)
class StoredDraft:
    agreement: AgreementInput
    saved_at: datetime
    saved_by: str
    case_no: str = ""


@writes
def save(session: Session, actor: Actor, case_uuid: str, a: AgreementInput) -> StoredDraft:
    """Store (or replace) the case's draft agreement, as typed: only what a print needs is checked."""
    case = get_case(session, case_uuid)
    check_editable(session, actor, case, allow_closed=True)
    if case.status not in OPEN or case.outcome:
        raise UserError("案件已结案，不能再保存协议草稿。协议已登记的，如需改正请使用“更正”。")
    if a.form not in ("written", "oral"):
        raise FieldError("form", "请选择协议形式：书面或口头。")
    clauses = [c.strip() for c in a.clauses if c.strip()]
    if not clauses:
        raise FieldError("clauses", "协议草稿至少需要一条具体内容。")
    if a.amount_fen < 0:
        raise FieldError("amount_fen", "协议金额不能为负数。")
    values = dict(
        form=a.form,
        facts=a.facts.strip(),
        disputed=a.disputed.strip(),
        responsibility=a.responsibility.strip(),
        clauses=json.dumps(clauses, ensure_ascii=False),
        performance_method=a.performance_method.strip(),
        performance_place=a.performance_place.strip(),
        performance_deadline=a.performance_deadline,
        amount_fen=a.amount_fen,
        effective_on=a.effective_on,
        performed_on_the_spot=a.performed_on_the_spot,
        registrar=a.registrar.strip(),
        saved_at=actor.now,
        saved_by=(actor.display_name or actor.name)[:80],
    )
    row = session.get(AgreementDraft, case.uuid)
    replaced = row is not None
    if row is None:
        row = AgreementDraft(case_uuid=case.uuid, **values)
        session.add(row)
    else:
        for k, v in values.items():
            setattr(row, k, v)
    audit.record(
        session,
        actor,
        "case.agreement_draft",
        "case",
        case.uuid,
        summary=f"{case.case_no} 协议草稿保存（{AgreementForm(a.form).label}，{len(clauses)} 条"
        + ("，替换先前的草稿" if replaced else "")
        + "）",
    )
    session.flush()
    return _stored(row, case.case_no)


@reads
def read(session: Session, actor: Actor, case_uuid: str) -> StoredDraft | None:
    """The case's stored draft agreement, or None."""
    row = session.get(AgreementDraft, case_uuid)
    return None if row is None else _stored(row)


def detail(session: Session, case_uuid: str) -> dict[str, Any]:
    """``agreement_draft`` of case_detail (``case show --json``, the 调解结果 tab): the stored draft
    shaped like a registered agreement, with who saved it and when (local time), or None."""
    row = session.get(AgreementDraft, case_uuid)
    if row is None:
        return {"agreement_draft": None}
    return {
        "agreement_draft": {
            "form": row.form,
            "clauses": json.loads(row.clauses or "[]"),
            "facts": row.facts,
            "disputed": row.disputed,
            "responsibility": row.responsibility,
            "performance_method": row.performance_method,
            "performance_place": row.performance_place,
            "performance_deadline": row.performance_deadline.isoformat() if row.performance_deadline else None,
            "amount": row.amount_fen / 100,
            "effective_on": row.effective_on.isoformat() if row.effective_on else None,
            "performed_on_the_spot": row.performed_on_the_spot,
            "registrar": row.registrar,
            "saved_by": row.saved_by,
            "saved_at": clock.to_local(row.saved_at).isoformat(sep=" ", timespec="minutes"),
        }
    }


def discard(session: Session, case_uuid: str) -> None:
    """The draft is done with (the agreement registered, mediation ended): in the caller's unit."""
    row = session.get(AgreementDraft, case_uuid)
    if row is not None:
        session.delete(row)  # through the ORM, so the case's digest follows (store/digests.py)


def _stored(row: AgreementDraft, case_no: str = "") -> StoredDraft:
    return StoredDraft(
        AgreementInput(
            form=row.form,
            effective_on=row.effective_on,
            clauses=tuple(json.loads(row.clauses or "[]")),
            performance_method=row.performance_method,
            performance_deadline=row.performance_deadline,
            performance_place=row.performance_place,
            facts=row.facts,
            disputed=row.disputed,
            responsibility=row.responsibility,
            amount_fen=row.amount_fen,
            performed_on_the_spot=row.performed_on_the_spot,
            registrar=row.registrar,
        ),
        row.saved_at,
        row.saved_by,
        case_no,
    )
