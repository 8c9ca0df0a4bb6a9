"""Where an imported record came from: a case taken from an office's old Excel ledger (台账).

The mark stays on this node (the case itself travels upward like any other): it tells the case
list and the ledger export that the case was imported, from which file, sheet and row, keeps the
values of the ledger's columns that have no field in a case, and lets a second import of the same
ledger (or of a ledger that overlaps it) recognise the rows it already took.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base


class CaseImport(Base):
    __tablename__ = "case_import"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), primary_key=True)
    # sha256 of the row's identity (committee, date accepted, parties, dispute type), normalised
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    sheet: Mapped[str] = mapped_column(String(100))
    row: Mapped[int] = mapped_column(Integer)
    ledger_no: Mapped[str] = mapped_column(String(60), default="")  # the ledger's own number (原台账编号)
    extra: Mapped[str] = mapped_column(Text, default="{}")  # JSON: header -> value of columns without a field
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(80))
