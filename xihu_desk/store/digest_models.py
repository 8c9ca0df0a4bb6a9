"""The digest of each case as the app last wrote it (store/digests.py)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base


class RecordDigest(Base):
    __tablename__ = "record_digest"
    # No foreign key: the digest of a case deleted outside the app must stay behind to be reported.
    case_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    digest: Mapped[str] = mapped_column(String(48))  # "<column tag>:<HMAC-SHA256, 32 hex>"
