"""Committees: the reference list of their 字号 (db/reference/committee_codes.json, see
domain/committee_codes.py; a 字号 listed is kept for the committee named, on every node), their
particulars and members over time, and cases moved between them (issue 18)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base, Travelling


class RefCommitteeCode(Base):
    __tablename__ = "ref_committee_code"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    org_code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(60))  # the committee's full name, e.g. 北山街道人民调解委员会
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # checked with the street or town
    retired: Mapped[bool] = mapped_column(Boolean, default=False)  # left the list; the 字号 stays kept


class CommitteeProfile(Travelling, Base):
    """One version of a committee's particulars (migration 0013_committee_members): a change adds a
    row from the day it takes effect, so the committee as it was on any day stays readable. The
    newest row (effective_on, then updated_at) is the committee as it is."""

    __tablename__ = "committee_profile"
    __table_args__ = (Index("ix_committee_profile_committee", "committee_uuid", "effective_on"),)
    committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"))
    effective_on: Mapped[date] = mapped_column(Date)
    # domain/committees.ORG_KINDS: 村/社区调委会, 街道（镇）调委会, 企事业单位调委会, 行业性专业性调委会, ...
    org_kind: Mapped[str] = mapped_column(String(12))
    registered_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 成立（登记）
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 向司法行政机关备案
    filing_no: Mapped[str] = mapped_column(String(40), default="")
    seal: Mapped[str] = mapped_column(String(60), default="")  # 印章（名称或编号）
    address: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    multi_ethnic: Mapped[bool] = mapped_column(Boolean, default=False)  # 多民族居住地区（第八条）
    reason: Mapped[str] = mapped_column(Text, default="")  # why this version (成立, 换届, 迁址…)


class CommitteeMember(Travelling, Base):
    """A person of the roster serving a committee in one role for one term. A change of role or
    a term's end closes the row (``term_end``) and a new row begins: the rows are the committee's
    composition over time. A mediator may have rows in several committees."""

    __tablename__ = "committee_member"
    __table_args__ = (
        Index("ix_committee_member_committee", "committee_uuid", "term_start"),
        Index("ix_committee_member_mediator", "mediator_uuid"),
    )
    committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"))
    mediator_uuid: Mapped[str] = mapped_column(ForeignKey("mediator.uuid"))
    role: Mapped[str] = mapped_column(String(12))  # chair, vice_chair, member, mediator
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date, nullable=True)  # None: serving
    ethnic_minority: Mapped[bool] = mapped_column(Boolean, default=False)  # 少数民族（第八条）
    end_reason: Mapped[str] = mapped_column(String(120), default="")


class CaseEscalation(Travelling, Base):
    """A case moved up a level (提级/移交) to another committee, or joined by mediators of another
    committee (联合调解). The case keeps one history (case_history rows beside it); this row says
    which committees took part, so both see the case and statistics place it once."""

    __tablename__ = "case_escalation"
    __table_args__ = (
        Index("ix_case_escalation_case", "case_uuid"),
        Index("ix_case_escalation_from", "from_committee_uuid"),
        Index("ix_case_escalation_to", "to_committee_uuid"),
    )
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"))
    kind: Mapped[str] = mapped_column(String(12))  # escalate, co_mediate
    from_committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"))
    to_committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"))
    from_case_no: Mapped[str] = mapped_column(String(40))
    to_case_no: Mapped[str] = mapped_column(String(40))  # same as from_case_no for co_mediate
    escalated_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    by_name: Mapped[str] = mapped_column(String(80), default="")
