"""A case transferred (移送) to another street's or town's office through the district (issue 18).

``case_transfer`` is the request: made and owned by the office that holds the case, it travels up
in that office's bundles like any record. ``case_transfer_decision`` is the district's answer: it
is made at the district and travels down (services/exchange/transfers.py) to the office that asked
and, when accepted, to the office that receives the case. Each of these nodes keeps the decision with
the same id and the same who, to whom and when; only the last two columns are the node's own (when
it took the decision, and at the receiver the number it gave the case)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base, Travelling


class CaseTransfer(Travelling, Base):
    __tablename__ = "case_transfer"
    __table_args__ = (Index("ix_case_transfer_case", "case_uuid"),)
    # No foreign key (none in migration 0015 either): a newer version of the case updates its row in
    # place (store/aggregates.apply), so nothing here would break one, but the import takes a request
    # without checking that its case is here (transfer list joins the case and does not show such a one).
    case_uuid: Mapped[str] = mapped_column(String(36))
    from_case_no: Mapped[str] = mapped_column(String(40))
    from_org: Mapped[str] = mapped_column(String(12))  # the office that asks (its org code)
    to_org: Mapped[str] = mapped_column(String(12))  # the street's or town's office asked to take it
    reason: Mapped[str] = mapped_column(Text)
    requested_on: Mapped[date] = mapped_column(Date)
    by_name: Mapped[str] = mapped_column(String(80), default="")


class TransferDecision(Base):
    """The district's accept or refusal of one request (``id`` is the request's uuid)."""

    __tablename__ = "case_transfer_decision"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_uuid: Mapped[str] = mapped_column(String(36), index=True)
    from_case_no: Mapped[str] = mapped_column(String(40))
    district_node: Mapped[str] = mapped_column(String(36))  # who decided: only it may move ownership
    from_node: Mapped[str] = mapped_column(String(36))
    from_org: Mapped[str] = mapped_column(String(12))
    to_node: Mapped[str] = mapped_column(String(36))
    to_org: Mapped[str] = mapped_column(String(12))
    accepted: Mapped[bool] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)  # the refusal's reason ('' when accepted)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(80))
    case_version: Mapped[int] = mapped_column(Integer)  # the case's version as it moved
    # when this node took the decision from the district's bundle (None at the district, which made it)
    received_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    new_case_no: Mapped[str] = mapped_column(String(40), default="")  # set only at the receiver: its number
