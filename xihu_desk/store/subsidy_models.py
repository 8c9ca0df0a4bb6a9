"""以案定补 (issue 20): the rule tables in force over time, and the periods whose payment sheets were
approved, with every line paid (migration 0013_subsidy)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base


class SubsidyRules(Base):
    """One version of the district's rule table (domain/subsidy.py), as loaded here or received
    from the parent in a downward bundle; a period uses the version with the latest valid_from on
    or before its end."""

    __tablename__ = "subsidy_rules"
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    valid_from: Mapped[date] = mapped_column(Date, index=True)
    body: Mapped[str] = mapped_column(Text)  # JSON of the table's document
    sample: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(40), default="")  # node that loaded it
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    loaded_by: Mapped[str] = mapped_column(String(80), default="")


class SubsidyPeriod(Base):
    """A payment sheet approved (审核通过): its period is closed; later changes to its cases come
    as adjustments in a later period, never as a change here."""

    __tablename__ = "subsidy_period"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    rules_version: Mapped[str] = mapped_column(String(40))
    total_fen: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime] = mapped_column(DateTime)
    closed_by: Mapped[str] = mapped_column(String(80))


class SubsidyLine(Base):
    """One mediator's amount for one case in a closed period (an adjustment is a line too)."""

    __tablename__ = "subsidy_line"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    period_uuid: Mapped[str] = mapped_column(ForeignKey("subsidy_period.uuid"), index=True)
    case_uuid: Mapped[str] = mapped_column(String(36), index=True)
    case_no: Mapped[str] = mapped_column(String(40))
    mediator_uuid: Mapped[str] = mapped_column(String(36), index=True)
    mediator_name: Mapped[str] = mapped_column(String(40))
    amount_fen: Mapped[int] = mapped_column(Integer)
    rules_version: Mapped[str] = mapped_column(String(40))  # the table the case was paid under
    reason: Mapped[str] = mapped_column(Text, default="")
    adjustment: Mapped[bool] = mapped_column(Boolean, default=False)
