"""What 以案定补 (services/subsidy.py) needs to know of many closed cases, read a page of cases at a
time: one query per kind of row per page, never one per case.

The rules may scale a case's amount by its casefile score (卷宗评查, domain/casefile_review.py). That
score used to be taken from each case's whole page (case_detail, about 40 statements a case: 80,000
for a sheet of 2,000 cases). Here it is computed from a document holding just what
``casefile_review.score`` reads, built from the same rows with the same 卷内目录 rule
(cases.contents_from) as the case page, so the score is the same (tests/test_subsidy_batched.py)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import casefile_review
from xihu_desk.domain import subsidy as rules
from xihu_desk.domain.cases import Procedure, SimpleFiling
from xihu_desk.domain.parties import tag_codes
from xihu_desk.services import codes, settings
from xihu_desk.services.cases import contents_from
from xihu_desk.services.context import Actor
from xihu_desk.store.case_models import (
    Agreement,
    Attachment,
    CaseMediator,
    CaseRecord,
    Confirmation,
    FollowUp,
    MediationCase,
    Mediator,
    Party,
)
from xihu_desk.store.committee_models import CaseEscalation
from xihu_desk.store.models import Committee

PAGE = 500  # cases a page: the IN lists stay far below SQLite's and PostgreSQL's parameter limits


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


class _Page:
    """The rows of one page of cases, grouped by case uuid."""

    def __init__(self, session: Session, ids: list[str], with_review: bool) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(dict)  # case → record kind → count
        for case_uuid, kind, n in session.execute(
            select(CaseRecord.case_uuid, CaseRecord.kind, func.count())
            .where(CaseRecord.case_uuid.in_(ids), CaseRecord.deleted.is_(False))
            .group_by(CaseRecord.case_uuid, CaseRecord.kind)
        ):
            self.counts[case_uuid][kind] = n
        self.confirmations: dict[str, list[str]] = defaultdict(list)  # any row files 司法确认材料
        for case_uuid, result in session.execute(
            select(Confirmation.case_uuid, Confirmation.result).where(Confirmation.case_uuid.in_(ids))
        ):
            self.confirmations[case_uuid].append(result)
        self.escalated = set(
            session.scalars(
                select(CaseEscalation.case_uuid).where(
                    CaseEscalation.case_uuid.in_(ids), CaseEscalation.deleted.is_(False)
                )
            )
        )
        self.people: dict[str, list[rules.Person]] = defaultdict(list)
        for case_uuid, lead, m_uuid, name, source, committee in session.execute(
            select(
                CaseMediator.case_uuid, CaseMediator.lead, Mediator.uuid, Mediator.name, Mediator.source, Committee.name
            )
            .join(Mediator, Mediator.uuid == CaseMediator.mediator_uuid)
            .join(Committee, Committee.uuid == Mediator.committee_uuid)
            .where(CaseMediator.case_uuid.in_(ids))
            .order_by(CaseMediator.case_uuid, CaseMediator.lead.desc(), Mediator.name_key)
        ):
            self.people[case_uuid].append(rules.Person(m_uuid, name, committee, bool(lead), source or ""))
        if with_review:
            self._review_rows(session, ids)

    def _review_rows(self, session: Session, ids: list[str]) -> None:
        r = CaseRecord
        self.records: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for rec in session.execute(
            select(r.case_uuid, r.kind, r.held_at, r.recorder, r.participants, r.subject, r.body, r.notice_announced)
            .where(r.case_uuid.in_(ids), r.deleted.is_(False))
            .order_by(r.case_uuid, r.held_at)
        ):
            self.records[rec.case_uuid].append(
                {
                    "kind": rec.kind,
                    "held_at": rec.held_at.isoformat(timespec="minutes"),
                    "recorder": rec.recorder,
                    "participants": rec.participants,
                    "subject": rec.subject,
                    "body": rec.body,
                    "notice_announced": rec.notice_announced,
                }
            )
        self.attachments: dict[str, dict[str, int]] = defaultdict(dict)
        for case_uuid, kind, n in session.execute(
            select(Attachment.case_uuid, Attachment.kind, func.count())
            .where(Attachment.case_uuid.in_(ids), Attachment.deleted.is_(False))
            .group_by(Attachment.case_uuid, Attachment.kind)
        ):
            self.attachments[case_uuid][kind] = n
        a = Agreement
        self.agreements: dict[str, dict[str, Any]] = {}
        for row in session.execute(
            select(
                a.case_uuid,
                a.form,
                a.clauses,
                a.registrar,
                a.effective_on,
                a.performed_on_the_spot,
                a.performance_method,
                a.performance_deadline,
            ).where(a.case_uuid.in_(ids), a.deleted.is_(False))
        ):
            self.agreements.setdefault(
                row.case_uuid,
                {
                    "form": row.form,
                    "clauses": json.loads(row.clauses),
                    "registrar": row.registrar,
                    "effective_on": _iso(row.effective_on),
                    "performed_on_the_spot": row.performed_on_the_spot,
                    "performance_method": row.performance_method,
                    "performance_deadline": _iso(row.performance_deadline),
                },
            )
        self.followups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for case_uuid, visited_on in session.execute(
            select(FollowUp.case_uuid, FollowUp.visited_on)
            .where(FollowUp.case_uuid.in_(ids), FollowUp.deleted.is_(False))
            .order_by(FollowUp.case_uuid, FollowUp.visited_on)
        ):
            self.followups[case_uuid].append({"visited_on": _iso(visited_on)})
        self.parties: dict[str, int] = dict(
            session.execute(
                select(Party.case_uuid, func.count())
                .where(Party.case_uuid.in_(ids), Party.deleted.is_(False))
                .group_by(Party.case_uuid)
            ).all()
        )

    def review_doc(self, c: MediationCase, simple: SimpleFiling | None) -> dict[str, Any]:
        """The case as ``casefile_review.score`` reads it (the keys of case_detail it uses)."""
        items = contents_from(
            c,
            self.counts.get(c.uuid, {}),
            self.attachments.get(c.uuid, {}),
            c.uuid in self.agreements,
            len(self.followups.get(c.uuid, [])),
            bool(self.confirmations.get(c.uuid)),
            simple,
        )
        return {
            "case_no": c.case_no,
            "notice_given_on": _iso(c.notice_given_on),
            "records": self.records.get(c.uuid, []),
            "agreement": self.agreements.get(c.uuid),
            "outcome": c.outcome,
            "failure_reason": c.failure_reason,
            "routes_told": c.routes_told,
            "told_routes": tag_codes(c.told_routes),  # read only for whether any were told
            "parties": [{}] * self.parties.get(c.uuid, 0),  # read only for how many there are
            "due_on": _iso(c.due_on),
            "extended_to": _iso(c.extended_to),
            "closed_on": _iso(c.closed_on),
            "outcome_on": _iso(c.outcome_on),
            "followups": self.followups.get(c.uuid, []),
            "filing": {
                "filed_on": _iso(c.filed_on),
                "contents": [
                    {"number": i.number, "name": i.name, "required": i.required, "present": i.present} for i in items
                ],
            },
        }


def case_facts(session: Session, actor: Actor, cases: list[MediationCase], with_review: bool) -> list[rules.CaseFacts]:
    """The facts of ``cases`` for the rules, in their order; ``with_review``: with the casefile score."""
    if not cases:
        return []
    labels = codes.labels(session, "dispute_type")
    criteria = casefile_review.load(None) if with_review else None
    simple: SimpleFiling | None = None
    if criteria is not None and any(c.procedure == Procedure.SIMPLE for c in cases):
        simple = settings.simple_filing(session)  # one node setting for every simple-procedure case
    out = []
    for start in range(0, len(cases), PAGE):
        page = cases[start : start + PAGE]
        rows = _Page(session, [c.uuid for c in page], criteria is not None)
        for c in page:
            score = None
            if criteria is not None:
                doc = rows.review_doc(c, simple if c.procedure == Procedure.SIMPLE else None)
                score = casefile_review.score(doc, criteria, actor.today).score
            out.append(
                rules.CaseFacts(
                    uuid=c.uuid,
                    case_no=c.case_no,
                    closed_on=c.closed_on or c.outcome_on or date.min,
                    outcome=c.outcome or "",
                    difficulty=c.difficulty or "ordinary",
                    dispute_type=c.dispute_type or "",
                    dispute_label=labels.get(c.dispute_type or "", ""),
                    written=c.agreement_form == "written",
                    confirmed="confirmed" in rows.confirmations.get(c.uuid, []),
                    escalated=c.uuid in rows.escalated,
                    platform_code=c.platform_code or "",
                    mediation_records=rows.counts.get(c.uuid, {}).get("mediation", 0),
                    review_score=score,
                    mediators=tuple(rows.people.get(c.uuid, [])),
                )
            )
    return out
