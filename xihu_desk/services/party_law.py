"""Parties as the law sees them, as plain data: the legal representative (法定代理人), whether the
party signs, the 送达地址 and the special-group tags (issue 14); and a failed case's routes told
and referral (人民调解法第26条), with the write that records them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from xihu_desk.domain import idnumber
from xihu_desk.domain.cases import Outcome, Status
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.parties import PartyInput, signs_self, suggested_tags, tag_codes
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, codes
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed
from xihu_desk.services.units import writes
from xihu_desk.store.case_models import MediationCase, Party

PARTY_FIELDS = (
    "rep_relation",
    "rep_id_number",
    "rep_phone",
    "acts_alone",
    "acts_alone_reason",
    "service_address",
    "tags",
)
REFERRAL_NOTE_MAX = 500


def representative(p: Party, reveal: bool) -> dict[str, Any] | None:
    """The 法定代理人 as ``case show --json`` gives it, or None."""
    if p.kind != "person" or not p.guardian:
        return None
    number = p.rep_id_number if reveal else idnumber.mask(p.rep_id_number)
    return {"name": p.guardian, "relation": p.rep_relation, "id_number": number, "phone": p.rep_phone}


def party_extras(p: Party, accepted_on: date | None, reveal: bool, tag_labels: dict[str, str]) -> dict[str, Any]:
    tags = tag_codes(p.tags)
    on = accepted_on or date.max
    signs = p.kind != "person" or signs_self(p.birth_date, on)
    suggestion = suggested_tags(PartyInput(p.role, p.kind, p.name, birth_date=p.birth_date), on) if accepted_on else []
    return {
        "legal_representative": representative(p, reveal),
        "acts_alone": p.acts_alone,
        "acts_alone_reason": p.acts_alone_reason,
        "signs_self": signs,
        "service_address": p.service_address,
        "tags": [tag_labels.get(t, t) for t in tags],
        "tag_codes": tags,
        "suggested_tags": [tag_labels.get(t, t) for t in suggestion if t not in tags],
    }


def failure_extras(session: Session, case: MediationCase) -> dict[str, Any]:
    routes = codes.labels(session, "told_route")
    targets = codes.labels(session, "referral_target")
    told = tag_codes(case.told_routes)
    return {
        "told_routes": [routes.get(r, r) for r in told],
        "told_route_codes": told,
        "referral": None
        if not case.referral_to
        else {
            "to": case.referral_to,
            "to_label": targets.get(case.referral_to, case.referral_to),
            "body": case.referral_body,
            "note": case.referral_note,
        },
    }


@writes
def record_routes(
    session: Session,
    actor: Actor,
    case_uuid: str,
    routes: list[str],
    referral_to: str = "",
    referral_body: str = "",
    referral_note: str = "",
) -> None:
    """The routes the parties were told of when mediation failed or ended, and the optional
    referral to legal aid or the court (printed as the 转介单). One write, audited."""
    from xihu_desk.services.cases import check_editable, get_case

    actor.require(Perm.EDIT_CASES)
    case = get_case(session, case_uuid)
    if case.outcome not in (Outcome.FAILED.value, Outcome.TERMINATED.value):
        raise UserError("只有调解不成功或终止调解的案件才登记告知的其他途径和转介。")
    if case.status != Status.CLOSED.value:
        raise UserError("案件已归档或作废，不能再登记告知途径和转介；如需更改请走更正。")
    check_editable(session, actor, case, allow_closed=True)  # recorded after the case closed
    known_routes = codes.labels(session, "told_route")
    chosen = list(dict.fromkeys(r.strip() for r in routes if r.strip()))
    if not chosen:
        raise FieldError("told_routes", "请至少选择一项告知当事人的其他途径（仲裁、行政处理、诉讼等）。")
    unknown = [r for r in chosen if r not in known_routes]
    if unknown:
        raise FieldError("told_routes", f"告知途径“{'、'.join(unknown)}”不在代码表中，请从列表中选择。")
    if referral_to and referral_to not in codes.labels(session, "referral_target"):
        raise FieldError("referral_to", "转介去向只能是法律援助或人民法院。")
    body, note = referral_body.strip(), referral_note.strip()
    if referral_to and not body:
        raise FieldError("referral_body", "请填写接收转介的机构名称（如西湖区法律援助中心、西湖区人民法院）。")
    if len(body) > 80:
        raise FieldError("referral_body", "接收机构名称不能超过 80 个字。")
    if len(note) > REFERRAL_NOTE_MAX:
        raise FieldError("referral_note", f"转介说明不能超过 {REFERRAL_NOTE_MAX} 个字。")
    before = {"told_routes": case.told_routes, "referral_to": case.referral_to, "referral_body": case.referral_body}
    case.told_routes = ",".join(chosen)
    case.referral_to, case.referral_body, case.referral_note = (
        referral_to,
        body if referral_to else "",
        note if referral_to else "",
    )
    case.routes_told = True
    stamp_changed(actor, case)
    told = "、".join(known_routes[r] for r in chosen)
    where = f"，转介{body}" if referral_to else ""
    audit.record(
        session,
        actor,
        "case.routes",
        "case",
        case.uuid,
        summary=f"{case.case_no} 已告知其他途径：{told}{where}",
        before=before,
        after={"told_routes": case.told_routes, "referral_to": case.referral_to, "referral_body": case.referral_body},
    )
