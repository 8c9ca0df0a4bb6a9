"""The roster's logs and the grading assessment (人民调解员等级评定), domain.md §1.2 and §4.

The mediator itself is ``case_models.Mediator`` (cases reference it); here are its appointments,
training log, awards/complaints/discipline/escalations, the grading rule sets (reference data the
district edits), the applications with their evidence snapshot and steps, and the grade history.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xihu_desk.store.base import Base, Travelling


class MediatorAppointment(Travelling, Base):
    """One appointment period (聘任): years of service add up over several of them."""

    __tablename__ = "mediator_appointment"
    __table_args__ = (Index("ix_mediator_appointment_mediator", "mediator_uuid", "start_on"),)
    mediator_uuid: Mapped[str] = mapped_column(ForeignKey("mediator.uuid"))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # None: still serving
    committee_name: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(String(120), default="")


class MediatorTraining(Travelling, Base):
    """培训记录: date, topic, hours (in tenths, exact), organiser."""

    __tablename__ = "mediator_training"
    __table_args__ = (Index("ix_mediator_training_mediator", "mediator_uuid", "held_on"),)
    mediator_uuid: Mapped[str] = mapped_column(ForeignKey("mediator.uuid"))
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(120))
    tenth_hours: Mapped[int] = mapped_column(Integer)  # 2.5 学时 -> 25
    organiser: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(String(200), default="")


class MediatorEvent(Travelling, Base):
    """表彰奖励, 投诉, 违纪处理 (人民调解法第15条) and 纠纷激化 after this mediator's mediation."""

    __tablename__ = "mediator_event"
    __table_args__ = (Index("ix_mediator_event_mediator", "mediator_uuid", "kind", "occurred_on"),)
    mediator_uuid: Mapped[str] = mapped_column(ForeignKey("mediator.uuid"))
    kind: Mapped[str] = mapped_column(String(12))  # award, complaint, discipline, escalation
    occurred_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(String(80), default="")  # awarding body; who complained
    art15: Mapped[str] = mapped_column(String(12), default="")  # 第15条 item (complaint, discipline)
    outcome: Mapped[str] = mapped_column(String(16), default="")  # award level, complaint result, measure…
    case_uuid: Mapped[str | None] = mapped_column(ForeignKey("mediation_case.uuid"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class GradingRuleSet(Travelling, Base):
    """One grading scheme; ``body`` is its JSON document (domain/grading.py parses and checks it)."""

    __tablename__ = "grading_rule_set"
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    effective_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    reference_version: Mapped[str] = mapped_column(String(40), default="")  # "" once edited here
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class GradingApplication(Travelling, Base):
    """人民调解员等级评定申请: the evidence and the rules are kept as they were when it was made."""

    __tablename__ = "grading_application"
    __table_args__ = (Index("ix_grading_application_mediator", "mediator_uuid", "applied_on"),)
    mediator_uuid: Mapped[str] = mapped_column(ForeignKey("mediator.uuid"))
    committee_uuid: Mapped[str] = mapped_column(ForeignKey("committee.uuid"))
    rule_set_code: Mapped[str] = mapped_column(String(30))
    rules: Mapped[str] = mapped_column(Text)  # the rule set's document at the time
    level_code: Mapped[str] = mapped_column(String(12))
    level_name: Mapped[str] = mapped_column(String(20))
    window_from: Mapped[date] = mapped_column(Date)
    window_to: Mapped[date] = mapped_column(Date)
    applied_on: Mapped[date] = mapped_column(Date)
    statement: Mapped[str] = mapped_column(Text, default="")  # 个人工作总结
    evidence: Mapped[str] = mapped_column(Text)  # Evidence.as_json()
    evaluation: Mapped[str] = mapped_column(Text)  # LevelResult.as_json() for the level applied for
    status: Mapped[str] = mapped_column(String(16), index=True)
    granted_level: Mapped[str] = mapped_column(String(12), default="")
    granted_name: Mapped[str] = mapped_column(String(20), default="")
    decision_no: Mapped[str] = mapped_column(String(60), default="")
    notice_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    notice_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class GradingStep(Travelling, Base):
    """One step of an application: who recorded it, when, the date it was taken, the opinion."""

    __tablename__ = "grading_step"
    __table_args__ = (Index("ix_grading_step_application", "application_uuid", "at"),)
    application_uuid: Mapped[str] = mapped_column(ForeignKey("grading_application.uuid"))
    step: Mapped[str] = mapped_column(String(12))  # apply, committee, township, district, notice, withdraw
    passed: Mapped[bool] = mapped_column(Boolean, default=True)
    on: Mapped[date] = mapped_column(Date)
    opinion: Mapped[str] = mapped_column(Text, default="")
    document_no: Mapped[str] = mapped_column(String(60), default="")
    actor: Mapped[str] = mapped_column(String(80))
    actor_name: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(DateTime)


class MediatorGrade(Travelling, Base):
    """The grade history: every change of a mediator's grade, and the decision behind it."""

    __tablename__ = "mediator_grade"
    __table_args__ = (Index("ix_mediator_grade_mediator", "mediator_uuid", "effective_on"),)
    mediator_uuid: Mapped[str] = mapped_column(ForeignKey("mediator.uuid"))
    grade: Mapped[str] = mapped_column(String(20))  # the level's name; "" for 无等级
    previous: Mapped[str] = mapped_column(String(20), default="")
    rule_set_code: Mapped[str] = mapped_column(String(30), default="")
    level_code: Mapped[str] = mapped_column(String(12), default="")
    effective_on: Mapped[date] = mapped_column(Date)
    application_uuid: Mapped[str | None] = mapped_column(ForeignKey("grading_application.uuid"), nullable=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime)
