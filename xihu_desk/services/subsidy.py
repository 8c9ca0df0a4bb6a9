"""以案定补 (issue 20): the payment sheet of a period from the cases themselves, under the rule table
in force (domain/subsidy.py), and its approval, which closes the period.

Which cases: closed in the period (succeeded; failed after full mediation where the rules say so),
not void, not paid in a closed period before. A case's amount is shared among its mediators by the
rule, never more than once; mediators whose 来源 the rules exclude are listed, not paid; a case the
rules hold back (no platform code, file review too low or not possible) is listed with why.
Approving stores every line; a case of a closed period whose amount later changes (a correction)
comes back as an adjustment line in the next sheet: paid sheets never change.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain import subsidy as rules
from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, subsidy_facts
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes
from xihu_desk.store.case_models import MediationCase, Mediator
from xihu_desk.store.models import Committee
from xihu_desk.store.subsidy_models import SubsidyLine, SubsidyPeriod, SubsidyRules

SHIPPED = "subsidy_rules.toml"
CAP_LINE = "（上限核减）"  # the case number column of a cap line


@dataclass
class Item:
    case_no: str
    amount: int  # fen
    reason: str
    case_uuid: str = ""
    rules_version: str = ""
    adjustment: bool = False


@dataclass
class MediatorSheet:
    uuid: str
    name: str
    committee: str
    items: list[Item] = field(default_factory=list)
    capped: int = 0  # fen cut by the cap

    @property
    def amount(self) -> int:
        return sum(i.amount for i in self.items) - self.capped


@dataclass
class Sheet:
    date_from: date
    date_to: date
    rules: rules.Rules
    mediators: list[MediatorSheet]
    excluded: list[dict[str, str]]
    held: list[dict[str, str]]
    closed: dict[str, Any] | None = None  # the approval, when this period is closed

    @property
    def total(self) -> int:
        return sum(m.amount for m in self.mediators)

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "rules_version": self.rules.version,
            "sample": self.rules.sample,
            "mediators": [
                {
                    "id": m.uuid,
                    "name": m.name,
                    "committee": m.committee,
                    "cases": len({i.case_no for i in m.items if not i.adjustment}),
                    "amount": m.amount / 100,
                    "capped": m.capped / 100,
                    "items": [
                        {"case_no": i.case_no, "amount": i.amount / 100, "reason": i.reason, "adjustment": i.adjustment}
                        for i in m.items
                    ],
                }
                for m in self.mediators
            ],
            "total": self.total / 100,
            "excluded": self.excluded,
            "held": self.held,
            "closed": self.closed,
        }


# -- the rule table -------------------------------------------------------------------------------


def shipped_rules() -> rules.Rules:
    from xihu_desk.paths import resources_dir

    return rules.from_toml((resources_dir() / "templates" / SHIPPED).read_text(encoding="utf-8"))


def rules_in_force(session: Session, on: date) -> rules.Rules:
    """The version with the latest valid_from on or before ``on``; the shipped table (示例) when
    none is stored yet or none is in force that early."""
    row = session.scalar(
        select(SubsidyRules).where(SubsidyRules.valid_from <= on).order_by(SubsidyRules.valid_from.desc()).limit(1)
    )
    return rules.from_doc(json.loads(row.body)) if row is not None else shipped_rules()


def rules_version(session: Session, version: str) -> rules.Rules:
    row = session.get(SubsidyRules, version)
    if row is not None:
        return rules.from_doc(json.loads(row.body))
    shipped = shipped_rules()
    if shipped.version == version:
        return shipped
    raise UserError(f"找不到补贴规则版本 {version}。")


def _doc_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, default=str, sort_keys=True)


def store_rules(session: Session, table: rules.Rules, origin: str, by: str, at: Any) -> bool:
    """Keep a version (loaded here or received from the parent); False when it is already kept."""
    if session.get(SubsidyRules, table.version) is not None:
        return False
    session.add(
        SubsidyRules(
            version=table.version,
            valid_from=table.valid_from,
            body=_doc_json(table.doc),
            sample=table.sample,
            origin=origin,
            loaded_at=at,
            loaded_by=by[:80],
        )
    )
    return True


def closed_until(session: Session) -> date | None:
    """The last day of an approved (closed) period here, or None."""
    return session.scalar(select(func.max(SubsidyPeriod.date_to)))


def check_after_closed(session: Session, table: rules.Rules) -> None:
    """A new version may not reach back into an approved period: it would reprice paid periods as
    adjustments. Checked alike for a file and for the form."""
    closed = closed_until(session)
    if closed is not None and table.valid_from <= closed:
        raise FieldError(
            "valid_from",
            f"补贴规则 {table.version} 自 {table.valid_from} 起适用，但已有审核通过的发放表到 {closed}："
            f"新规则只能自 {closed} 之后起适用，已发放的期间不变。",
        )


@writes
def load_rules(session: Session, actor: Actor, text: str) -> rules.Rules:
    """导入补贴规则: a new version of the table (TOML), kept and sent down to the offices below."""
    from xihu_desk.services.node import node_id

    if not actor.can(Perm.MANAGE_MEDIATORS):
        raise PermissionDenied("只有所长或区司法局可以导入补贴规则。")
    table = rules.from_toml(text)
    check_after_closed(session, table)
    if not store_rules(session, table, node_id(session), actor.display_name or actor.name, actor.now):
        raise UserError(f"补贴规则版本 {table.version} 已经有了：修改规则时请提高 version。")
    audit.record(
        session, actor, "subsidy.rules", "subsidy_rules", table.version,
        summary=f"导入补贴规则 {table.version}（自 {table.valid_from} 起适用）",
    )  # fmt: skip
    return table


# -- the facts of the cases -----------------------------------------------------------------------


def _facts(session: Session, actor: Actor, cases: list[MediationCase], with_review: bool) -> list[rules.CaseFacts]:
    # a page of cases at a time, one query per kind of row: the statements do not grow with the cases
    return subsidy_facts.case_facts(session, actor, cases, with_review)


def _paid(session: Session) -> dict[tuple[str, str], tuple[int, str]]:
    """(case, mediator) → (fen paid so far in closed periods, the table it was first paid under)."""
    out: dict[tuple[str, str], tuple[int, str]] = {}
    for line in session.scalars(select(SubsidyLine).where(SubsidyLine.case_uuid != "").order_by(SubsidyLine.id)):
        key = (line.case_uuid, line.mediator_uuid)
        before, version = out.get(key, (0, line.rules_version))
        out[key] = (before + line.amount_fen, version)
    return out


def _changed_since_paid(session: Session) -> set[str]:
    """The paid cases written since the last sheet that paid them was approved: only these can
    differ from what was paid, so only these are computed again."""
    last = (
        select(SubsidyLine.case_uuid, func.max(SubsidyPeriod.closed_at).label("paid_at"))
        .join(SubsidyPeriod, SubsidyPeriod.uuid == SubsidyLine.period_uuid)
        .where(SubsidyLine.case_uuid != "")
        .group_by(SubsidyLine.case_uuid)
        .subquery()
    )
    changed = select(MediationCase.uuid).join(last, last.c.case_uuid == MediationCase.uuid)
    return set(session.scalars(changed.where(MediationCase.updated_at > last.c.paid_at)))


def _closed_period(session: Session, date_from: date, date_to: date) -> SubsidyPeriod | None:
    return session.scalar(
        select(SubsidyPeriod).where(SubsidyPeriod.date_from <= date_to, SubsidyPeriod.date_to >= date_from).limit(1)
    )


def _shares(table: rules.Rules, f: rules.CaseFacts, excluded: list[dict[str, str]], seen: set[str]):
    from xihu_desk.domain.grading import SOURCE

    got = rules.earned(table, f)
    if got.held:
        return got, []
    out = []
    for person, fen, note in rules.shares(table, got.amount, f.mediators):
        if person.source in table.excluded_sources:
            if person.uuid not in seen:
                seen.add(person.uuid)
                excluded.append(
                    {"name": person.name, "reason": f"{SOURCE.get(person.source, person.source)}，不发放以案定补"}
                )
            continue
        out.append((person, fen, got.reason + (f"；{note}" if note else "")))
    return got, out


# -- the sheet ------------------------------------------------------------------------------------


@reads
def sheet(session: Session, actor: Actor, date_from: date, date_to: date) -> Sheet:
    """The payment sheet of the period; for a closed period, the lines as approved."""
    actor.require(Perm.VIEW_CASES)
    if date_to < date_from:
        raise UserError("补贴期间的结束日期早于开始日期。")
    closed = session.scalar(
        select(SubsidyPeriod).where(SubsidyPeriod.date_from == date_from, SubsidyPeriod.date_to == date_to)
    )
    if closed is not None:
        return _as_approved(session, closed)
    if (other := _closed_period(session, date_from, date_to)) is not None:
        raise UserError(f"所选期间与已审核的补贴期间 {other.date_from} 至 {other.date_to} 重叠，请另选期间。")
    table = rules_in_force(session, date_to)
    paid = _paid(session)
    paid_cases = {case for case, _ in paid}
    cases = list(
        session.scalars(
            select(MediationCase)
            .where(
                MediationCase.status.in_((Status.CLOSED.value, Status.FILED.value)),
                MediationCase.deleted.is_(False),
                MediationCase.closed_on >= date_from,
                MediationCase.closed_on <= date_to,
            )
            .order_by(MediationCase.case_no)
        )
    )
    new = [c for c in cases if c.uuid not in paid_cases]
    facts = [f for f in _facts(session, actor, new, bool(table.grade_bands)) if rules.counts(table, f)]
    by_mediator: dict[str, MediatorSheet] = {}
    excluded: list[dict[str, str]] = []
    held: list[dict[str, str]] = []
    seen: set[str] = set()

    def line(person: rules.Person, item: Item) -> None:
        m = by_mediator.setdefault(person.uuid, MediatorSheet(person.uuid, person.name, person.committee))
        m.items.append(item)

    for f in facts:
        got, shares = _shares(table, f, excluded, seen)
        if got.held:
            held.append({"case_no": f.case_no, "reason": got.held})
        for person, fen, reason in shares:
            line(person, Item(f.case_no, fen, reason, f.uuid, table.version))
    _adjustments(session, actor, paid, line, excluded, seen)
    for m in by_mediator.values():
        if table.cap and m.amount > table.cap:
            m.capped = m.amount - table.cap
    ordered = sorted(by_mediator.values(), key=lambda m: (m.committee, m.name))
    return Sheet(date_from, date_to, table, ordered, excluded, held)


def _adjustments(session: Session, actor: Actor, paid, line, excluded, seen) -> None:
    """A case paid in a closed period whose amount is now different (a correction, a reopened or
    voided case): the difference, under the table it was paid under, as a line of this sheet."""
    changed = _changed_since_paid(session) if paid else set()
    if not changed:
        return
    version_of = {case: version for (case, _m), (_fen, version) in paid.items()}
    paid_of: dict[str, list[tuple[str, int]]] = defaultdict(list)  # case → (mediator, fen paid)
    for (case_uuid, m_uuid), (fen_paid, _v) in paid.items():
        paid_of[case_uuid].append((m_uuid, fen_paid))
    by_version: dict[str, list[MediationCase]] = defaultdict(list)
    for c in session.scalars(select(MediationCase).where(MediationCase.uuid.in_(changed))):
        by_version[version_of[c.uuid]].append(c)
    for version, group in by_version.items():
        table = rules_version(session, version)
        cases = {c.uuid: c for c in group}
        for f in _facts(session, actor, group, bool(table.grade_bands)):
            now: dict[str, tuple[rules.Person, int, str]] = {}
            case = cases[f.uuid]
            if case.status in (Status.CLOSED.value, Status.FILED.value) and not case.deleted and rules.counts(table, f):
                _got, shares = _shares(table, f, excluded, seen)
                now = {p.uuid: (p, fen, reason) for p, fen, reason in shares}
            people = {p.uuid: p for p in f.mediators}
            for m_uuid, fen_paid in paid_of[f.uuid]:
                person, fen_now, _r = now.get(m_uuid, (people.get(m_uuid), 0, ""))
                if fen_now != fen_paid:
                    who = person or rules.Person(m_uuid, _name_of(session, m_uuid), "", False, "")
                    note = f"更正调整：已发 {fen_paid / 100:g} 元，现应 {fen_now / 100:g} 元"
                    line(who, Item(f.case_no, fen_now - fen_paid, note, f.uuid, version, adjustment=True))
            for m_uuid, (person, fen_now, reason) in now.items():
                if (f.uuid, m_uuid) not in paid and fen_now:  # a mediator added to the case later
                    line(person, Item(f.case_no, fen_now, "更正调整：新增调解员，" + reason, f.uuid, version, True))


def _name_of(session: Session, mediator_uuid: str) -> str:
    m = session.get(Mediator, mediator_uuid)
    return m.name if m is not None else mediator_uuid[:8]


def _as_approved(session: Session, period: SubsidyPeriod) -> Sheet:
    table = rules_version(session, period.rules_version)
    by_mediator: dict[str, MediatorSheet] = {}
    for ln in session.scalars(
        select(SubsidyLine).where(SubsidyLine.period_uuid == period.uuid).order_by(SubsidyLine.id)
    ):
        committee = ""
        m = session.get(Mediator, ln.mediator_uuid)
        if m is not None and (c := session.get(Committee, m.committee_uuid)) is not None:
            committee = c.name
        sheet_ = by_mediator.setdefault(ln.mediator_uuid, MediatorSheet(ln.mediator_uuid, ln.mediator_name, committee))
        sheet_.items.append(Item(ln.case_no, ln.amount_fen, ln.reason, ln.case_uuid, ln.rules_version, ln.adjustment))
    ordered = sorted(by_mediator.values(), key=lambda m: (m.committee, m.name))
    closed = {"at": clock.to_local(period.closed_at).isoformat(sep=" ", timespec="minutes"), "by": period.closed_by}
    return Sheet(period.date_from, period.date_to, table, ordered, [], [], closed)


@writes
def approve(session: Session, actor: Actor, date_from: date, date_to: date) -> Sheet:
    """审核通过: the sheet as it stands is stored line by line and the period is closed."""
    if not actor.can(Perm.FILE_CASES):
        raise PermissionDenied("只有所长可以审核通过补贴发放表。")
    if date_to >= actor.today:
        raise UserError("期间尚未结束，不能审核通过：请在期间结束后再审核。")
    done = sheet(session, actor, date_from, date_to)
    if done.closed is not None:
        raise UserError(f"{date_from} 至 {date_to} 的补贴发放表已于 {done.closed['at']} 审核通过，不能再改。")
    period = SubsidyPeriod(
        uuid=str(uuidlib.uuid4()),
        date_from=date_from,
        date_to=date_to,
        rules_version=done.rules.version,
        total_fen=done.total,
        closed_at=actor.now,
        closed_by=(actor.display_name or actor.name)[:80],
    )
    session.add(period)
    session.flush()  # the period before its lines (their foreign key)
    for m in done.mediators:
        items = list(m.items)
        if m.capped:  # the cap is a line of its own, so what each case earned stays as it was
            cap = f"超过每期上限 {done.rules.cap / 100:g} 元，核减"
            items.append(Item(CAP_LINE, -m.capped, cap, "", done.rules.version, adjustment=True))
        for item in items:
            session.add(
                SubsidyLine(
                    period_uuid=period.uuid,
                    case_uuid=item.case_uuid,
                    case_no=item.case_no,
                    mediator_uuid=m.uuid,
                    mediator_name=m.name,
                    amount_fen=item.amount,
                    rules_version=item.rules_version,
                    reason=item.reason,
                    adjustment=item.adjustment,
                )
            )
    audit.record(
        session, actor, "subsidy.approve", "subsidy_period", period.uuid,
        summary=f"以案定补 {date_from} 至 {date_to} 审核通过：{len(done.mediators)} 人，合计 {done.total / 100:g} 元",
    )  # fmt: skip
    session.flush()
    return _as_approved(session, period)


@reads
def workbook(session: Session, actor: Actor, date_from: date, date_to: date) -> tuple[Sheet, bytes]:
    from xihu_desk.reports import subsidy as report
    from xihu_desk.services.node import node_info

    done = sheet(session, actor, date_from, date_to)
    return done, report.payment_workbook(done, org_name=node_info(session).org_name, generated_at=actor.now)


@reads
def pdf(session: Session, actor: Actor, date_from: date, date_to: date) -> tuple[Sheet, bytes]:
    from xihu_desk.documents import subsidy as document
    from xihu_desk.services.node import node_info

    done = sheet(session, actor, date_from, date_to)
    data, _pages = document.build_pdf(done, org_name=node_info(session).org_name)
    return done, data
