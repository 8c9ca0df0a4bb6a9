"""Editable Word copies (.docx) of the printed documents, for an office that must adjust a sentence.

There is no second copy of any document here: ``write`` walks the very story the PDF is laid out
from (documents/layout.py, parts.py) and writes each piece with python-docx as what it shows:

- a paragraph → a paragraph in a named style made from its reportlab style (size, bold,
  alignment, indents in characters, line spacing), runs in bold where the PDF has bold;
- a Table → a Word table with the same column widths, spans (merged cells), rules and paddings;
  a form's rows do not break across pages, as in the PDF;
- Spacer → space before the next paragraph; PageBreak → the next block starts a page;
  KeepTogether → its content, kept with the next paragraph;
- the fingerprint box → a small dashed box with its caption; the seal place (Endorsement) → the
  committee and the date, centred on each other near the right, with the seal caption;
- a page number known only after layout (the case file's contents list) → the number the PDF
  layout of the same story gave it;
- the footer: case number, 核验码 and 第 x 页 共 y 页 as Word page fields; a case file's cover,
  contents list and back cover are their own sections without page numbers, as on paper.

Chinese text asks for 宋体 (the Song face the PDF embeds; every Chinese Windows and WPS has it),
Latin letters and digits for Times New Roman. A draft says 草稿 in every page's header.
"""

from __future__ import annotations

import io
import string
from xml.sax.saxutils import escape
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from xihu_desk.documents import fonts
from xihu_desk.documents.layout import (
    BOTTOM,
    FOOTER_Y,
    LEFT,
    RIGHT,
    SIZE_BODY,
    SIZE_SMALL,
    TOP,
    WIDTH,
    Anchor,
    Box,
    Endorsement,
    Footer,
    PageRef,
    Sheet,
)
from xihu_desk.documents.parts import MinHeight

EAST_ASIAN = "宋体"  # SimSun: the Song face of the PDF, on every Chinese Windows and with WPS on UOS/Kylin
WESTERN = "Times New Roman"
DRAFT_MARK = "草稿"

# The names an office sees in Word's style list (the PDF's styles by what they are for).
STYLE_NAMES = {
    "title": "文书标题",
    "cover_title": "卷宗封面标题",
    "org": "单位名称",
    "number": "文书编号",
    "body": "文书正文",
    "flush": "正文（顶格）",
    "heading": "小标题",
    "party": "当事人",
    "clause": "条款",
    "right": "正文（右对齐）",
    "cell": "表格文字",
    "cell_j": "表格文字（两端对齐）",
    "cell_body": "表格正文",
    "label": "表格栏目",
    "cell_center": "表格文字（居中）",
    "cell_right": "表格文字（右对齐）",
    "note": "附注",
    "sign": "签名栏",
    "sign_r": "签名栏（右对齐）",
    "caption": "图注",
}
_HEADINGS = {"title": 0, "cover_title": 0, "heading": 1}  # outline levels: Word's navigation pane lists them
_ALIGN: dict[Any, Any] = {
    TA_CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    TA_RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
    TA_JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_CELL_ALIGN = {
    "CENTER": WD_ALIGN_PARAGRAPH.CENTER,
    "CENTRE": WD_ALIGN_PARAGRAPH.CENTER,
    "RIGHT": WD_ALIGN_PARAGRAPH.RIGHT,
}
_VALIGN = {
    "TOP": WD_CELL_VERTICAL_ALIGNMENT.TOP,
    "MIDDLE": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
    "BOTTOM": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM,
}
_NBSP4 = "\u00a0" * 4  # layout.esc writes an ideographic space as four no-break spaces: back to one

# Child order of the few property elements written by hand (Word refuses a file out of schema order).
_PPR_AFTER_BDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_TCPR_AFTER_BORDERS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
_TCPR_AFTER_MAR = ("w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
_TBLPR = (
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_SECTPR_AFTER_PGNUM = (
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
)


def write(
    story: list[Flowable], sheet: Sheet, *, title: str, author: str, draft: bool = False, laid_out: Footer | None = None
) -> bytes:
    """The .docx of a story composed for the PDF. ``laid_out`` is the footer of a PDF layout of the
    same story: page references (a case file's contents list) print the numbers it found."""
    writer = _Writer(sheet, draft=draft, laid_out=laid_out)
    writer.blocks(writer.body(), [*story, *sheet.continuation()])
    writer.finish()
    props = writer.doc.core_properties
    props.title, props.author, props.subject = title, author, sheet.footer.case_no
    props.comments = "西湖司法所工作台生成的可编辑副本" + ("（草稿）" if draft else "")
    buffer = io.BytesIO()
    writer.doc.save(buffer)
    return buffer.getvalue()


def needs_layout(story: Iterable[Flowable]) -> bool:
    """Does the story hold text known only after the PDF layout (page numbers)?"""
    return any(isinstance(f, PageRef) or needs_layout(_children(f)) for f in story)


def _children(f: Any) -> list[Any]:
    """What a container flowable holds (reportlab's own attributes: it has no public accessors)."""
    if isinstance(f, KeepTogether):
        return list(getattr(f, "_content"))  # noqa: B009 - private in the type stubs
    if isinstance(f, MinHeight):
        return list(f.content)
    if isinstance(f, list | tuple):
        return list(f)
    if isinstance(f, Table):
        return [cell for row in getattr(f, "_cellvalues") for cell in row]  # noqa: B009
    return []


# ---------------------------------------------------------------------------------- XML helpers


def _el(tag: str, **attrs: str) -> Any:
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(f"w:{k}"), v)
    return e


def _put(parent: Any, child: Any, successors: tuple[str, ...]) -> Any:
    """Insert ``child`` in schema order, replacing one of the same tag."""
    old = parent.find(child.tag)
    if old is not None:
        parent.remove(old)
    parent.insert_element_before(child, *successors)
    return child


def _hex(color: Any) -> str:
    return colors.toColor(color).hexval()[2:].upper()


def _rgb(color: Any) -> RGBColor:
    return RGBColor.from_string(_hex(color))


def _fonts_of(rpr: Any) -> None:
    r = rpr.get_or_add_rFonts()
    for attr, name in (("ascii", WESTERN), ("hAnsi", WESTERN), ("eastAsia", EAST_ASIAN), ("cs", WESTERN)):
        r.set(qn(f"w:{attr}"), name)
    # Quotation marks, ¥ and … are shared by both scripts: the hint draws them in the Chinese face.
    r.set(qn("w:hint"), "eastAsia")


def _field(paragraph: Any, instruction: str, shown: str, size: float) -> None:
    """A Word field (PAGE, NUMPAGES…) with the value shown until Word updates it."""

    def run(*children: Any) -> None:
        r = paragraph.add_run()
        r.font.size = Pt(size)
        for c in children:
            r._r.append(c)

    instr = _el("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run(_el("w:fldChar", fldCharType="begin"))
    run(instr)
    run(_el("w:fldChar", fldCharType="separate"))
    r = paragraph.add_run(shown)
    r.font.size = Pt(size)
    run(_el("w:fldChar", fldCharType="end"))


# ---------------------------------------------------------------------------------- the writer


@dataclass
class _Box:
    """Where blocks go: the document body or a table cell (whose first paragraph exists already)."""

    target: Any
    reuse: Any = None  # an empty paragraph already there (a cell's first): the next one written
    last: Any = None  # the last paragraph written here
    space: float = 0.0  # space (pt) owed to the next paragraph
    page_break: bool = False  # the next block starts a page
    keep: int = 0  # inside a KeepTogether
    kept: list[Any] = field(default_factory=list)  # paragraphs kept with the next, in order


class _Writer:
    def __init__(self, sheet: Sheet, *, draft: bool, laid_out: Footer | None):
        self.sheet, self.draft, self.laid_out = sheet, draft, laid_out
        self.footer = sheet.footer
        self.doc = Document()
        self._styles: dict[str, Any] = {}
        self._numbered: list[bool] = []  # per section: does its footer carry 第 x 页 共 y 页
        self._setup()

    def body(self) -> _Box:
        return _Box(self.doc)

    # -- page, fonts, styles ---------------------------------------------------------------------

    def _setup(self) -> None:
        normal = self.doc.styles["Normal"]
        rpr = normal.element.get_or_add_rPr()
        _fonts_of(rpr)
        # Chinese as the East-Asian language; Latin text (digits too) as English, so a number such as
        # 第0001号 is not broken across lines (LibreOffice does that with a Chinese Latin language).
        _put(rpr, _el("w:lang", val="en-US", eastAsia="zh-CN"), _RPR_AFTER_LANG)
        normal.font.size = Pt(SIZE_BODY)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.space_before = Pt(0)
        # No extra space between Chinese and Latin letters or digits (Word and LibreOffice add it by
        # default): the PDF sets 古墩路88号 tight, and a form's cell must wrap where it does there.
        _tight(normal.element.get_or_add_pPr())
        section = self.doc.sections[0]
        self._page(section)
        self._numbered.append(not self.footer.first)  # a case file numbers from its first document on
        if self.draft:
            head = section.header.paragraphs[0]
            head.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = head.add_run(DRAFT_MARK)
            run.bold = True
            run.font.size = Pt(22)
            run.font.color.rgb = RGBColor(0xB0, 0x20, 0x20)

    def _page(self, section: Any) -> None:
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4, as PAGE_W × PAGE_H
        section.left_margin, section.right_margin = round(LEFT * 12700), round(RIGHT * 12700)
        section.top_margin, section.bottom_margin = round(TOP * 12700), round(BOTTOM * 12700)
        section.header_distance = Mm(12)
        section.footer_distance = round(FOOTER_Y * 12700 * 0.8)

    def style(self, ps: ParagraphStyle) -> Any:
        key = ps.name
        if key in self._styles:
            return self._styles[key]
        st = self.doc.styles.add_style(_style_name(key), WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = self.doc.styles["Normal"]
        st.quick_style = key in STYLE_NAMES  # the gallery shows the usual sizes, not the compact ones
        st.font.size = Pt(ps.fontSize)
        st.font.bold = ps.fontName == fonts.BOLD
        if ps.textColor is not None and _hex(ps.textColor) != "000000":
            st.font.color.rgb = _rgb(ps.textColor)
        pf = st.paragraph_format
        pf.alignment = _ALIGN.get(ps.alignment, WD_ALIGN_PARAGRAPH.LEFT)
        pf.space_before, pf.space_after = Pt(ps.spaceBefore), Pt(ps.spaceAfter)
        # The PDF's leading exactly: the same lines a page, so a one-page form stays one page in Word
        # whatever the font's own line height (an office enlarging the type sets the spacing too).
        pf.line_spacing = Pt(ps.leading)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.first_line_indent, pf.left_indent = Pt(ps.firstLineIndent), Pt(ps.leftIndent)
        pf.widow_control = False  # CJK text: the PDF leaves single lines where they fall too
        ind = st.element.get_or_add_pPr().get_or_add_ind()
        # Indents in characters (两个字): they follow the size if an office changes it.
        if ps.firstLineIndent:
            ind.set(qn("w:firstLineChars"), str(round(ps.firstLineIndent / ps.fontSize * 100)))
        if ps.leftIndent:
            ind.set(qn("w:leftChars"), str(round(ps.leftIndent / ps.fontSize * 100)))
        if key in _HEADINGS:
            st.element.get_or_add_pPr().get_or_add_outlineLvl().val = _HEADINGS[key]
        self._styles[key] = st
        return st

    # -- blocks ----------------------------------------------------------------------------------

    def blocks(self, box: _Box, flows: Iterable[Any]) -> None:
        for f in flows:
            self.block(box, f)
        if box.space and box.last is not None:  # room left at the end of a cell: after its last line
            pf = box.last.paragraph_format
            pf.space_after = Pt((pf.space_after.pt if pf.space_after else 0) + box.space)
            box.space = 0

    def block(self, box: _Box, f: Any) -> None:
        if f is None or (isinstance(f, str) and not f):
            return
        if isinstance(f, str):
            self.text(box, f, self.sheet.s["cell"])
        elif isinstance(f, Paragraph):
            self.paragraph(box, f)
        elif isinstance(f, Spacer):
            box.space += f.height
        elif isinstance(f, PageBreak):
            box.page_break = True
        elif isinstance(f, Anchor):
            self.anchor(box, f)
        elif isinstance(f, KeepTogether):
            self.together(box, _children(f))
        elif isinstance(f, MinHeight | list | tuple):  # reportlab holds each flowable cell as a tuple
            self.blocks_inline(box, _children(f))
        elif isinstance(f, Table):
            self.table(box, f)
        elif isinstance(f, Endorsement):
            self.endorsement(box, f)
        elif isinstance(f, Box):
            self.mark_box(box, f)
        elif isinstance(f, PageRef):
            shown = f.fn(self.laid_out) if self.laid_out is not None else ""
            p = self.text(box, shown, f.style)
            if f.centred:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:  # a flowable this writer does not know yet: its text, if it has one, never nothing silently
            raise TypeError(f"no Word form for {type(f).__name__}")

    def blocks_inline(self, box: _Box, flows: list[Any]) -> None:
        for f in flows:
            self.block(box, f)

    def _new_paragraph(self, box: _Box, ps: ParagraphStyle) -> Any:
        if box.reuse is not None:
            p, box.reuse = box.reuse, None
            ppr = p._p.pPr
            if ppr is not None:  # a placeholder's own formatting goes; the style decides
                p._p.remove(ppr)
        else:
            p = box.target.add_paragraph()
        p._p.style = self.style(ps).style_id  # by id: python-docx's lookup by name is slow in big forms
        _tight(p._p.get_or_add_pPr())  # LibreOffice reads this from the paragraph, not from its style
        if box.space:
            p.paragraph_format.space_before = Pt(ps.spaceBefore + box.space)
            box.space = 0
        if box.page_break:
            p.paragraph_format.page_break_before = True
            box.page_break = False
        if box.keep:
            p.paragraph_format.keep_with_next = True
            box.kept.append(p)
        box.last = p
        return p

    def paragraph(self, box: _Box, f: Paragraph) -> Any:
        p = self._new_paragraph(box, f.style)
        style_bold = f.style.fontName == fonts.BOLD
        for frag in f.frags:
            if getattr(frag, "lineBreak", False):
                p.add_run().add_break()
                continue
            text = frag.text.replace(_NBSP4, "\u3000")
            if not text:
                continue
            run = p.add_run(text)
            bold = frag.fontName == fonts.BOLD
            if bold != style_bold:
                run.bold = bold
        return p

    def text(self, box: _Box, text: str, ps: ParagraphStyle) -> Any:
        p = self._new_paragraph(box, ps)
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if i:
                p.add_run().add_break()
            if line:
                p.add_run(line)
        return p

    def _spacer_paragraph(self, box: _Box) -> Any:
        """An empty paragraph of almost no height: before a table that starts a page or needs room."""
        p = self._new_paragraph(box, self.sheet.s["note"])
        _tiny(p)
        return p

    def _add_table(self, box: _Box, rows: int, cols: int) -> Any:
        """A table at the end of ``box``. Word joins two tables that touch, and space or a page break
        before a table needs a paragraph to sit on; in a cell the table takes the place of the empty
        paragraph it would follow, and the one Word requires after it is kept as small as can be."""
        in_cell = box.target is not self.doc
        element = box.target._tc if in_cell else self.doc.element.body
        last = [e for e in element if e.tag in (qn("w:p"), qn("w:tbl"))]
        if box.space or box.page_break or (last and last[-1].tag == qn("w:tbl")):
            self._spacer_paragraph(box)
        placeholder = box.reuse
        table = box.target.add_table(rows=rows, cols=cols)
        if in_cell:
            if placeholder is not None:
                placeholder._p.getparent().remove(placeholder._p)
            box.reuse = box.target.paragraphs[-1]
            _tiny(box.reuse)
        return table

    def together(self, box: _Box, flows: list[Any]) -> None:
        box.keep += 1
        start = len(box.kept)
        self.blocks_inline(box, flows)
        box.keep -= 1
        if not box.keep and box.last is not None:
            # The group's last paragraph (or its last table row) is not tied to what follows it.
            tail = box.kept[start:]
            last = box.last
            row = _row_of(last)
            for p in tail:
                if p is last or (row is not None and _row_of(p) is row):
                    p.paragraph_format.keep_with_next = False
            box.kept[start:] = []

    def anchor(self, box: _Box, f: Anchor) -> None:
        """A case file's first document and its back cover start sections: numbered pages between."""
        if f.key not in (self.footer.first, self.footer.after):
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        box.page_break = False  # the section starts the page
        box.last = None
        # The paragraph that ends the previous section: no height, so it never pushes onto a page of its own.
        ends = [e for e in self.doc.element.body if e.tag == qn("w:p")][-1]
        _tiny(DocxParagraph(ends, self.doc._body))
        numbered = f.key == self.footer.first
        old = section._sectPr.find(qn("w:pgNumType"))
        if old is not None:
            section._sectPr.remove(old)
        if numbered:
            _put(section._sectPr, _el("w:pgNumType", start="1"), _SECTPR_AFTER_PGNUM)
        self._numbered.append(numbered)

    # -- tables ----------------------------------------------------------------------------------

    def table(self, box: _Box, t: Any) -> None:  # a reportlab Table, read through its private fields
        rows = t._cellvalues
        nrows, ncols = len(rows), len(t._argW)
        widths = [float(w) for w in t._argW]
        table = self._add_table(box, nrows, ncols)
        table.autofit = False
        table.alignment = {
            "CENTER": WD_TABLE_ALIGNMENT.CENTER,
            "CENTRE": WD_TABLE_ALIGNMENT.CENTER,
            "RIGHT": WD_TABLE_ALIGNMENT.RIGHT,
        }.get(str(t.hAlign).upper(), WD_TABLE_ALIGNMENT.LEFT)
        _table_width(table, widths)
        # Each span once: a grid's style is set twice, and a merge of merged cells finds them gone.
        spans = list(dict.fromkeys(_norm(a, b, nrows, ncols) for _op, a, b in t._spanCmds))
        covered: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for r0, c0, r1, c1 in spans:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    covered[(r, c)] = (r0, c0, r1, c1)
        cells = table._cells  # computed once: table.cell() walks the whole table on every call
        for r0, c0, r1, c1 in spans:  # spans never overlap, so each merge leaves the others' cells alone
            if (r0, c0) != (r1, c1):
                cells[r0 * ncols + c0].merge(cells[r1 * ncols + c1])
        cells = table._cells
        edges = _edges(t._linecmds, nrows, ncols)
        minimum = [float(h) if h is not None else 0.0 for h in (t._argH or [None] * nrows)]
        for r in range(nrows):
            row = table.rows[r]
            row._tr.get_or_add_trPr().append(_el("w:cantSplit"))  # as in the PDF: a row is never cut
            for c in range(ncols):
                r0, c0, r1, c1 = covered.get((r, c), (r, c, r, c))
                if (r0, c0) != (r, c):
                    continue
                cs = t._cellStyles[r][c]
                cell = cells[r * ncols + c]
                # A box for handwriting fills its row in the PDF, its text at the top: so here too.
                boxed = any(isinstance(v, MinHeight) for v in _children(rows[r][c]) or [rows[r][c]])
                valign = "TOP" if boxed else str(getattr(cs, "valign", "BOTTOM")).upper()
                cell.vertical_alignment = _VALIGN.get(valign)
                # LibreOffice adds a rule's width to its row (reportlab and Word draw it over the
                # padding): taken off the bottom padding, so a one-page form stays one page there too.
                rule = edges.get((r1, c0, "bottom"))
                _cell_margins(cell, cs, trim=int(rule[0]) / 8 if rule else 0.0)
                inner = _Box(cell, reuse=cell.paragraphs[0], keep=box.keep, kept=box.kept)
                value = rows[r][c]
                width = sum(widths[c0 : c1 + 1]) - cs.leftPadding - cs.rightPadding
                if isinstance(value, str):
                    p = self.text(inner, value, self._cell_style(cs))
                    p.alignment = _CELL_ALIGN.get(
                        str(getattr(cs, "alignment", "LEFT")).upper(), WD_ALIGN_PARAGRAPH.LEFT
                    )
                else:
                    self.blocks(inner, [value])
                    if inner.reuse is not None and box.keep:  # nothing written: the empty paragraph still keeps
                        cell.paragraphs[0].paragraph_format.keep_with_next = True
                        box.kept.append(cell.paragraphs[0])
                if r0 == r1:
                    need = _min_height(value, width) + (
                        cs.topPadding + cs.bottomPadding if _min_height(value, width) else 0
                    )
                    minimum[r] = max(minimum[r], need)
        for r in range(nrows):
            if minimum[r]:
                table.rows[r].height = Pt(minimum[r])
                table.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        _borders(table, edges, covered, nrows, ncols)
        if box.keep and table.rows:
            box.last = table.rows[-1].cells[-1].paragraphs[-1]
        else:
            box.last = None
        # The next paragraph of the body goes after the table: nothing to reuse.

    def _cell_style(self, cs: Any) -> ParagraphStyle:
        """A plain-text cell in the table's cell font (reportlab's FONT command)."""
        size = float(getattr(cs, "fontsize", 0) or 12)
        base = self.sheet.s["cell"]
        if abs(size - base.fontSize) < 0.01:
            return base
        return self.sheet.s["note"] if size < base.fontSize else base

    # -- marks -----------------------------------------------------------------------------------

    def endorsement(self, box: _Box, f: Endorsement) -> None:
        """The committee and the date, centred on each other near the right margin, under the seal caption."""
        size = f.size
        widest = max(len(line) for line in f.lines) * size
        table = self._add_table(box, 1, 1)
        table.autofit = False
        table.alignment = WD_TABLE_ALIGNMENT.RIGHT
        _table_width(table, [widest + 4 * size])
        cell = table.cell(0, 0)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
        inner = _Box(cell, reuse=cell.paragraphs[0], keep=box.keep, kept=box.kept)
        style = ParagraphStyle(
            "endorsement", self.sheet.s["sign"], fontSize=size, leading=f.line_h, alignment=TA_CENTER
        )
        style.name = "sign" if size >= SIZE_BODY else "cell_center"
        for line in f.lines:
            p = self._new_paragraph(inner, style)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(line)
            run.font.size = Pt(size)
        if f.seal:
            cap = self._new_paragraph(inner, self.sheet.s["caption"])
            cap.add_run(f.caption)
        height = f.wrap(WIDTH, 1e6)[1]
        table.rows[0].height = Pt(height)
        table.rows[0].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        table.rows[0]._tr.get_or_add_trPr().append(_el("w:cantSplit"))
        _borders(table, {}, {}, 1, 1)
        box.last = inner.last if box.keep else None

    def mark_box(self, box: _Box, f: Box) -> None:
        """The fingerprint's place: a small dashed box with its caption, in the middle of its cell."""
        table = self._add_table(box, 1, 1)
        table.autofit = False
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _table_width(table, [f.width])
        cell = table.cell(0, 0)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p._p.style = self.style(self.sheet.s["caption"]).style_id
        p.add_run(f.caption)
        table.rows[0].height = Pt(f.height)
        table.rows[0].height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        dashed = ("4", _hex(colors.Color(0.72, 0.72, 0.72)), "dashed")
        _borders(table, {(0, 0, side): dashed for side in ("top", "bottom", "left", "right")}, {}, 1, 1)
        if box.keep:
            p.paragraph_format.keep_with_next = True
            box.kept.append(p)
        box.last = None

    # -- footers ---------------------------------------------------------------------------------

    def finish(self) -> None:
        c = self.footer.common
        numbered_pages = self._numbered_count()
        if getattr(self.footer, "join_seal", False) and numbered_pages > 1:
            self._join_seal(self.doc.sections[0].header)
        for section, numbered in zip(self.doc.sections, self._numbered, strict=True):
            foot = section.footer
            foot.is_linked_to_previous = False
            first = foot.paragraphs[0]
            for p in foot.paragraphs[1:]:
                p._p.getparent().remove(p._p)
            first.text = ""
            pf = first.paragraph_format
            pf.tab_stops.add_tab_stop(
                round((WIDTH - 2) * 12700), WD_TAB_ALIGNMENT.RIGHT
            )  # at the margin LibreOffice drops it
            border = _el("w:pBdr")
            border.append(_el("w:top", val="single", sz="4", space="4", color="B8B8B8"))
            if not self.footer.anonymous:
                _put(first._p.get_or_add_pPr(), border, _PPR_AFTER_BDR)
            shown = (c.fill("footer.case_no", case_no=self.footer.case_no), "\t", self.footer.code_line())
            for text in () if self.footer.anonymous else shown:  # a draft says it has no 核验码, as its PDF does
                run = first.add_run(text)
                run.font.size = Pt(SIZE_SMALL)
                run.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
            if not numbered:
                continue
            line = foot.add_paragraph()
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            line.paragraph_format.space_before = Pt(4)
            total = "SECTIONPAGES" if self.footer.first else "NUMPAGES"
            for literal, name, _spec, _conv in string.Formatter().parse(c["footer.page"] or ""):
                if literal:
                    line.add_run(literal).font.size = Pt(10.5)
                if name == "page":
                    _field(line, "PAGE", "1", 10.5)
                elif name == "pages":
                    _field(line, total, str(numbered_pages or 1), 10.5)

    def _join_seal(self, header: Any) -> None:
        """The 骑缝章 area of a paper signed page by page, on the right edge of every page as on the
        PDF: a dashed box anchored in the header (a VML shape, which Word, WPS and LibreOffice all
        read), open to the page edge, its caption written downwards."""
        word = self.footer.say("footer.join_seal", "骑缝章")
        width, height = 14 * 72 / 25.4, 42 * 72 / 25.4
        shape = parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
            '<w:pict><v:rect id="joinSeal" o:allowincell="f" filled="f" strokecolor="#B8B8B8" strokeweight="0.6pt" '
            f'style="position:absolute;margin-left:0;margin-top:0;width:{width + 1:.1f}pt;height:{height:.1f}pt;'
            "z-index:-1;mso-position-horizontal:right;mso-position-horizontal-relative:page;"
            'mso-position-vertical:center;mso-position-vertical-relative:page">'
            '<v:stroke dashstyle="dash"/><v:textbox style="layout-flow:vertical-ideographic" inset="0,0,0,0">'
            '<w:txbxContent><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:color w:val="B8B8B8"/>'
            f'<w:sz w:val="{SIZE_SMALL * 2:.0f}"/></w:rPr><w:t>{escape(word)}</w:t></w:r></w:p></w:txbxContent>'
            "</v:textbox></v:rect></w:pict></w:r>"
        )
        header.paragraphs[0]._p.append(shape)

    def _numbered_count(self) -> int:
        """How many numbered pages the PDF layout had (the value a page-count field shows first)."""
        if self.laid_out is None or not self.laid_out.pages:
            return 0
        numbered = self.laid_out.numbered(1, self.laid_out.pages)
        if numbered:
            return numbered[1]
        a = self.laid_out.anchors
        return a.get(self.laid_out.after or "", self.laid_out.pages + 1) - a.get(self.laid_out.first or "", 1)


# ---------------------------------------------------------------------------------- table helpers


def _tight(ppr: Any) -> None:
    """No space added between Chinese and Latin letters or digits."""
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        _put(ppr, _el(tag, val="0"), _PPR_AFTER_BDR[_PPR_AFTER_BDR.index(tag) + 1 :])


def _tiny(p: Any) -> None:
    """A paragraph that takes (almost) no room: 1 pt, no indent, no space around."""
    pf = p.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(1)
    pf.first_line_indent = Pt(0)
    pf.space_after = Pt(0)


def _style_name(key: str) -> str:
    """The style's name in Word: 表格文字, or 表格文字（紧凑1） for the smaller type a one-page form
    takes when it must fit (layout.py COMPACT_STYLES, named ``cell_1``…)."""
    if key in STYLE_NAMES:
        return STYLE_NAMES[key]
    base, _sep, level = key.rpartition("_")
    if level.isdigit() and base in STYLE_NAMES:
        return f"{STYLE_NAMES[base]}（紧凑{level}）"
    return key


def _row_of(paragraph: Any) -> Any:
    tr = paragraph._p.getparent()
    while tr is not None and tr.tag != qn("w:tr"):
        tr = tr.getparent()
    return tr


def _norm(a: tuple[int, int], b: tuple[int, int], nrows: int, ncols: int) -> tuple[int, int, int, int]:
    (c0, r0), (c1, r1) = a, b
    c0, c1 = sorted((c0 % ncols, c1 % ncols))
    r0, r1 = sorted((r0 % nrows, r1 % nrows))
    return r0, c0, r1, c1


def _table_width(table: Any, widths: list[float]) -> None:
    tbl = table._tbl
    tblPr = tbl.tblPr
    _put(tblPr, _el("w:tblW", w=str(round(sum(widths) * 20)), type="dxa"), _TBLPR[_TBLPR.index("w:tblW") + 1 :])
    # The table's edge where the PDF has it: not shifted left by the cells' padding.
    _put(tblPr, _el("w:tblInd", w="0", type="dxa"), _TBLPR[_TBLPR.index("w:tblInd") + 1 :])
    for gc, w in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        gc.w = round(w * 12700)
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            cell.width = round(widths[c] * 12700)


def _cell_margins(cell: Any, cs: Any, *, trim: float = 0.0) -> None:
    mar = _el("w:tcMar")
    for side, value in (
        ("top", cs.topPadding),
        ("left", cs.leftPadding),
        ("bottom", max(0.0, float(cs.bottomPadding) - trim)),
        ("right", cs.rightPadding),
    ):
        mar.append(_el(f"w:{side}", w=str(round(float(value) * 20)), type="dxa"))
    _put(cell._tc.get_or_add_tcPr(), mar, _TCPR_AFTER_MAR)


Edge = tuple[str, str, str]  # (size in eighths of a point, colour, style)


def _edges(linecmds: list[tuple], nrows: int, ncols: int) -> dict[tuple[int, int, str], Edge]:
    """Each cell side's rule from reportlab's line commands (later commands win, as they draw last)."""
    out: dict[tuple[int, int, str], Edge] = {}
    for cmd in linecmds:
        op, a, b, weight, color = cmd[:5]
        dash = cmd[6] if len(cmd) > 6 else None
        r0, c0, r1, c1 = _norm(a, b, nrows, ncols)
        edge = (str(max(2, round(float(weight) * 8))), _hex(color), "dashed" if dash else "single")
        cells = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
        sides: list[tuple[int, int, str]] = []
        if op in ("GRID", "BOX", "OUTLINE"):
            sides += [(r0, c, "top") for c in range(c0, c1 + 1)] + [(r1, c, "bottom") for c in range(c0, c1 + 1)]
            sides += [(r, c0, "left") for r in range(r0, r1 + 1)] + [(r, c1, "right") for r in range(r0, r1 + 1)]
        if op in ("GRID", "INNERGRID"):
            sides += [(r, c, "bottom") for r, c in cells if r < r1] + [(r, c, "top") for r, c in cells if r > r0]
            sides += [(r, c, "right") for r, c in cells if c < c1] + [(r, c, "left") for r, c in cells if c > c0]
        if op == "LINEBELOW":
            sides += [(r, c, "bottom") for r, c in cells]
        if op == "LINEABOVE":
            sides += [(r, c, "top") for r, c in cells]
        if op == "LINEBEFORE":
            sides += [(r, c, "left") for r, c in cells]
        if op == "LINEAFTER":
            sides += [(r, c, "right") for r, c in cells]
        for side in sides:
            out[side] = edge
            # The neighbour shares the rule: Word draws the heavier of two, keep them equal.
            r, c, s = side
            other = {
                "top": (r - 1, c, "bottom"),
                "bottom": (r + 1, c, "top"),
                "left": (r, c - 1, "right"),
                "right": (r, c + 1, "left"),
            }[s]
            if 0 <= other[0] < nrows and 0 <= other[1] < ncols:
                out[other] = edge
    return out


def _borders(table: Any, edges: dict[tuple[int, int, str], Edge], covered: dict, nrows: int, ncols: int) -> None:
    """Write every cell's four sides: the rule reportlab draws there, or none (tables have no style)."""
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            c_last = c + span - 1
            r0, _c0, r1, _c1 = covered.get((r, c), (r, c, r, c))
            borders = _el("w:tcBorders")
            for side in ("top", "left", "bottom", "right"):
                inside = (side == "top" and r > r0) or (side == "bottom" and r < r1)
                key = (r, c_last if side == "right" else c, side)
                edge = None if inside else edges.get(key)
                if edge is None:
                    borders.append(_el(f"w:{side}", val="nil"))
                else:
                    size, color, style = edge
                    borders.append(_el(f"w:{side}", val=style, sz=size, space="0", color=color))
            _put(tc.get_or_add_tcPr(), borders, _TCPR_AFTER_BORDERS)
            c += span


def _min_height(value: Any, width: float) -> float:
    """The height a cell asks for beyond its text: a handwriting box's minimum, a seal's place."""
    if isinstance(value, MinHeight):
        return float(value.min_height)
    if isinstance(value, Endorsement):
        return float(value.wrap(width, 1e6)[1])
    if isinstance(value, list | tuple):
        return max((_min_height(v, width) for v in value), default=0.0)
    return 0.0


__all__ = ["DRAFT_MARK", "EAST_ASIAN", "needs_layout", "write"]
