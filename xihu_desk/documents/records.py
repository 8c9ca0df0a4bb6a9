"""人民调解调查记录 (domain.md §2.6) and 人民调解记录 (§2.7): one record a page or more each."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Table

from xihu_desk.documents import parts
from xihu_desk.documents.layout import table_style, WIDTH, Sheet, page_break, spacer
from xihu_desk.documents.templates import Template
from xihu_desk.documents.text import minute

FIELDS = ("case_no", "committee", "records")


def check(case: dict[str, Any]) -> tuple[str | None, list[str]]:
    if not case.get("records"):
        return "本案尚无调查记录或调解记录。", []
    return None, []


def records(
    sheet: Sheet,
    t: Template,
    case: dict[str, Any],
    kinds: tuple[str, ...] = ("investigation", "mediation"),
) -> list[Flowable]:
    story: list[Flowable] = []
    for r in (r for r in case.get("records") or [] if r["kind"] in kinds):
        if story:
            story.append(page_break())
        story += one(sheet, t, r)
    return story


def one(sheet: Sheet, t: Template, r: dict[str, Any]) -> list[Flowable]:
    k = t["investigation"] if r["kind"] == "investigation" else t["mediation"]
    story: list[Flowable] = sheet.title(k["title"])
    values = {
        "time": minute(r["held_at"]),
        "place": r.get("place"),
        "matter": r.get("matter"),
        "subject": r.get("subject"),
        "participants": r.get("participants") or k.get("nobody", ""),
        "mediators": r.get("mediators"),
        "recorder": r.get("recorder"),
    }
    rows = []
    for key, label in k["header"].items():
        rows.append([sheet.p(label, "flush"), sheet.p(values.get(key) or "", "flush")])
    header = Table(rows, colWidths=[WIDTH * 0.2, WIDTH * 0.8])
    header.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (1, 0), (1, -1), 0.4, colors.Color(0.6, 0.6, 0.6)),
            ]
        )
    )
    story += [header, spacer(4), sheet.p(k["body_heading"], "heading")]
    if r["kind"] == "mediation" and r.get("notice_announced"):
        story.append(sheet.p(k["announced"], "body"))
    for para in (r.get("body") or "").splitlines():
        if para.strip():
            story.append(sheet.p(para.strip(), "body"))
    tail: list[Flowable] = [spacer(2), sheet.p(k["read_back"], "body"), spacer(2)]
    officers = [(label, values.get(key) or "") for key, label in k["signatures"].items()]
    tail.append(parts.officer_rows(sheet, officers))
    story.append(KeepTogether(tail))
    return story
