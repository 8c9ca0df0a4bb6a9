"""Tables of the legality-review log (合法性审查台账) and the district's working-day calendar."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base, Travelling

LIVE = text("deleted = 0")


class RefWorkday(Base):
    """The district's calendar update (db/reference/workdays.json): a holiday or a worked weekend.
    It overrides the chinese-calendar package day by day; the years listed count as known."""

    __tablename__ = "ref_workday"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(40), default="")


class RefWorkdayYear(Base):
    """The years the district's calendar update covers (a year may list no exception at all)."""

    __tablename__ = "ref_workday_year"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(40))


class ReviewCounter(Base):
    """Last review number used per office (org unit) and year: gapless, never reused."""

    __tablename__ = "review_counter"
    office_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class ReviewItem(Travelling, Base):
    """One entry of the register: a document, decision or agreement submitted for review."""

    __tablename__ = "review_item"
    __table_args__ = (
        UniqueConstraint("office_code", "year", "seq", name="uq_review_item_office_year_seq"),
        Index("ix_review_live_number", "year", "seq", sqlite_where=LIVE),
        Index("ix_review_live_status_due", "status", "due_on", sqlite_where=LIVE),
        Index("ix_review_live_type_received", "item_type", "received_on", sqlite_where=LIVE),
        Index("ix_review_live_received", "received_on", sqlite_where=LIVE),
    )
    number: Mapped[str] = mapped_column(String(40), unique=True)
    office_code: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    legacy_no: Mapped[str] = mapped_column(String(40), default="")  # the number in an imported ledger
    # registration
    item_type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(80))  # 送审单位/科室
    contact: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    # None: unknown (an old ledger with only the 材料齐全日期); the clock runs from complete_on anyway.
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    complete_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reviewer: Mapped[str] = mapped_column(String(40), default="")
    adviser_consulted: Mapped[bool] = mapped_column(Boolean, default=False)  # 法律顾问/公职律师
    expert_panel: Mapped[bool] = mapped_column(Boolean, default=False)  # 专家论证
    risk_assessed: Mapped[bool] = mapped_column(Boolean, default=False)  # 社会稳定风险评估
    note: Mapped[str] = mapped_column(Text, default="")
    case_uuid: Mapped[str | None] = mapped_column(ForeignKey("mediation_case.uuid"), nullable=True, index=True)
    # time limit
    status: Mapped[str] = mapped_column(String(12))
    limit_days: Mapped[int] = mapped_column(Integer)  # working days, fixed when registered
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    extension_approver: Mapped[str] = mapped_column(String(40), default="")
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # None: not started or paused
    calendar_fallback: Mapped[str] = mapped_column(String(40), default="")  # "2027" when counted Mon–Fri
    # opinion
    opinion_no: Mapped[str] = mapped_column(String(60), default="")
    opinion_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    conclusion: Mapped[str] = mapped_column(String(20), default="")
    issues: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[int] = mapped_column(Integer, default=0)
    working_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The reviewer's checklist (主体、权限、内容、程序, 公平竞争审查 where it applies): JSON
    # {element: {"answer": pass|fail|na, "note"}} (domain.reviews.parse_checklist); travels with the item.
    checklist: Mapped[str] = mapped_column(Text, default="", server_default="")
    # afterwards
    adoption: Mapped[str] = mapped_column(String(12), default="")
    adoption_reason: Mapped[str] = mapped_column(Text, default="")
    deliberation_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 出台/签订
    filing_submitted_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 报送备案
    filing_registered_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # 备案登记
    returned_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    returned_reason: Mapped[str] = mapped_column(Text, default="")
    archived_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    archived_by: Mapped[str] = mapped_column(String(40), default="")
    created_by: Mapped[str] = mapped_column(String(40), default="")


class ReviewPause(Travelling, Base):
    """A request for more material (补正): the clock stops from the day after it was asked until
    the material arrived."""

    __tablename__ = "review_pause"
    item_uuid: Mapped[str] = mapped_column(ForeignKey("review_item.uuid"), index=True)
    asked_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    materials: Mapped[str] = mapped_column(Text, default="")


class ReviewAttachment(Travelling, Base):
    """A scan of the submitted draft, the opinion or the feedback, stored once by content hash."""

    __tablename__ = "review_attachment"
    item_uuid: Mapped[str] = mapped_column(ForeignKey("review_item.uuid"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)


class ReviewMatter(Base):
    """One line of the office's own list of meeting items (会议议题) and contracts (合同), imported
    from its Excel list so that what needed a legality review and got none shows (应审未审). The
    review is found at reading time (by the number written in the list, else by title), so an item
    registered later clears the flag. Kept on this node: the list is the office's working paper."""

    __tablename__ = "review_matter"
    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # a review_type code: meeting_topic, contract…
    title: Mapped[str] = mapped_column(String(200))
    title_key: Mapped[str] = mapped_column(String(200), index=True)  # normalised title, for matching
    unit: Mapped[str] = mapped_column(String(80), default="")
    matter_on: Mapped[date] = mapped_column(Date, index=True)  # 会议日期 / 签订日期
    meeting: Mapped[str] = mapped_column(String(80), default="")  # 会议名称 (党工委会、主任办公会…)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=True)
    review_no: Mapped[str] = mapped_column(String(60), default="")  # 审查编号 as written in the list
    note: Mapped[str] = mapped_column(Text, default="")
    imported_by: Mapped[str] = mapped_column(String(40), default="")
