"""Printed documents (design.md §6): plain data in, PDF bytes out. No Qt, no SQL.

``build(kind, case, stamp)`` takes the case as ``services.case_queries.case_detail`` returns it
(plus the few labels the service adds) and returns the PDF; ``check(kind, case)`` says why a
document cannot be printed or what it still lacks; ``content(kind, case)`` is what the document
shows, hashed into its 核验码 so a paper copy can be compared with the record later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from xihu_desk.documents import agreement, casefile, confirmation, forms, records, referral
from xihu_desk.documents.fonts import GlyphMissing, ensure_fonts
from xihu_desk.documents.layout import Footer, Sheet, render
from xihu_desk.documents.templates import load
from xihu_desk.domain.printcode import TITLES

__all__ = ["KINDS", "Built", "GlyphMissing", "Stamp", "build", "check", "content", "ensure_fonts"]

KINDS = TITLES  # the CLI's KIND words (design.md §10) and what each prints
# Papers the parties sign page by page: a 骑缝章 area on every page when there are several.
JOIN_SEAL = frozenset({"agreement", "confirmation"})
# Forms printed on one sheet (a follow-up record: one sheet a visit); casefile.ONE_PAGE the same.
ONE_PAGE = casefile.ONE_PAGE | {"referral"}  # the 转介单 travels as one sheet


@dataclass(frozen=True)
class Stamp:
    """What ties the paper to the record: the 核验码 in every footer (and its QR code)."""

    code: str
    qr: bool = True
    draft: bool = False  # 草稿 across every page, no 核验码 (the code is ignored)


@dataclass(frozen=True)
class Built:
    pdf: bytes
    pages: int
    docx: bytes = b""  # the editable Word copy instead (build_docx): pages unknown until Word lays it out


@dataclass(frozen=True)
class _Kind:
    template: str
    story: Callable[..., list[Flowable]]
    fields: tuple[str, ...]
    check: Callable[[dict[str, Any]], tuple[str | None, list[str]]]


def _always(case: dict[str, Any]) -> tuple[str | None, list[str]]:
    return None, []


_KINDS: dict[str, _Kind] = {
    "agreement": _Kind("agreement", agreement.written, agreement.FIELDS, lambda c: agreement.check(c, "written")),
    "oral-agreement": _Kind("oral_agreement", agreement.oral, agreement.FIELDS, lambda c: agreement.check(c, "oral")),
    "application": _Kind("application", forms.application, forms.APPLICATION_FIELDS, _always),
    "register": _Kind("register", forms.register, forms.REGISTER_FIELDS, _always),
    "notice": _Kind("notice", forms.notice, forms.NOTICE_FIELDS, _always),
    "record": _Kind("record", records.records, records.FIELDS, records.check),
    "followup": _Kind("followup", forms.followups, forms.FOLLOWUP_FIELDS, forms.check_followups),
    "closing": _Kind("closing", forms.closing, forms.CLOSING_FIELDS, forms.check_closing),
    "casefile": _Kind("casefile", casefile.casefile, casefile.FIELDS, _always),
    "confirmation": _Kind("confirmation", confirmation.confirmation, confirmation.FIELDS, confirmation.check),
    "referral": _Kind("referral", referral.referral, referral.FIELDS, referral.check),
}


def _kind(kind: str) -> _Kind:
    if kind not in _KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    return _KINDS[kind]


def check(kind: str, case: dict[str, Any]) -> tuple[str | None, list[str]]:
    """(the reason there is nothing to print, or None; the list of what is missing)."""
    return _kind(kind).check(case)


def content(kind: str, case: dict[str, Any]) -> dict[str, Any]:
    """The part of the case a document shows (hashed into its 核验码)."""
    fields = _kind(kind).fields
    if kind == "confirmation":  # the court and the date it shows, not the court's later decision
        return {"kind": kind, **{f: case.get(f) for f in fields}, "shown": confirmation.shown(case)}
    return (
        {"kind": kind, **{f: case.get(f) for f in fields}}
        if fields != ("*",)
        else {"kind": kind, **{k: v for k, v in case.items() if k not in casefile.VOLATILE}}
    )


def compose(
    kind: str, case: dict[str, Any], stamp: Stamp, *, templates: Path | None = None
) -> tuple[Sheet, list[Flowable]]:
    """The story of one document and the sheet it is set on: what the PDF lays out (``build``) and
    the Word copy writes (``build_docx``), so both show the same."""
    k = _kind(kind)
    ensure_fonts()
    common = load("_common", templates)
    footer = Footer(
        case["case_no"],
        "" if stamp.draft else stamp.code,
        common,
        qr=stamp.qr and not stamp.draft,
        draft=stamp.draft,
        join_seal=kind in JOIN_SEAL,
    )
    t = load(k.template, templates)
    sheet = Sheet(common, footer)
    if kind in ONE_PAGE:  # a one-page form stays one page (Sheet.fit_one_page)
        story = sheet.fit_one_page(lambda: k.story(sheet, t, case))
    elif kind == "casefile":
        story = casefile.casefile(sheet, t, case, templates)
    else:
        story = k.story(sheet, t, case)
    return sheet, story


def build(
    kind: str,
    case: dict[str, Any],
    stamp: Stamp,
    *,
    templates: Path | None = None,
    on_page: Callable[[int], None] | None = None,
) -> Built:
    """The PDF of one document of the case. Raises GlyphMissing (a UserError) naming a character
    the font cannot print; ``on_page(n)`` is called as each page is finished (it may raise to stop)."""
    sheet, story = compose(kind, case, stamp, templates=templates)
    pdf, pages = render(
        story, sheet, title=f"{KINDS[kind]} {case['case_no']}", author=case.get("committee", ""), on_page=on_page
    )
    return Built(pdf, pages)


def build_docx(kind: str, case: dict[str, Any], stamp: Stamp, *, templates: Path | None = None) -> bytes:
    """The editable Word copy (.docx) of the same document (documents/word.py): the same story,
    the same font check; a draft says 草稿 in its header."""
    from xihu_desk.documents import word  # python-docx loads only when a Word copy is asked for

    title = f"{KINDS[kind]} {case['case_no']}"
    sheet, story = compose(kind, case, stamp, templates=templates)
    laid_out = None
    # A contents list's page numbers, and whether a signed paper runs to several pages (its 骑缝章
    # area): from the PDF layout of the same story.
    if word.needs_layout(story) or sheet.footer.join_seal:
        pdf_sheet, pdf_story = compose(kind, case, stamp, templates=templates)
        render(pdf_story, pdf_sheet, title=title, author=case.get("committee", ""))
        laid_out = pdf_sheet.footer
    else:
        sheet.check()
    return word.write(
        story,
        sheet,
        title=title,
        author=case.get("committee", ""),
        draft=getattr(stamp, "draft", False),
        laid_out=laid_out,
    )
