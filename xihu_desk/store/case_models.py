"""Tables of people's-mediation cases and the mediator roster they reference."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.domain import names

from xihu_desk.store.base import Base, Travelling


class RefCode(Base):
    """Code lists (dispute types, sources…) from db/reference/codes.json, replaceable by the district."""

    __tablename__ = "ref_code"
    list_name: Mapped[str] = mapped_column(String(30), primary_key=True)
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Mediator(Travelling, Base):
    """A people's mediator on the roster of a committee (the roster grows in the mediators area)."""

    __tablename__ = "mediator"
    name: Mapped[str] = mapped_column(String(40), index=True)
    # What lists sort by: the name's pinyin (domain/names.py), set whenever the row is written.
    name_key: Mapped[str] = mapped_column(String(400), default="")
    committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"), index=True)
    gender: Mapped[str] = mapped_column(String(2), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    id_number: Mapped[str] = mapped_column(String(18), default="")
    employment_type: Mapped[str] = mapped_column(String(12), default="part_time")  # full_time, part_time, invited
    grade: Mapped[str] = mapped_column(String(12), default="")
    appointed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    user_uuid: Mapped[str | None] = mapped_column(ForeignKey("user_account.uuid"), nullable=True)
    # The roster's profile (migration 0005; code lists in domain/grading.py, logs in mediator_models.py)
    education: Mapped[str] = mapped_column(String(12), default="")
    political_status: Mapped[str] = mapped_column(String(12), default="")
    legal_qualification: Mapped[str] = mapped_column(String(16), default="")
    source: Mapped[str] = mapped_column(String(16), default="")
    appointment_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    registered_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 备案
    registration_no: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(12), default="serving")  # serving, left, dismissed, removed
    grade_rule_set: Mapped[str] = mapped_column(String(30), default="")
    grade_level: Mapped[str] = mapped_column(String(12), default="")
    graded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(Mediator, "before_insert")
@event.listens_for(Mediator, "before_update")
def _mediator_sort_key(_mapper: Any, _connection: Any, target: Mediator) -> None:
    target.name_key = names.person_key(target.name)


class CaseCounter(Base):
    """Last case number used per committee and year: numbers are gapless and never reused."""

    __tablename__ = "case_counter"
    committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


LIVE = text("deleted = 0")
LIST_FILTERS = ("status", "dispute_type", "source", "committee_uuid", "due_on")


class MediationCase(Travelling, Base):
    __tablename__ = "mediation_case"
    __table_args__ = (
        UniqueConstraint("committee_uuid", "year", "seq", name="uq_mediation_case_number"),
        # Partial indexes over live cases, covering the list's filter columns, so the list can
        # walk them in sort order (and skip pages with OFFSET) without touching the table.
        Index("ix_case_live_date", "accepted_on", "seq", "uuid", *LIST_FILTERS, sqlite_where=LIVE),
        Index("ix_case_live_number", "year", "seq", "uuid", "accepted_on", *LIST_FILTERS, sqlite_where=LIVE),
        Index("ix_case_live_status_type", "status", "dispute_type", "accepted_on", sqlite_where=LIVE),
        Index("ix_case_live_committee", "committee_uuid", "accepted_on", sqlite_where=LIVE),
        Index("ix_case_live_due", "status", "due_on", sqlite_where=LIVE),
        Index("ix_case_live_source", "source", "accepted_on", sqlite_where=LIVE),
        # statistics count outcomes by the closing date (migration 0014_case_closed_on)
        Index("ix_case_closed_on", "closed_on"),
    )
    # Unique per committee and year (uq_mediation_case_number); the text alone may repeat across
    # the district when two committees share a short name.
    case_no: Mapped[str] = mapped_column(String(40), index=True)
    committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120), default="")
    # intake
    intake_form: Mapped[str] = mapped_column(String(12))  # application, register
    source: Mapped[str] = mapped_column(String(12))
    referrer_type: Mapped[str] = mapped_column(String(20), default="")
    referrer_name: Mapped[str] = mapped_column(String(60), default="")
    referrer_doc_no: Mapped[str] = mapped_column(String(60), default="")
    dispute_type: Mapped[str] = mapped_column(String(4))
    dispute_subtype: Mapped[str] = mapped_column(String(30), default="")
    difficulty: Mapped[str] = mapped_column(String(12), default="ordinary")
    # 简易程序 (simple: settled on the spot, oral-agreement register) or ordinary (migration 0010)
    procedure: Mapped[str] = mapped_column(String(10), default="ordinary", server_default="ordinary")
    summary: Mapped[str] = mapped_column(Text, default="")
    claims: Mapped[str] = mapped_column(Text, default="")
    accepted_on: Mapped[date] = mapped_column(Date)
    registrar: Mapped[str] = mapped_column(String(40), default="")
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    group_size: Mapped[int] = mapped_column(Integer, default=0)
    amount_fen: Mapped[int] = mapped_column(Integer, default=0)  # 涉及金额, in fen (no float money)
    prevent_criminal_cases: Mapped[int] = mapped_column(Integer, default=0)
    prevent_criminal_persons: Mapped[int] = mapped_column(Integer, default=0)
    prevent_petition_cases: Mapped[int] = mapped_column(Integer, default=0)
    prevent_petition_persons: Mapped[int] = mapped_column(Integer, default=0)
    prevent_suicide_cases: Mapped[int] = mapped_column(Integer, default=0)
    prevent_suicide_persons: Mapped[int] = mapped_column(Integer, default=0)
    prevent_fight_cases: Mapped[int] = mapped_column(Integer, default=0)
    prevent_fight_persons: Mapped[int] = mapped_column(Integer, default=0)
    escalation_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_to: Mapped[str] = mapped_column(String(60), default="")
    # process
    status: Mapped[str] = mapped_column(String(12))
    notice_given_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    notice_form: Mapped[str] = mapped_column(String(8), default="")  # oral, written
    refused_by_party: Mapped[bool] = mapped_column(Boolean, default=False)
    session_public: Mapped[bool] = mapped_column(Boolean, default=False)
    private_reason: Mapped[str] = mapped_column(String(60), default="")
    due_on: Mapped[date] = mapped_column(Date)
    extended_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    id_proofs_received: Mapped[bool] = mapped_column(Boolean, default=False)
    # outcome
    outcome: Mapped[str | None] = mapped_column(String(12), nullable=True)
    outcome_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    agreement_form: Mapped[str | None] = mapped_column(String(8), nullable=True)
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    routes_told: Mapped[bool] = mapped_column(Boolean, default=False)
    told_routes: Mapped[str] = mapped_column(String(60), default="")  # told_route codes, comma-separated
    referral_to: Mapped[str] = mapped_column(String(12), default="")  # "", legal_aid, court (转介单)
    referral_body: Mapped[str] = mapped_column(String(80), default="")  # the named aid centre or court
    referral_note: Mapped[str] = mapped_column(Text, default="")
    performed: Mapped[str] = mapped_column(String(12), default="")  # "", full, partial, none
    followup_due: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    # closing and filing
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    closing_report: Mapped[str] = mapped_column(Text, default="")
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    filed_by: Mapped[str] = mapped_column(String(40), default="")
    retention: Mapped[str] = mapped_column(String(12), default="")
    created_by: Mapped[str] = mapped_column(String(40), default="")
    # lifecycle (migration 0010_case_history): 作废 with its reason; the case this one was opened from
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    linked_from: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    # 平台案件编号 (浙里调 / 解纷码), migration 0013_platform_code: unique when present (NULL when not)
    platform_code: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True, index=True)


class CaseSearch(Base):
    """Searchable text of a case (number, party names, account); FTS5 trigram index beside it."""

    __tablename__ = "case_search"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), unique=True)
    body: Mapped[str] = mapped_column(Text)


class Party(Travelling, Base):
    __tablename__ = "party"
    __table_args__ = (
        Index("ix_party_name", "name"),
        Index("ix_party_id_number", "id_number"),
        Index("ix_party_phone", "phone"),
    )
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(12))  # applicant, respondent, third
    kind: Mapped[str] = mapped_column(String(8))  # person, org
    name: Mapped[str] = mapped_column(String(80))
    gender: Mapped[str] = mapped_column(String(2), default="")
    ethnicity: Mapped[str] = mapped_column(String(10), default="")
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    id_type: Mapped[str] = mapped_column(String(12), default="resident")  # resident, passport, other
    id_number: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    occupation: Mapped[str] = mapped_column(String(60), default="")
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    legal_rep: Mapped[str] = mapped_column(String(40), default="")
    guardian: Mapped[str] = mapped_column(String(60), default="")
    agent_kind: Mapped[str] = mapped_column(String(10), default="")  # "", legal, entrusted
    agent_name: Mapped[str] = mapped_column(String(40), default="")
    agent_phone: Mapped[str] = mapped_column(String(30), default="")
    # 法定代理人 (its name is ``guardian``), migration 0011_party_law
    rep_relation: Mapped[str] = mapped_column(String(20), default="")
    rep_id_number: Mapped[str] = mapped_column(String(40), default="")
    rep_phone: Mapped[str] = mapped_column(String(30), default="")
    acts_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    acts_alone_reason: Mapped[str] = mapped_column(String(120), default="")
    service_address: Mapped[str] = mapped_column(String(120), default="")
    tags: Mapped[str] = mapped_column(String(60), default="")  # party_tag codes, comma-separated


class CaseMediator(Base):
    __tablename__ = "case_mediator"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), primary_key=True)
    mediator_uuid: Mapped[str] = mapped_column(ForeignKey("mediator.uuid"), primary_key=True, index=True)
    lead: Mapped[bool] = mapped_column(Boolean, default=False)
    chosen_by_parties: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseRecord(Travelling, Base):
    """调查记录 (investigation) and 调解记录 (mediation session), domain.md §2.6–2.7."""

    __tablename__ = "case_record"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(14))  # investigation, mediation
    held_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(80), default="")
    matter: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(120), default="")  # 被调查人 / 当事人到场
    participants: Mapped[str] = mapped_column(String(200), default="")  # 参加人
    mediators: Mapped[str] = mapped_column(String(120), default="")
    recorder: Mapped[str] = mapped_column(String(40), default="")
    notice_announced: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text, default="")


class Agreement(Travelling, Base):
    """The written 调解协议书 or the oral 口头协议登记表 of a succeeded case."""

    __tablename__ = "agreement"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), unique=True)
    form: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(40))
    facts: Mapped[str] = mapped_column(Text, default="")
    disputed: Mapped[str] = mapped_column(Text, default="")
    responsibility: Mapped[str] = mapped_column(Text, default="")
    clauses: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of strings
    performance_method: Mapped[str] = mapped_column(String(120), default="")
    performance_place: Mapped[str] = mapped_column(String(120), default="")
    performance_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount_fen: Mapped[int] = mapped_column(Integer, default=0)
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    performed_on_the_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    registrar: Mapped[str] = mapped_column(String(40), default="")


class FollowUp(Travelling, Base):
    __tablename__ = "followup"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    party_name: Mapped[str] = mapped_column(String(80), default="")
    visitor: Mapped[str] = mapped_column(String(40), default="")
    performance: Mapped[str] = mapped_column(String(12))  # full, partial, none, not_due
    satisfaction: Mapped[str] = mapped_column(String(12), default="")  # satisfied, basic, unsatisfied
    court_result: Mapped[str] = mapped_column(String(120), default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")


class Confirmation(Travelling, Base):
    """司法确认: the parties' joint application to the court within 30 days of the agreement."""

    __tablename__ = "confirmation"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), unique=True)
    applied_on: Mapped[date] = mapped_column(Date)
    court: Mapped[str] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(12), default="pending")  # pending, confirmed, rejected
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    court_case_no: Mapped[str] = mapped_column(String(60), default="")


class Attachment(Travelling, Base):
    __tablename__ = "attachment"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)


class CaseHistory(Travelling, Base):
    """A case's versions as people changed them after the fact: a correction (one row per field,
    before and after), a reopening, voiding, a linked case opened from it, filing with a follow-up
    still due. Travels with the case (store/aggregates.py); the audit log holds the same."""

    __tablename__ = "case_history"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), index=True)
    case_version: Mapped[int] = mapped_column(Integer)  # the case's version this change made
    action: Mapped[str] = mapped_column(String(12))  # correct, reopen, void, link, file
    field: Mapped[str] = mapped_column(String(40), default="")
    field_label: Mapped[str] = mapped_column(String(40), default="")
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    by_name: Mapped[str] = mapped_column(String(80), default="")  # who, as people know them
    by_account: Mapped[str] = mapped_column(String(80), default="")  # the account (audit log's actor)
    at: Mapped[datetime] = mapped_column(DateTime)


class AgreementDraft(Base):
    """The agreement as typed at the signing table, before the parties sign (migration
    0012_agreement_draft): one per case, replaced on each save, removed when the agreement is
    registered. A working copy, not a version of the case: it stays on this node (a case's parts
    travel under the case's version, store/aggregates.py) and is digested with the case."""

    __tablename__ = "agreement_draft"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), primary_key=True)
    form: Mapped[str] = mapped_column(String(8), default="written")
    facts: Mapped[str] = mapped_column(Text, default="")
    disputed: Mapped[str] = mapped_column(Text, default="")
    responsibility: Mapped[str] = mapped_column(Text, default="")
    clauses: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of strings
    performance_method: Mapped[str] = mapped_column(String(120), default="")
    performance_place: Mapped[str] = mapped_column(String(120), default="")
    performance_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount_fen: Mapped[int] = mapped_column(Integer, default=0)
    effective_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    performed_on_the_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    registrar: Mapped[str] = mapped_column(String(40), default="")
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    saved_by: Mapped[str] = mapped_column(String(80), default="")
