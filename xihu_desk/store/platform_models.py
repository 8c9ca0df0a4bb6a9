"""Months reconciled with the provincial platform (浙里调 / 浙江解纷码, issue 19): what the home page
needs to say which month is still to reconcile. Stays on this node (each office reconciles its own)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base


class PlatformMonth(Base):
    __tablename__ = "platform_month"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # 2026-11
    reconciled_at: Mapped[datetime] = mapped_column(DateTime)
    reconciled_by: Mapped[str] = mapped_column(String(80))
    file_name: Mapped[str] = mapped_column(String(200), default="")
    matched: Mapped[int] = mapped_column(Integer, default=0)
    only_here: Mapped[int] = mapped_column(Integer, default=0)  # cases of the month still to enter
    only_platform: Mapped[int] = mapped_column(Integer, default=0)
    mismatched: Mapped[int] = mapped_column(Integer, default=0)
