"""The whole 卷宗 (domain.md §2.1–2.2): cover, contents list with page numbers, the documents in
the order of the contents list, and the back cover (卷内备考表).

Page numbers: the documents are numbered from 1 (the cover, the contents list and the back cover
are not), as a bound file is; the contents list gets its numbers when the last page is laid out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from xihu_desk.documents import agreement, forms, records
from xihu_desk.documents.layout import table_style, WIDTH, Anchor, Footer, PageRef, Sheet, page_break, spacer
from xihu_desk.documents.templates import Template, load
from xihu_desk.documents.text import day

FIELDS = ("*",)
VOLATILE = {"version", "overdue", "due_on"}  # not part of what the file shows
FIRST, BACK = "doc-start", "back-cover"
# Items of the contents list that are paper the office keeps (scans, receipts): attachment kinds.
ATTACHED = {3: ("id_proof",), 4: ("power_of_attorney",), 6: ("evidence", "photo"), 9: ("receipt",)}


# Forms printed on one sheet: set as tightly as they need to stay one page (Sheet.fit_one_page).
ONE_PAGE = frozenset({"application", "register", "oral-agreement", "closing"})
_ONE_PAGE_BUILDERS = (forms.application, forms.register, agreement.oral, forms.closing)


def _documents(case: dict[str, Any], templates: Path | None) -> dict[int, tuple[Template, Any]]:
    """Item number of the contents list → (template, story function) of what the app prints."""
    out: dict[int, tuple[Template, Any]] = {}
    if case.get("intake_form") == "register":
        out[1] = (load("register", templates), forms.register)
    else:
        out[1] = (load("application", templates), forms.application)
    if case.get("notice_given_on"):
        out[2] = (load("notice", templates), forms.notice)
    kinds = {r["kind"] for r in case.get("records") or []}
    record_t = load("record", templates)
    if "investigation" in kinds:
        out[5] = (record_t, lambda s, t, c: records.records(s, t, c, ("investigation",)))
    if "mediation" in kinds:
        out[7] = (record_t, lambda s, t, c: records.records(s, t, c, ("mediation",)))
    a = case.get("agreement")
    if a and case.get("outcome") == "succeeded":
        if a["form"] == "written":
            out[8] = (load("agreement", templates), agreement.written)
        else:
            out[8] = (load("oral_agreement", templates), agreement.oral)
    if case.get("followups"):
        out[10] = (load("followup", templates), forms.followups)
    if case.get("outcome"):
        out[12] = (load("closing", templates), forms.closing)
    return out


def _attached(case: dict[str, Any]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for number, kinds in ATTACHED.items():
        counts[number] = sum(1 for a in case.get("attachments") or [] if a["kind"] in kinds)
    return counts


def paper(case: dict[str, Any], documents: dict[int, Any], attached: dict[int, int]) -> dict[int, int | None]:
    """Items of the contents list kept on paper (not printed here): item number → how many pieces
    (None when the file only records that it is there). The contents list and the 卷内备考表 both
    say what this says."""
    out: dict[int, int | None] = {}
    for item in (case.get("filing") or {}).get("contents") or []:
        number = item["number"]
        if number in documents or number == 13:
            continue
        if attached.get(number):
            out[number] = attached[number]
        elif item.get("present") and (number in ATTACHED or number == 11):
            out[number] = None
    return out


def _pieces(t: Template, count: int) -> str:
    """ " 2 份" (an office's older casefile.toml may lack the wording)."""
    return t.fill("back.pieces", count=count) if t.get("back.pieces") is not None else f" {count} 份"


def filer(case: dict[str, Any]) -> str:
    """Who filed the case, as a person: a filing from the command line or the system names no one,
    so the line is left to be signed by hand."""
    name = ((case.get("filing") or {}).get("filed_by") or "").strip()
    return "" if name.startswith(("命令行 ", "cli:", "系统")) else name


def casefile(sheet: Sheet, t: Template, case: dict[str, Any], templates: Path | None = None) -> list[Flowable]:
    footer = sheet.footer
    footer.first, footer.after = FIRST, BACK
    documents = _documents(case, templates)
    attached = _attached(case)
    story: list[Flowable] = cover(sheet, t, case)
    story += [page_break()] + contents(sheet, t, case, documents, attached)
    first = True
    for number in sorted(documents):
        template, build = documents[number]
        story.append(page_break())
        if first:
            story.append(Anchor(footer, FIRST))
            first = False
        story.append(Anchor(footer, f"item{number}"))
        if build in _ONE_PAGE_BUILDERS:

            def make(build: Any = build, template: Template = template) -> list[Flowable]:
                return build(sheet, template, case)

            story += sheet.fit_one_page(make)
        else:
            story += build(sheet, template, case)
    story += [page_break(), Anchor(footer, BACK)] + back(sheet, t, case, documents, attached)
    return story


def cover(sheet: Sheet, t: Template, case: dict[str, Any]) -> list[Flowable]:
    c = t["cover"]
    story: list[Flowable] = [
        spacer(18),
        sheet.p(case["committee"], "org"),
        spacer(14),
        sheet.p(c["title"], "cover_title"),
        spacer(26),
    ]
    mediators = "、".join(case.get("mediators") or [])
    dates = t.fill("cover.dates_value", start=day(case.get("accepted_on")), end=day(case.get("closed_on")))
    fields = [
        (c["name"], case.get("title")),
        (c["number"], case["case_no"]),
        (c["mediators"], mediators),
        (c["dates"], dates),
        (c["filer"], filer(case)),
        (c["filed_on"], day((case.get("filing") or {}).get("filed_on"))),
        (c["retention"], case.get("retention_label") or ""),
        (c["remarks"], ""),
    ]
    rows = [[sheet.p(label, "flush"), sheet.p(value or "", "flush")] for label, value in fields]
    # Rows grow with a long 卷名 (a fixed height let the second line run over the row above).
    table = Table(rows, colWidths=[32 * mm, 104 * mm], hAlign="CENTER")
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 13 * mm - 25 - 3),
            ]
        )
    )
    story.append(table)
    return story


def _pages(number: int, documents: dict[int, Any]) -> Any:
    order = sorted(documents)
    following = [n for n in order if n > number]

    def fn(footer: Footer) -> str:
        a = footer.anchors
        base = a.get(FIRST, 1)
        start = a.get(f"item{number}")
        if start is None:
            return ""
        after = a.get(f"item{following[0]}") if following else a.get(BACK, footer.pages + 1)
        end = (after if after is not None else footer.pages + 1) - 1  # to the last page when nothing follows
        first, last = start - base + 1, end - base + 1
        return str(first) if last <= first else f"{first}—{last}"

    return fn


def contents(
    sheet: Sheet, t: Template, case: dict[str, Any], documents: dict[int, Any], attached: dict[int, int]
) -> list[Flowable]:
    c = t["contents"]
    story: list[Flowable] = sheet.title(c["title"])
    rows: list[list[Any]] = [[sheet.label(h) for h in c["heads"]]]
    page_style = sheet.s["cell_center"]
    sheet.raw(["0123456789—"])
    confirmation = case.get("confirmation")
    on_paper = paper(case, documents, attached)
    for item in (case.get("filing") or {}).get("contents") or []:
        number = item["number"]
        note = item.get("note") or ""
        page: Any = ""
        if number in documents:
            page = PageRef(sheet.footer, _pages(number, documents), page_style)
        elif number == 11 and confirmation:
            note = t.fill(
                "contents.confirmation",
                court=confirmation.get("court") or "",
                result=confirmation.get("result_label") or "",
            )
        elif on_paper.get(number):
            note = t.fill("contents.attached_count", count=on_paper[number])
        elif number in on_paper:
            note = c["attached"]
        if item.get("required") and not item.get("present"):
            note = c["missing"] + (f"（{note}）" if note else "")
        rows.append([sheet.cell(str(number), "cell_center"), sheet.cell(item["name"]), page, sheet.cell(note)])
    # Rows at least 11 mm, taller when a note wraps (never text over a border).
    table = sheet.grid(
        rows, [14, 74, 22, 46], extra=[("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)]
    )
    story.append(table)
    return story


def back(
    sheet: Sheet, t: Template, case: dict[str, Any], documents: dict[int, Any], attached: dict[int, int]
) -> list[Flowable]:
    b = t["back"]
    story: list[Flowable] = sheet.title(b["title"])
    filing = case.get("filing") or {}
    on_paper = paper(case, documents, attached)
    names = {i["number"]: i["name"] for i in filing.get("contents") or []}
    detail = "、".join(names.get(n, "") + (_pieces(t, k) if k else "") for n, k in on_paper.items())
    summary = sheet.cell(
        t.fill(
            "back.summary", documents=len(documents), attached=len(on_paper), detail=f"（{detail}）" if detail else ""
        )
    )
    sheet.raw([t.fill("back.pages", pages=0)])
    pages_text = b["pages"]

    def pages(footer: Footer) -> str:
        a = footer.anchors
        n = a.get(BACK, footer.pages + 1) - a.get(FIRST, 1)
        return pages_text.format(pages=n)

    note = PageRef(sheet.footer, pages, sheet.s["cell"], centred=False)
    L, C = sheet.label, sheet.cell
    rows: list[list[Any]] = [
        [L(b["summary_label"]), [summary, spacer(2), note], "", ""],
        [L(b["filer"]), C(filer(case)), L(b["checker"]), ""],
        [L(b["filed_on"]), C(day(filing.get("filed_on"))), L(b["checked_on"]), C(day(None))],
    ]
    story.append(
        sheet.grid(
            rows,
            [26, 52, 26, 52],
            [((1, 0), (3, 0))],
            heights=[120 * mm, 16 * mm, 16 * mm],
            valign="MIDDLE",
            extra=[("VALIGN", (1, 0), (1, 0), "TOP"), ("TOPPADDING", (1, 0), (1, 0), 10)],
        )
    )
    return story


__all__ = ["FIELDS", "VOLATILE", "WIDTH", "casefile"]
