"""The reference list of committees' 字号 (db/reference/committee_codes.json), see
domain/committee_codes.py. A 字号 listed here is kept for the committee named, on every node."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base


class RefCommitteeCode(Base):
    __tablename__ = "ref_committee_code"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    org_code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(60))  # the committee's full name, e.g. 北山街道人民调解委员会
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # checked with the street or town
    retired: Mapped[bool] = mapped_column(Boolean, default=False)  # left the list; the 字号 stays kept
