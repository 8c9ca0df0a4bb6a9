"""The embedded Song-style fonts of every printed document (design.md §6, style.md §F).

Noto Serif SC converted to TrueType outlines (scripts/convert_fonts.py), shipped in
resources/fonts with its OFL licence, registered once per process. There is no fallback: a
missing font file is an error, and a character the font lacks is refused by name before the
PDF is built (reportlab would otherwise print a blank in its place without a word).
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from xihu_desk.domain.errors import UserError
from xihu_desk.paths import resources_dir

REGULAR = "NotoSerifSC"
BOLD = "NotoSerifSC-Bold"
FILES = {REGULAR: "NotoSerifSC-Regular.ttf", BOLD: "NotoSerifSC-Bold.ttf"}
LABELS = {REGULAR: "打印字体（思源宋体 Noto Serif SC）", BOLD: "标题字体（思源宋体 Noto Serif SC 粗体）"}
# Characters that never reach the page as glyphs: line breaks and tabs become layout.
_LAYOUT = {"\n", "\r", "\t"}

_lock = threading.Lock()
_cmaps: dict[str, frozenset[int]] = {}


class GlyphMissing(UserError):
    """A character of the text is not in the font: refused, never printed as a blank."""

    def __init__(self, char: str, context: str, font: str):
        self.char = char
        self.context = context
        code = f"U+{ord(char):04X}"
        try:
            name = unicodedata.name(char)
        except ValueError:
            name = ""
        shown = char if char.isprintable() and not char.isspace() else name or code
        where = f"“{context}”中的" if context and context != char else ""
        super().__init__(
            f"{where}字符“{shown}”（{code}）不在{LABELS[font]}中，打印出来会是空白，因此没有打印。"
            "请核对该字（生僻字可改用通用写法并在备注中说明）。"
        )


def ensure_fonts() -> None:
    """Register both faces once (thread-safe: the GUI builds on the database thread)."""
    if len(_cmaps) == len(FILES):
        return
    with _lock:
        for name, file_name in FILES.items():
            if name in _cmaps:
                continue
            path = resources_dir() / "fonts" / file_name
            if not path.is_file():
                raise UserError(f"找不到打印字体 {path}（安装不完整），无法生成文书。")
            font = TTFont(name, str(path))
            pdfmetrics.registerFont(font)
            _cmaps[name] = frozenset(font.face.charToGlyph)
        # <b> in a paragraph picks the bold face; there is no italic in Chinese documents.
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def has_char(char: str, font: str = REGULAR) -> bool:
    ensure_fonts()
    return ord(char) in _cmaps[font]


def check(texts: Iterable[str], font: str = REGULAR) -> None:
    """Raise GlyphMissing for the first character of ``texts`` the font cannot draw."""
    ensure_fonts()
    cmap = _cmaps[font]
    for text in texts:
        for i, char in enumerate(text):
            if ord(char) not in cmap and char not in _LAYOUT:
                raise GlyphMissing(char, _context(text, i), font)


def _context(text: str, i: int, width: int = 12) -> str:
    start = max(0, i - width)
    end = min(len(text), i + width)
    snippet = text[start:end].replace("\n", " ")
    return ("…" if start else "") + snippet + ("…" if end < len(text) else "")
