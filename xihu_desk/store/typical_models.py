"""The mediator's own text of a case's typical-case write-up (典型案例, issue 20)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base


class TypicalWriteup(Base):
    """What the mediator typed for the district's collection: the 案例评析 and, where they rewrote
    it, the title (migration 0013_typical_writeup). The other sections are made from the case each
    time, so a correction to the case shows. A working text of this node: it does not travel."""

    __tablename__ = "typical_writeup"
    case_uuid: Mapped[str] = mapped_column(ForeignKey("mediation_case.uuid"), primary_key=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    analysis: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    saved_by: Mapped[str] = mapped_column(String(80), default="")
