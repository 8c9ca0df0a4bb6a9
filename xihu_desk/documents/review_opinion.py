"""合法性审查意见书 (the legality review opinion): what the reviewer sends back to the submitting
unit — the item, the checklist's findings (主体、权限、内容、程序, 公平竞争审查 where it applies), the
conclusion, the main issues and points, the reviewer, the office and the date. One A4 page where it
fits; the same story makes the PDF and the editable Word copy.

Plain data in (services.review_queries.review_detail plus the office's name), bytes out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from xihu_desk.documents.fonts import ensure_fonts
from xihu_desk.documents.layout import Footer, Sheet, render, spacer
from xihu_desk.documents.templates import Template, load
from xihu_desk.documents.text import day_cn

TITLE = "合法性审查意见书"


def check(d: dict[str, Any]) -> str | None:
    """Why the opinion cannot be printed yet, or None."""
    if not d.get("opinion"):
        return "该事项尚未出具审查意见：请先在“审查意见”中登记结论和意见日期，再打印审查意见书。"
    if not d["opinion"].get("date"):
        return "该事项的审查意见没有日期（导入的旧台账）：请先补登审查意见日期，再打印审查意见书。"
    return None


def story(sheet: Sheet, t: Template, d: dict[str, Any], org_name: str) -> list[Flowable]:
    o = d["opinion"]
    out: list[Flowable] = sheet.title(t["title"], t.fill("number", opinion_no=o["number"]) if o["number"] else None)
    out.append(sheet.p(t.fill("review_no", number=d["number"]), "number"))
    # Body text as in the other documents; at the form cells' size (smaller still) when that is what
    # keeps the opinion on one A4 page (Sheet.fit_one_page tries the loosest setting first).
    body = "body" if sheet.room_scale >= 1.0 and not sheet.compact else "cell_body"
    out.append(sheet.p(t.fill("addressee", unit=d["unit"]), "cell"))
    out.append(
        sheet.p(
            t.fill(
                "opening",
                received_on=day_cn(d["received_on"] or d["complete_on"]),
                title=d["title"],
                type=d["type"],
                complete_on=day_cn(d["complete_on"]),
            ),
            body,
        )
    )
    out.append(sheet.p(t["checklist_heading"], "heading"))
    L, C = sheet.label, sheet.cell
    heads = t["check_heads"]
    rows: list[list[Any]] = [[L(h) for h in heads]]
    for c in d["checklist"]:
        rows.append(
            [
                C(c["label"], "cell_center"),
                C(c["question"]),
                C(c["answer_label"] or t["not_answered"], "cell_center"),
                C(c["note"], "cell_j"),
            ]
        )
    out.append(sheet.grid(rows, [22, 55, 22, 63], valign="MIDDLE"))
    out.append(sheet.p(t["conclusion_heading"], "heading"))
    out.append(sheet.p(t.fill("conclusion", conclusion=o["conclusion_label"]), body))
    out.append(sheet.p(t["issues_heading"], "heading"))
    issues = [line.strip() for line in (o["issues"] or "").splitlines() if line.strip()]
    out += [sheet.p(line, body) for line in issues] or [sheet.p(t["no_issues"], body)]
    if o["points"]:
        out.append(sheet.p(t.fill("points", points=o["points"]), body))
    closing = t.get(f"closing.{o['conclusion']}")
    if closing:
        out.append(sheet.p(closing, body))
    reviewer = d["reviewer"].strip()
    signer = sheet.p(t.fill("sign.reviewer", reviewer=reviewer) if reviewer else t["sign.no_reviewer"], "cell_right")
    signer.keepWithNext = 1  # the reviewer's line goes with the office, the date and the seal
    out += [spacer(3), signer, sheet.endorsement(t.fill("sign.office", org=org_name), day_cn(o["date"]), size=12)]
    return out


def compose(d: dict[str, Any], org_name: str, templates: Path | None) -> tuple[Sheet, list[Flowable]]:
    ensure_fonts()
    common = load("_common", templates)
    # The footer carries only the page number: the opinion's numbers are in its head, and a
    # review item has no 核验码 (that belongs to a case's printed documents).
    footer = Footer(d["number"], "", common, qr=False, anonymous=True)
    sheet = Sheet(common, footer)
    t = load("review_opinion", templates)
    return sheet, sheet.fit_one_page(lambda: story(sheet, t, d, org_name))


def build_pdf(d: dict[str, Any], org_name: str, *, templates: Path | None = None) -> tuple[bytes, int]:
    sheet, flow = compose(d, org_name, templates)
    return render(flow, sheet, title=f"{TITLE} {d['number']}", author=org_name)


def build_docx(d: dict[str, Any], org_name: str, *, templates: Path | None = None) -> bytes:
    from xihu_desk.documents import word  # python-docx loads only when a Word copy is asked for

    sheet, flow = compose(d, org_name, templates)
    sheet.check()
    return word.write(flow, sheet, title=f"{TITLE} {d['number']}", author=org_name, draft=False, laid_out=None)
