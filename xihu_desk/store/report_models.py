"""报出: a unit's submitted statistics for a period, kept as it was handed over (issue 19).

A submission travels upward in bundles like any record (its owner is the unit that submitted), so
the district sees which units submitted which period. ``snapshot`` holds everything the workbook
was made from (the figures, the layout, each case's contribution), as compact JSON; the workbook
is rebuilt from it byte for byte and checked against ``workbook_sha256``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base, Travelling


class ReportSubmission(Travelling, Base):
    __tablename__ = "report_submission"
    __table_args__ = (Index("ix_report_submission_period", "org_code", "date_to", "date_from"),)
    kind: Mapped[str] = mapped_column(String(20), default="mediation")  # which statistics form
    org_code: Mapped[str] = mapped_column(String(12))
    org_name: Mapped[str] = mapped_column(String(80))
    date_from: Mapped[date] = mapped_column(Date)
    date_to: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(DateTime)  # UTC, like every stored instant
    submitted_by: Mapped[str] = mapped_column(String(80))
    responsible: Mapped[str] = mapped_column(String(40), default="")  # 单位负责人
    preparer: Mapped[str] = mapped_column(String(40), default="")  # 填表人
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    succeeded: Mapped[int] = mapped_column(Integer, default=0)
    bundles: Mapped[str] = mapped_column(Text, default="")  # the bundles included, as printed
    snapshot: Mapped[str] = mapped_column(Text)
    workbook_sha256: Mapped[str] = mapped_column(String(64))
