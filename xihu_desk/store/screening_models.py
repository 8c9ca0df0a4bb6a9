"""Tables of 矛盾纠纷排查 (domain/screening.py): information officers, screening rounds (a 零报告 is
a round that found nothing in its period), the disputes they found with the 重点 ledger's columns.
All of them travel upward row by row (store/aggregates.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base, Travelling

LIVE = text("deleted = 0")


class InfoOfficer(Travelling, Base):
    """信息员: a grid worker, a building head or another resident who reports disputes to a committee."""

    __tablename__ = "info_officer"
    committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))  # grid, building, other
    phone: Mapped[str] = mapped_column(String(30), default="")
    area: Mapped[str] = mapped_column(String(120), default="")  # the grid, estate or building covered
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 停用 (0015): kept on the reports they made, not offered for new ones; the statistics count an
    # officer on a day unless deactivated by then (and not reactivated since)
    deactivated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    deactivation_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    reactivated_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ScreeningRound(Travelling, Base):
    """One screening round of a committee, or its 零报告 for a period with nothing found."""

    __tablename__ = "screening_round"
    __table_args__ = (
        Index("ix_screening_live_held", "held_on", sqlite_where=LIVE),
        # the rounds every list and count shows (not voided): the 排查 list's count and first page
        Index("ix_screening_current_held", "held_on", sqlite_where=text("deleted = 0 AND voided_on IS NULL")),
    )
    committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    area: Mapped[str] = mapped_column(String(120))  # 排查范围: the community, estate or unit covered
    staff: Mapped[str] = mapped_column(String(120))  # who screened
    method: Mapped[str] = mapped_column(String(12))  # domain/screening.METHODS
    officer_uuid: Mapped[str | None] = mapped_column(ForeignKey("info_officer.uuid"), nullable=True, index=True)
    zero_report: Mapped[bool] = mapped_column(Boolean, default=False)
    period_from: Mapped[date | None] = mapped_column(Date, nullable=True)  # a 零报告's period
    period_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    # 作废 (0015): kept and shown with the reason, counted nowhere
    voided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    void_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    voided_by: Mapped[str] = mapped_column(String(80), default="", server_default="")


class ScreenedDispute(Travelling, Base):
    """A dispute a round found; what became of it (a case, resolved on the spot, referred) keeps
    its link; a watched one is an entry of the 重点矛盾纠纷 ledger."""

    __tablename__ = "screened_dispute"
    round_uuid: Mapped[str] = mapped_column(ForeignKey("screening_round.uuid"), index=True)
    dispute_type: Mapped[str] = mapped_column(String(8))  # code list dispute_type
    applicant: Mapped[str] = mapped_column(String(80))  # the party raising it
    applicant_phone: Mapped[str] = mapped_column(String(30), default="")
    respondent: Mapped[str] = mapped_column(String(80))
    respondent_phone: Mapped[str] = mapped_column(String(30), default="")
    summary: Mapped[str] = mapped_column(Text)  # 纠纷简要情况, carried into the case
    risk: Mapped[str] = mapped_column(String(8))  # general, major, serious
    action: Mapped[str] = mapped_column(Text, default="")  # what was done when it was found
    status: Mapped[str] = mapped_column(String(12))  # open, case, resolved, referred
    case_uuid: Mapped[str | None] = mapped_column(ForeignKey("mediation_case.uuid"), nullable=True, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    referred_to: Mapped[str] = mapped_column(String(80), default="")
    closing_note: Mapped[str] = mapped_column(Text, default="")
    # 重点矛盾纠纷 ledger
    watched: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible: Mapped[str] = mapped_column(String(40), default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    next_check_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_checked_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ScreeningChange(Travelling, Base):
    """One correction (``correct``) or voiding (``void``) of a recorded round: who, when, why and
    what changed (JSON: [{"what", "before", "after"}]), so the district's copy shows it too."""

    __tablename__ = "screening_change"
    round_uuid: Mapped[str] = mapped_column(ForeignKey("screening_round.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # correct, void
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text, default="")
