"""Bookkeeping of the exchange between nodes: peers, bundles out and in, acknowledgements,
quarantined records, and records returned for correction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base


class PeerNode(Base):
    """A node whose keys this node has enrolled: its parent, or one of its children."""

    __tablename__ = "peer_node"
    node_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    relation: Mapped[str] = mapped_column(String(8))  # parent, child
    org_code: Mapped[str] = mapped_column(String(12))
    org_name: Mapped[str] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(12))
    sign_public: Mapped[bytes] = mapped_column(LargeBinary)
    enc_public: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(80))
    enrolled_at: Mapped[datetime] = mapped_column(DateTime)
    # A child's own enrolled children, as its last bundle declared them (JSON list of node ids):
    # records they own may reach us through it, and corrections for them go back down through it.
    children: Mapped[str] = mapped_column(Text, default="[]")


class BundleOut(Base):
    __tablename__ = "bundle_out"
    destination: Mapped[str] = mapped_column(String(36), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(36), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    counts: Mapped[str] = mapped_column(Text)  # JSON
    receipt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class BundleIn(Base):
    __tablename__ = "bundle_in"
    sender: Mapped[str] = mapped_column(String(36), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    bundle_id: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64))
    prev_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    counts: Mapped[str] = mapped_column(Text)  # JSON of the import's result counts
    receipt: Mapped[str] = mapped_column(Text)  # JSON of the per-record results, to write the receipt again


class SyncAck(Base):
    """The version of each record a destination has acknowledged in a receipt."""

    __tablename__ = "sync_ack"
    destination: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class Quarantine(Base):
    """A record that could not go out (export self-check) or come in (import), with the reason."""

    __tablename__ = "sync_quarantine"
    __table_args__ = (Index("ix_sync_quarantine_open", "resolved", "direction"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(4))  # out, in
    peer: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    uuid: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(120))  # what a person recognises: the case number
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class Correction(Base):
    """退回补正: a record the upper level returned for correction, with its comment."""

    __tablename__ = "sync_correction"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    uuid: Mapped[str] = mapped_column(String(36), index=True)
    label: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str] = mapped_column(Text)
    from_node: Mapped[str] = mapped_column(String(36))
    owner_node: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Lineage(Base):
    """A node below one of our children, known only from what that child declared and we checked
    (its org under the child's org in the reference tree, never moved from another child): records
    it owns may reach us through ``via``, and nothing else may send them."""

    __tablename__ = "sync_lineage"
    node_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    via: Mapped[str] = mapped_column(String(36), index=True)  # our enrolled child it comes through
    parent: Mapped[str] = mapped_column(String(36))  # its own parent node, as declared
    org_code: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(12))
    fingerprint: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class Fork(Base):
    """A bundle from a child that does not continue the line we hold (分叉), typically after the
    child restored a backup. Open until the child re-bases on our receipt or an administrator
    accepts the child's new line after our last good bundle (``superseded`` keeps what that set
    aside: JSON [[sequence, bundle_id, sha256], ...])."""

    __tablename__ = "sync_fork"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender: Mapped[str] = mapped_column(String(36), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    bundle_id: Mapped[str] = mapped_column(String(36))
    sha256: Mapped[str] = mapped_column(String(64))
    prev_sha256: Mapped[str] = mapped_column(String(64))
    file: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolution: Mapped[str] = mapped_column(String(20), default="")  # rebased, new-line
    superseded: Mapped[str] = mapped_column(Text, default="[]")
