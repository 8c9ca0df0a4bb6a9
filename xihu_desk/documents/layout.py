"""Page, styles and the pieces every document is made of (A4, Song, GB/T 9704-like margins).

``Sheet`` is one build: it makes paragraphs from text (escaping what users typed, remembering
every string so the font check sees exactly what is printed), and holds the footer: case number,
"第 x 页 共 y 页" and the 核验码 (with a QR code), drawn when the page count is known.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from xihu_desk.documents import fonts, linebreak
from xihu_desk.documents.templates import Template
from xihu_desk.documents.text import esc

# 行首行尾禁则 for every paragraph and cell, and no text past a cell's border (linebreak.py).
linebreak.install()

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 28 * mm, 26 * mm, 25 * mm, 30 * mm
WIDTH = PAGE_W - LEFT - RIGHT  # 156 mm
FOOTER_Y = 14 * mm
QR_SIZE = 15 * mm
GREY = colors.Color(0.55, 0.55, 0.55)
LIGHT = colors.Color(0.72, 0.72, 0.72)

# Chinese type sizes: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt, 五号 10.5 pt.
SIZE_TITLE, SIZE_BODY, SIZE_CELL, SIZE_SMALL = 22, 14, 12, 9


def _styles() -> dict[str, ParagraphStyle]:
    r, b = fonts.REGULAR, fonts.BOLD
    base = ParagraphStyle("base", fontName=r, fontSize=SIZE_BODY, leading=25, wordWrap="CJK", alignment=TA_JUSTIFY)
    s = {
        "title": ParagraphStyle(
            "title",
            base,
            fontName=b,
            fontSize=SIZE_TITLE,
            leading=32,
            alignment=TA_CENTER,
            spaceBefore=0,
            spaceAfter=4 * mm,
        ),
        "cover_title": ParagraphStyle("cover_title", base, fontName=b, fontSize=40, leading=56, alignment=TA_CENTER),
        "org": ParagraphStyle("org", base, fontName=b, fontSize=18, leading=28, alignment=TA_CENTER),
        "number": ParagraphStyle("number", base, fontSize=SIZE_CELL, leading=18, alignment=TA_RIGHT, spaceAfter=2 * mm),
        "body": ParagraphStyle("body", base, firstLineIndent=2 * SIZE_BODY),
        "flush": ParagraphStyle("flush", base),
        "heading": ParagraphStyle("heading", base, fontName=b, spaceBefore=2 * mm, keepWithNext=1),
        "party": ParagraphStyle("party", base, leftIndent=0, firstLineIndent=0),
        "clause": ParagraphStyle("clause", base, leftIndent=2 * SIZE_BODY, firstLineIndent=0),
        "right": ParagraphStyle("right", base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", base, fontSize=SIZE_CELL, leading=17, alignment=TA_LEFT),
        "cell_j": ParagraphStyle("cell_j", base, fontSize=SIZE_CELL, leading=18),
        "cell_body": ParagraphStyle("cell_body", base, fontSize=SIZE_CELL, leading=19, firstLineIndent=2 * SIZE_CELL),
        "label": ParagraphStyle("label", base, fontSize=SIZE_CELL, leading=17, alignment=TA_CENTER),
        "cell_center": ParagraphStyle("cell_center", base, fontSize=SIZE_CELL, leading=17, alignment=TA_CENTER),
        "cell_right": ParagraphStyle("cell_right", base, fontSize=SIZE_CELL, leading=17, alignment=TA_RIGHT),
        "note": ParagraphStyle("note", base, fontSize=10.5, leading=16, alignment=TA_LEFT),
        "sign": ParagraphStyle("sign", base, fontSize=SIZE_BODY, leading=22, alignment=TA_LEFT),
        "sign_r": ParagraphStyle("sign_r", base, fontSize=SIZE_BODY, leading=22, alignment=TA_RIGHT),
        "sign_small": ParagraphStyle("sign_small", base, fontSize=SIZE_CELL, leading=18, alignment=TA_LEFT),
        "caption": ParagraphStyle(
            "caption", base, fontSize=SIZE_SMALL, leading=12, alignment=TA_CENTER, textColor=GREY
        ),
    }
    # The same cells one and two sizes smaller (五号, 小五), for a form that would not fit one page
    # otherwise; the title too.
    for level, size in enumerate(SIZE_COMPACT, 1):
        for name in COMPACT_STYLES:
            big = s[name]
            s[f"{name}_{level}"] = ParagraphStyle(
                f"{name}_{level}",
                big,
                fontSize=size,
                leading=round(size * 1.3, 1),
                firstLineIndent=2 * size if big.firstLineIndent else 0,
            )
        s[f"title_{level}"] = ParagraphStyle(f"title_{level}", s["title"], fontSize=18, leading=24, spaceAfter=2 * mm)
    return s


SIZE_COMPACT = (10.5, 9)
COMPACT_STYLES = ("cell", "cell_j", "cell_body", "label", "cell_center", "cell_right", "note")
FRAME_H = PAGE_H - TOP - BOTTOM


_STYLES: dict[str, ParagraphStyle] = {}


def styles() -> dict[str, ParagraphStyle]:
    if not _STYLES:
        fonts.ensure_fonts()
        _STYLES.update(_styles())
    return _STYLES


@dataclass
class Footer:
    """What is drawn at the foot of every page once the page count is known."""

    case_no: str
    code: str
    common: Template
    qr: bool = True
    # Pages numbered "第 x 页" run from the page of anchor ``first`` to the page before ``after``
    # (a case file does not number its cover, contents list and back cover).
    first: str | None = None
    after: str | None = None
    anchors: dict[str, int] = field(default_factory=dict)
    refs: list[tuple[int, float, float, bool, ParagraphStyle, Callable[[Footer], str]]] = field(default_factory=list)
    pages: int = 0
    # A draft (草稿) carries no 核验码: the mark across every page says it is not the record.
    draft: bool = False
    # A paper signed page by page (the agreement): a 骑缝章 area on the right edge of every page
    # when there is more than one, so a page cannot be swapped unseen.
    join_seal: bool = False
    # A paper that must not lead back to its case (a typical-case write-up): no case number, no
    # 核验码, no QR code; only the page number.
    anonymous: bool = False

    def numbered(self, page: int, pages: int) -> tuple[int, int] | None:
        start = self.anchors.get(self.first, 1) if self.first else 1
        end = (self.anchors.get(self.after, pages + 1) - 1) if self.after else pages
        if start <= page <= end:
            return page - start + 1, end - start + 1
        return None

    def say(self, key: str, default: str, **values: Any) -> str:
        """Footer wording; an office's older copy of _common.toml may lack the newer keys."""
        c = self.common
        return c.fill(key, **values) if c.get(key) is not None else default.format(**values)

    def code_line(self) -> str:
        if self.draft:
            return self.say("footer.draft", "草稿　不作为正式文书　无核验码")
        return self.common.fill("footer.code", code=self.code)

    def strings(self) -> list[str]:
        c = self.common
        if self.anonymous:
            return [c.fill("footer.page", page=0, pages=0)]
        out = [c.fill("footer.case_no", case_no=self.case_no), c.fill("footer.page", page=0, pages=0), self.code_line()]
        if self.draft:
            out.append(self.say("footer.watermark", "草稿"))
        if self.join_seal:
            out.append(self.say("footer.join_seal", "骑缝章"))
        return out

    def _watermark(self, canvas: Canvas) -> None:
        """草稿 across the page, light enough to read the text under it."""
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.16))
        canvas.setFont(fonts.BOLD, 120)
        canvas.translate(PAGE_W / 2, PAGE_H / 2)
        canvas.rotate(40)
        canvas.drawCentredString(0, -40, self.say("footer.watermark", "草稿"))
        canvas.restoreState()

    def _join_seal(self, canvas: Canvas) -> None:
        """A dashed area on the right edge where the 骑缝章 is stamped across the page edges."""
        canvas.saveState()
        w, h = 14 * mm, 42 * mm
        x, y = PAGE_W - w, PAGE_H / 2 - h / 2
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.6)
        canvas.setDash(2, 2)
        canvas.rect(x, y, w + 1, h)  # open to the page edge: the seal runs over it
        canvas.setFillColor(LIGHT)
        canvas.setFont(fonts.REGULAR, SIZE_SMALL)
        word = self.say("footer.join_seal", "骑缝章")
        for i, ch in enumerate(word):  # written downwards, as on the paper
            canvas.drawCentredString(x + w / 2, y + h / 2 + (len(word) / 2 - i - 0.8) * (SIZE_SMALL + 2), ch)
        canvas.restoreState()

    def draw(self, canvas: _Canvas, page: int, pages: int) -> None:
        c = self.common
        canvas.saveState()
        upper, lower = FOOTER_Y + QR_SIZE - 5.5 * mm, FOOTER_Y + 1.5 * mm
        if not self.anonymous:
            top = FOOTER_Y + QR_SIZE + 1.5 * mm
            canvas.setStrokeColor(LIGHT)
            canvas.setLineWidth(0.5)
            canvas.line(LEFT, top, PAGE_W - RIGHT, top)
            canvas.setFillColor(colors.Color(0.25, 0.25, 0.25))
            canvas.setFont(fonts.REGULAR, SIZE_SMALL)
            canvas.drawString(LEFT, upper, c.fill("footer.case_no", case_no=self.case_no))
            right = PAGE_W - RIGHT - (QR_SIZE + 2.5 * mm if self.qr else 0)
            canvas.drawRightString(right, upper, self.code_line())
        number = self.numbered(page, pages)
        if number:
            canvas.setFont(fonts.REGULAR, 10.5)
            canvas.drawCentredString(LEFT + WIDTH / 2, lower, c.fill("footer.page", page=number[0], pages=number[1]))
        if self.qr and not self.anonymous:
            if not canvas.qr_form_made:
                canvas.beginForm("qr")
                # The modules drawn as plain rectangles: renderPDF would leave an unused,
                # unembedded Helvetica in the file.
                widget = QrCodeWidget(self.code.replace("-", ""), barLevel="M", barBorder=0)
                x0, _y0, x1, _y1 = widget.getBounds()
                scale, ox, oy = QR_SIZE / (x1 - x0), PAGE_W - RIGHT - QR_SIZE, FOOTER_Y
                canvas.setFillColor(colors.black)
                for rect in widget.draw().contents:
                    if rect.fillColor == colors.black:
                        canvas.rect(
                            ox + rect.x * scale,
                            oy + rect.y * scale,
                            rect.width * scale,
                            rect.height * scale,
                            stroke=0,
                            fill=1,
                        )
                canvas.endForm()
                canvas.qr_form_made = True
            canvas.doForm("qr")
        canvas.restoreState()
        if self.join_seal and pages > 1:
            self._join_seal(canvas)
        if self.draft:
            self._watermark(canvas)
        for ref_page, x, y, centred, style, fn in self.refs:
            if ref_page == page:
                canvas.saveState()
                canvas.setFont(style.fontName, style.fontSize)
                (canvas.drawCentredString if centred else canvas.drawString)(x, y, fn(self))
                canvas.restoreState()


class _Canvas(Canvas):
    """Keeps each finished page until the end, so the footer can say how many pages there are."""

    # The QR code is drawn once as a form, then placed on every page. A class default: set on the
    # instance only while the footers are drawn, so the page states restored then do not reset it.
    qr_form_made = False

    def __init__(self, *args: Any, footer: Footer, on_page: Callable[[int], None] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._on_page = on_page
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        if self._on_page is not None:
            self._on_page(len(self._pages))
        self._startPage()  # type: ignore[attr-defined]  # what Canvas.showPage ends with; not in the stubs

    def save(self) -> None:
        total = self._footer.pages = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self._footer.draw(self, number, total)
            Canvas.showPage(self)
        Canvas.save(self)


class Anchor(Flowable):
    """Marks where a part of a case file starts (its page goes into the contents list)."""

    def __init__(self, footer: Footer, key: str):
        super().__init__()
        self.footer, self.key = footer, key
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.footer.anchors.setdefault(self.key, self.canv.getPageNumber())


class PageRef(Flowable):
    """Text known only at the end (a page number in the contents list), drawn then."""

    def __init__(self, footer: Footer, fn: Callable[[Footer], str], style: ParagraphStyle, *, centred: bool = True):
        super().__init__()
        self.footer, self.fn, self.style, self.centred = footer, fn, style, centred

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        return aw, self.style.leading

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(
            self.width / 2 if self.centred else 0, (self.style.leading - self.style.fontSize) / 2 + 1
        )
        self.footer.refs.append((self.canv.getPageNumber(), x, y, self.centred, self.style, self.fn))


class Box(Flowable):
    """A dashed box or circle with a grey caption: where a fingerprint or a seal goes."""

    def __init__(self, width: float, height: float, caption: str, *, circle: bool = False):
        super().__init__()
        self.width, self.height, self.caption, self.circle = width, height, caption, circle

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(LIGHT)
        c.setLineWidth(0.6)
        c.setDash(2, 2)
        if self.circle:
            c.circle(self.width / 2, self.height / 2, min(self.width, self.height) / 2)
        else:
            c.rect(0, 0, self.width, self.height)
        c.setFillColor(LIGHT)
        c.setFont(fonts.REGULAR, SIZE_SMALL)
        c.drawCentredString(self.width / 2, self.height / 2 - 3, self.caption)
        c.restoreState()


class Endorsement(Flowable):
    """The committee's name and the date at the right, with the seal's place drawn over them."""

    def __init__(self, lines: list[str], seal_caption: str, *, size: float = SIZE_BODY, seal: bool = True):
        super().__init__()
        self.lines, self.caption, self.size, self.seal = lines, seal_caption, size, seal
        self.diameter = (40 if size >= SIZE_BODY else 32 if size >= SIZE_CELL else 28) * mm
        self.line_h = size * (1.9 if size >= SIZE_CELL else 1.6)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.height = max(len(self.lines) * self.line_h + 6 * mm, self.diameter * 0.7 if self.seal else 0)
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        widest = max(c.stringWidth(line, fonts.REGULAR, self.size) for line in self.lines)
        centre_x = max(widest / 2 + 2, self.diameter / 2 if self.seal else 0, self.width - 2 * self.size - widest / 2)
        top = self.height - self.line_h
        if self.seal:
            c.saveState()
            c.setStrokeColor(LIGHT)
            c.setDash(2, 2)
            c.setLineWidth(0.6)
            cy = top - (len(self.lines) - 1) * self.line_h / 2 + self.size / 3
            c.circle(centre_x, cy, self.diameter / 2)
            c.setFillColor(LIGHT)
            c.setFont(fonts.REGULAR, SIZE_SMALL)
            c.drawCentredString(centre_x, cy - self.diameter / 2 + 3 * mm, self.caption)
            c.restoreState()
        c.setFont(fonts.REGULAR, self.size)
        for i, line in enumerate(self.lines):
            c.drawCentredString(centre_x, top - i * self.line_h, line)


class TextParagraph(Paragraph):
    """A paragraph that remembers its plain text and style, so a form cell too tall for a page can
    be cut and continued on an appended sheet (附页)."""

    def __init__(self, text: str, style: ParagraphStyle | None = None, *args: Any, plain: str = "", **kwargs: Any):
        super().__init__(text, style, *args, **kwargs)  # reportlab's signature: split() calls it so
        self.plain = plain
        self.style_name = style.name if style is not None else ""
        self.body = plain  # the text without a 转附页 note
        self.continued_at: int | None = None  # the 附页 its rest went to, once cut


# A form row may be at most this tall: reportlab cannot split a table cell across pages, and a row
# taller than the frame stops the whole build.
_ROW_LIMIT = (PAGE_H - TOP - BOTTOM) * 0.8


def _texts(holder: list[Any], key: int) -> list[tuple[TextParagraph, list[Any], int]]:
    """The text paragraphs in a table cell, each with the list and index that hold it: a cell may be
    a paragraph, a list of flowables, or a box (MinHeight) around a list."""
    item = holder[key]
    if isinstance(item, TextParagraph):
        return [(item, holder, key)]
    inner = item if isinstance(item, list) else getattr(item, "content", None)
    if isinstance(inner, list):
        return [t for k in range(len(inner)) for t in _texts(inner, k)]
    return []


def _unsplittable(count: int, spans: Sequence[tuple[Any, ...]]) -> list[tuple[int, int]]:
    """Row ranges a page break cannot fall inside: each row, widened by every vertical span."""
    blocks = [[i, i] for i in range(count)]
    for (_c0, r0), (_c1, r1) in spans:
        a, b = sorted((r0 % count, r1 % count))
        blocks.append([a, b])
    blocks.sort()
    merged: list[list[int]] = []
    for a, b in blocks:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


class Sheet:
    """One build: styles, templates, the footer and every string that will be printed."""

    def __init__(self, common: Template, footer: Footer):
        self.s = styles()
        self.common = common
        self.footer = footer
        self.regular: list[str] = []
        self.bold: list[str] = []
        self.continued: list[str] = []  # text cut from form cells, printed on 附页 after the story
        # How a one-page form is made to fit (documents.compose tries tighter settings in turn):
        # the share of its handwriting room kept, and smaller cell text.
        self.room_scale = 1.0
        self.compact = 0  # 1, 2: cell text one or two sizes smaller

    # -- text -------------------------------------------------------------------------------------

    def _note(self, text: str, style: ParagraphStyle) -> None:
        (self.bold if style.fontName == fonts.BOLD else self.regular).append(text)

    # A one-page form gives up handwriting room, then takes smaller cell text, before it would
    # leave its signature or seal rows alone on a second page (what does not fit then flows on).
    FIT_TRIES = ((1.0, 0), (0.6, 0), (0.3, 0), (0.0, 0), (0.6, 1), (0.0, 1), (0.3, 2), (0.0, 2))

    def fit_one_page(self, make: Callable[[], list[Flowable]]) -> list[Flowable]:
        """The story ``make`` builds, set as loosely as still fits one page (the tightest if none
        does); the sheet's settings are restored afterwards (a case file sets several forms)."""
        saved = (self.room_scale, self.compact, list(self.continued))
        story: list[Flowable] = []
        for scale, compact in self.FIT_TRIES:
            self.room_scale, self.compact = scale, compact
            self.continued[:] = saved[2]  # a trial's cut text must not reach the 附页
            story = make()
            if story_height(story) <= FRAME_H - 2:
                break
        self.room_scale, self.compact = saved[0], saved[1]
        return story

    def room(self, height_mm: float, least_mm: float = 0) -> float:
        """Room left for handwriting in a form (points), less when the form must fit one page (a
        place to sign keeps ``least_mm``)."""
        return max(height_mm * self.room_scale, least_mm) * mm

    def p(self, text: object, style: str = "body") -> TextParagraph:
        """A paragraph of plain text (typed or from a template): printed exactly as written."""
        if self.compact and (style in COMPACT_STYLES or style == "title"):
            style = f"{style}_{self.compact}"
        st = self.s[style]
        text = "" if text is None else str(text)
        self._note(text, st)
        return TextParagraph(esc(text), st, plain=text)

    def runs(self, parts: Iterable[tuple[str, bool]], style: str = "body") -> Paragraph:
        """A paragraph of plain-text runs, some in bold (a heading word before typed text)."""
        st = self.s[style]
        markup = []
        for text, bold in parts:
            (self.bold if bold else self.regular).append(text)
            markup.append(f"<b>{esc(text)}</b>" if bold else esc(text))
        return Paragraph("".join(markup), st)

    def raw(self, strings: Iterable[str], bold: bool = False) -> None:
        """Strings drawn straight on the canvas (they are checked like the rest)."""
        (self.bold if bold else self.regular).extend(strings)

    def check(self) -> None:
        fonts.check(self.regular + self.footer.strings(), fonts.REGULAR)
        fonts.check(self.bold, fonts.BOLD)

    # -- pieces -----------------------------------------------------------------------------------

    def title(self, text: str, number: str | None = None) -> list[Flowable]:
        out: list[Flowable] = [self.p(text, "title")]
        if number:
            out.append(self.p(number, "number"))
        return out

    def fingerprint(self) -> Box:
        caption = self.common["labels.fingerprint"]
        self.raw([caption])
        return Box(15 * mm, 15 * mm, caption)

    def endorsement(self, committee: str, when: str, *, seal: bool = True, size: float = SIZE_BODY) -> Endorsement:
        lines = [line for line in (self.common.fill("seal.line", committee=committee), when) if line]
        caption = self.common["seal.caption"]
        self.raw([*lines, caption])
        if self.compact and size < SIZE_BODY:  # a form squeezed onto one page: a smaller seal ring
            size = SIZE_COMPACT[self.compact - 1]
        return Endorsement(lines, caption, size=size, seal=seal)

    def grid(
        self,
        rows: Sequence[Sequence[Any]],
        widths_mm: Sequence[float],
        spans: Sequence[tuple[Any, ...]] = (),
        heights: list[float | None] | None = None,
        *,
        valign: str = "MIDDLE",
        pad: float = 4,
        extra: Sequence[tuple[Any, ...]] = (),
        keep_last: int = 0,
    ) -> Table:
        """A ruled form table; ``spans`` are ((col, row), (col, row)) pairs as reportlab takes them."""
        total = sum(widths_mm)
        widths = [w * WIDTH / total for w in widths_mm]
        cmds: list[Any] = [
            ("FONT", (0, 0), (-1, -1), fonts.REGULAR, SIZE_CELL),
            ("GRID", (0, 0), (-1, -1), 0.75, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
            ("VALIGN", (0, 0), (-1, -1), valign),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 2 if self.compact else 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 if self.compact else 5),
        ]
        cmds += [("SPAN", a, b) for a, b in spans]
        cmds += list(extra)
        table = self._fitted(rows, widths, heights, TableStyle(cmds), spans)
        if keep_last and len(rows) > keep_last:
            # The signature and seal rows never go alone to the next page: the row above goes with
            # them (when the three fit a page; a taller one was cut to 附页 above).
            table.setStyle(TableStyle(cmds))
            table.wrap(WIDTH, 1e7)
            first = len(rows) - keep_last - 1
            laid: Any = table  # the row heights reportlab measured (not in its type stubs)
            if sum(laid._rowHeights[first:]) > _ROW_LIMIT:
                first += 1
            cmds.append(("NOSPLIT", (0, first), (-1, -1)))
        table.setStyle(TableStyle(cmds))
        return table

    def _fitted(
        self,
        given: Sequence[Sequence[Any]],
        widths: list[float],
        heights: list[float | None] | None,
        style: TableStyle,
        spans: Sequence[tuple[Any, ...]],
    ) -> Table:
        """The table, with the longest text of any unsplittable block taller than a page (a row, or
        rows joined by a vertical span) cut and continued on 附页."""
        rows: list[list[Any]] = [list(r) for r in given]
        blocks = _unsplittable(len(rows), spans)
        for _attempt in range(len(rows) * 4):
            # Measured on a copy: a trial layout leaves state in the cells' flowables.
            trial = Table(copy.deepcopy(rows), colWidths=widths, rowHeights=heights, repeatRows=0)
            trial.setStyle(style)  # spans and paddings decide the cells' widths
            trial.wrap(WIDTH, 1e7)
            measured: Any = trial  # the row heights reportlab measured (not in its type stubs)
            tall = [(sum(measured._rowHeights[a : b + 1]), a, b) for a, b in blocks]
            tall = [t for t in tall if t[0] > _ROW_LIMIT]
            if not tall:
                return Table(rows, colWidths=widths, rowHeights=heights, repeatRows=0)
            height, first, last = max(tall)
            texts = [t for i in range(first, last + 1) for j in range(len(rows[i])) for t in _texts(rows[i], j)]
            if not texts or max(len(t[0].body) for t in texts) < 2:
                break  # nothing left to cut: reportlab will say why
            cell, holder, key = max(texts, key=lambda t: len(t[0].body))
            keep = max(1, int(len(cell.body) * _ROW_LIMIT / height * 0.85))
            if cell.continued_at is None:  # a cell cut again puts the rest in front of its own 附页
                self.continued.append("")
                cell.continued_at = len(self.continued)
            n = cell.continued_at
            self.continued[n - 1] = cell.body[keep:] + self.continued[n - 1]
            cut = self.p(cell.body[:keep] + self._wording("continued.cut", "……（转附页{n}）", n=n), cell.style_name)
            cut.body, cut.continued_at = cell.body[:keep], n
            holder[key] = cut
        return Table(rows, colWidths=widths, rowHeights=heights, repeatRows=0)

    def _wording(self, key: str, default: str, **values: Any) -> str:
        """Wording added after an office may have copied _common.toml: its own copy may lack it."""
        return self.common.fill(key, **values) if self.common.get(key) is not None else default.format(**values)

    def continuation(self) -> list[Flowable]:
        """The 附页 that carry what was cut from form cells, in order."""
        if not self.continued:
            return []
        out: list[Flowable] = [PageBreak(), self.p(self._wording("continued.title", "附页"), "title")]
        for n, text in enumerate(self.continued, 1):
            head = self._wording("continued.head", "附页{n}（接上表）：", n=n)
            out.append(self.runs([(head, True), (text, False)]))
        return out

    def label(self, text: str) -> Paragraph:
        return self.p(text, "label")

    def cell(self, text: object, style: str = "cell") -> Paragraph:
        return self.p(text, style)


def table_style(cmds: list[tuple]) -> TableStyle:
    """A table's style in our font: reportlab's default cell font is an unembedded Helvetica."""
    return TableStyle([("FONT", (0, 0), (-1, -1), fonts.REGULAR, SIZE_CELL), *cmds])


def story_height(story: list[Flowable]) -> float:
    """How tall the story is laid out in one column of unlimited height (points)."""
    total = 0.0
    for f in story:
        total += f.wrap(WIDTH, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def spacer(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def page_break() -> PageBreak:
    return PageBreak()


def render(
    story: list[Flowable], sheet: Sheet, *, title: str, author: str, on_page: Callable[[int], None] | None = None
) -> tuple[bytes, int]:
    """Check every character against the fonts, then lay out the story; returns (pdf, pages)."""
    story = [*story, *sheet.continuation()]
    sheet.check()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=title,
        author=author,
        subject=sheet.footer.case_no,
        creator="西湖司法所工作台",
        allowSplitting=1,
        # The canvas starts in our font, so no unembedded Helvetica is left in the file.
        initialFontName=fonts.REGULAR,
        initialFontSize=SIZE_BODY,
        initialLeading=SIZE_BODY * 1.5,
    )
    frame = Frame(
        LEFT,
        BOTTOM,
        WIDTH,
        PAGE_H - TOP - BOTTOM,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    canvasmaker = partial(_Canvas, footer=sheet.footer, on_page=on_page)
    doc.build(story, canvasmaker=canvasmaker)
    return buffer.getvalue(), doc.page
