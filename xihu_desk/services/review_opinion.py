"""Printing the 合法性审查意见书 of a review item as PDF or as an editable Word copy (documents/
review_opinion.py): read the item, refuse one without an opinion, record the print in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from xihu_desk.documents import review_opinion
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, node, review_queries
from xihu_desk.services.context import Actor
from xihu_desk.services.units import writes

audit.ACTION_LABELS.update({"review.print": "打印审查意见书"})


@dataclass(frozen=True)
class PrintedOpinion:
    data: bytes  # the PDF, or the .docx when ``word``
    pages: int | None  # None for a Word copy (Word lays it out)
    number: str  # the review number
    opinion_no: str
    word: bool


@writes
def print_opinion(
    session: Session, actor: Actor, uuid: str, *, word: bool = False, templates: Path | None = None
) -> PrintedOpinion:
    actor.require(Perm.VIEW_REVIEWS)
    d = review_queries.review_detail(session, actor, uuid)
    problem = review_opinion.check(d)
    if problem:
        raise UserError(problem)
    org = node.node_info(session).org_name
    if word:
        data, pages = review_opinion.build_docx(d, org, templates=templates), None
    else:
        data, pages = review_opinion.build_pdf(d, org, templates=templates)
    audit.record(
        session,
        actor,
        "review.print",
        "review",
        uuid,
        summary=f"打印 {d['number']} 的审查意见书（{'Word 文档' if word else f'PDF {pages} 页'}）",
    )
    return PrintedOpinion(data, pages, d["number"], d["opinion"]["number"], word)
