"""Typed models of the foundation: node identity, reference data, committees, users, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.domain import names

from xihu_desk.store.base import Base, Travelling


class Meta(Base):
    """Small key/value facts about this database (reference-data versions, last backup…)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Setting(Base):
    """Node-wide settings an administrator changes (idle lock, password length…), JSON values."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class OrgUnit(Base):
    __tablename__ = "org_unit"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    short_name: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(12))  # district, street, town
    parent_code: Mapped[str] = mapped_column(String(12))
    code_year: Mapped[str] = mapped_column(String(20))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class Node(Base):
    """This installation's identity; exactly one row, made by init."""

    __tablename__ = "node"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[str] = mapped_column(String(36), unique=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"))
    level: Mapped[str] = mapped_column(String(12))
    parent_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sign_private: Mapped[bytes] = mapped_column(LargeBinary)
    sign_public: Mapped[bytes] = mapped_column(LargeBinary)
    enc_private: Mapped[bytes] = mapped_column(LargeBinary)
    enc_public: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(80))


class Committee(Travelling, Base):
    """A people's-mediation committee (调委会) of a street, town, community or village."""

    __tablename__ = "committee"
    name: Mapped[str] = mapped_column(String(60))
    # 字号, used in case numbers （2025）北山人调字…: unique in the district (domain/committee_codes.py)
    short_name: Mapped[str] = mapped_column(String(20), unique=True, index=True)
    org_code: Mapped[str] = mapped_column(ForeignKey("org_unit.code"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # street, town, community, village, other
    # What lists sort by: the name's pinyin (domain/names.py), set whenever the row is written.
    name_key: Mapped[str] = mapped_column(String(400), default="")


@event.listens_for(Committee, "before_insert")
@event.listens_for(Committee, "before_update")
def _committee_sort_key(_mapper: Any, _connection: Any, target: Committee) -> None:
    target.name_key = names.sort_key(target.name)


class User(Travelling, Base):
    __tablename__ = "user_account"
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime)
    committee_uuid: Mapped[str | None] = mapped_column(ForeignKey("committee.uuid"), nullable=True)
    # The roster entry of the person using this account (a mediator's own cases), migration 0011_party_law
    mediator_uuid: Mapped[str | None] = mapped_column(String(36), nullable=True)


class AuditEvent(Base):
    """Append-only, hash-chained log of every write (triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_event"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32), index=True)  # ISO time, UTC, as hashed
    actor: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[str] = mapped_column(String(80), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
