"""The typical-case write-up (典型案例) for the district's collection: title, the committee, and the
four sections, as a PDF and as an editable Word copy (the district edits the collection in Word).
Plain data in (services/typical_cases.WriteUp, already anonymised); no case number, no 核验码."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from xihu_desk.documents.fonts import ensure_fonts
from xihu_desk.documents.layout import Footer, Sheet, render, spacer
from xihu_desk.documents.templates import load

TITLE = "典型案例"
_ORDINAL = "一二三四五六七八九十"


def _compose(up: Any) -> tuple[Sheet, list[Flowable]]:
    ensure_fonts()
    common = load("_common")
    sheet = Sheet(common, Footer("", "", common, qr=False, anonymous=True))
    story: list[Flowable] = [*sheet.title(up.title), sheet.p(f"——{up.committee}", "right"), spacer(4)]
    for i, (heading, paragraphs) in enumerate(up.sections):
        story.append(sheet.p(f"{_ORDINAL[i]}、{heading}", "heading"))
        story += [sheet.p(text, "body") for text in paragraphs]
    return sheet, story


def build_pdf(up: Any) -> tuple[bytes, int]:
    sheet, story = _compose(up)
    return render(story, sheet, title=f"{TITLE} {up.title}", author=up.committee)


def build_docx(up: Any) -> bytes:
    from xihu_desk.documents import word  # python-docx loads only when a Word copy is asked for

    sheet, story = _compose(up)
    sheet.check()
    return word.write(story, sheet, title=f"{TITLE} {up.title}", author=up.committee)
