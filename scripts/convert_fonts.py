#!/usr/bin/env python3
"""Make the printed documents' fonts: Noto Serif SC with TrueType (glyf) outlines.

reportlab embeds TrueType outlines only; Noto Serif SC ships as OpenType/CFF (tech-notes.md §4).
A developer runs this once and commits the result under resources/fonts/; nothing runs it at
install time, and fontTools is not a dependency of the application.

    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools==4.68.0
    /tmp/ft/bin/python scripts/convert_fonts.py --regular NotoSerifSC-Regular.otf \\
        --bold NotoSerifCJK-Bold.ttc

Sources (both SIL OFL 1.1):
  --regular  NotoSerifSC-Regular.otf from the PyPI package pylopdf-fonts-zh-cn 0.1.1
             (``pip download --no-deps pylopdf-fonts-zh-cn==0.1.1``, unzip the wheel).
  --bold     NotoSerifCJK-Bold.ttc from Debian's fonts-noto-cjk (``apt-get download
             fonts-noto-cjk``, ``dpkg-deb -x``); its "Noto Serif CJK SC Bold" face is used.

Regular keeps every character of its cmap (all of GBK and CJK Ext A: rare characters in names
must print). Bold is only for the fixed headings of the templates, so it is cut to GB 2312 plus
ASCII and the usual punctuation; a heading with a character outside it is refused by name at
print time, never replaced. Layout tables (GSUB, GPOS…) are dropped: reportlab does no shaping.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "fonts"
DROP = ["BASE", "GSUB", "GPOS", "GDEF", "JSTF", "DSIG", "VORG", "vhea", "vmtx"]


def gb2312() -> set[int]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def bold_unicodes() -> set[int]:
    extra = "〇￥¥·—…“”‘’《》〈〉【】（）〔〕「」『』、。，；：？！＿－＋＝％＆＠＃"
    return gb2312() | set(range(0x20, 0x7F)) | set(range(0xFF01, 0xFF5F)) | {ord(c) for c in extra} | {0x3000}


def cff_to_glyf(font: TTFont, max_err: float = 1.0) -> None:
    """The fontTools otf2ttf snippet: quadratic outlines, glyf/loca, maxp 1.0, post 2."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font["head"].indexToLocFormat = 1
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\0\1\0\0"


def subset_font(font: TTFont, unicodes: set[int] | None) -> None:
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += DROP
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    sub = subset.Subsetter(options)
    cmap = font.getBestCmap()
    sub.populate(unicodes=sorted(set(cmap) if unicodes is None else set(cmap) & unicodes))
    sub.subset(font)


def convert(source: Path, target: Path, *, face: str | None, unicodes: set[int] | None) -> None:
    if source.suffix.lower() == ".ttc":
        fonts = [f for f in TTCollection(str(source)).fonts if f["name"].getDebugName(4) == face]
        if not fonts:
            raise SystemExit(f"{source} has no face named {face!r}")
        font = fonts[0]
    else:
        font = TTFont(str(source))
    if "CFF " not in font:
        raise SystemExit(f"{source}: expected CFF outlines")
    subset_font(font, unicodes)
    for t in DROP:
        if t in font:
            del font[t]
    cff_to_glyf(font)
    font.save(str(target))
    check = TTFont(str(target))
    print(f"{target.name}: {len(check.getBestCmap())} characters, {check['maxp'].numGlyphs} glyphs, "
          f"{target.stat().st_size / 1e6:.1f} MB, fsType {check['OS/2'].fsType}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--regular", type=Path, required=True, help="NotoSerifSC-Regular.otf")
    ap.add_argument("--bold", type=Path, help="NotoSerifCJK-Bold.ttc (the SC face is taken)")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    convert(args.regular, OUT / "NotoSerifSC-Regular.ttf", face=None, unicodes=None)
    if args.bold:
        convert(args.bold, OUT / "NotoSerifSC-Bold.ttf", face="Noto Serif CJK SC Bold", unicodes=bold_unicodes())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
