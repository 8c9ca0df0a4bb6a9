"""人民调解工作统计表 as Excel: plain figures in, workbook bytes out.

The figures (``MediationStats``) are counts per dispute type, committee, organisation type and
month, computed by services/mediation_stats.py with SQL aggregates. What the sheets show, in
which order, under which headers and groups, with which widths and number formats, is a layout
read from resources/templates/mediation_stats.json (a copy in the data folder's templates/ wins),
because the district's official form may change; a column names a ``metric``: a base figure of
``METRICS`` or a derived one the layout defines (a ratio, a division).

Every sheet carries the cover block: what it covers (period, scope, org units), when and by whom
it was made, and where data from other offices came in bundles, which bundles (sender, sequence)
it includes and which are missing. Cells hold values, never formulas; the 合计 row is summed here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from xihu_desk.sync import sequences
from xihu_desk.sync.sequences import Span  # the field `sequences` below hides the module in the class
from xihu_desk.paths import resources_dir
from xihu_desk.reports import ledger

LAYOUT_NAME = "mediation_stats.json"
PREVENTION = (
    "prevent_criminal_cases",
    "prevent_criminal_persons",
    "prevent_petition_cases",
    "prevent_petition_persons",
    "prevent_suicide_cases",
    "prevent_suicide_persons",
    "prevent_fight_cases",
    "prevent_fight_persons",
)
METRICS = (
    "accepted",
    "succeeded",
    "failed",
    "terminated",
    "open",
    "written",
    "oral",
    "performed",
    "confirmed",
    "amount_fen",
    "source_apply",
    "source_initiative",
    "source_referral",
    *PREVENTION,
)
TOTAL_FILL = PatternFill("solid", fgColor="F2F4F7")
COUNT_FORMAT = "#,##0"
FONT_NAME = "Calibri"  # the workbook's own default: without a name, viewers fall back to a serif face


def _font(**kwargs: Any) -> Font:
    return Font(name=FONT_NAME, **kwargs)


class LayoutError(ValueError):
    """The layout file cannot be used (the message names the file and the problem)."""


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class BundleLine:
    """What this node holds from one office below it."""

    sender: str  # the office's name
    org_code: str
    sequences: tuple[int, ...]  # bundles imported
    missing: tuple[Span, ...]  # sequence numbers skipped (not imported yet), as ranges
    last_created: datetime | None = None  # when the newest imported bundle was made
    last_imported: datetime | None = None

    def included_text(self) -> str:
        return ranges(self.sequences) or "（尚未收到）"

    def missing_text(self) -> str:
        return f"第 {sequences.text(self.missing)} 号" if self.missing else "无"


@dataclass
class Cover:
    org_name: str
    org_code: str
    level_label: str
    date_from: date
    date_to: date
    scope: str  # 全部调委会, or the committee / street chosen
    units: list[str]  # the org units whose committees are counted
    made_at: datetime
    made_by: str
    bundles: list[BundleLine] | None = None  # None: no office sends this node bundles
    notes: list[str] = field(default_factory=list)

    def period(self) -> str:
        return f"统计期间：{self.date_from:%Y年%m月%d日} 至 {self.date_to:%Y年%m月%d日}"

    def unit_line(self) -> str:
        return f"填报单位：{self.org_name}（{self.org_code}）　统计范围：{self.scope}"

    def made_line(self) -> str:
        return f"制表：{self.made_by}　制表时间：{self.made_at:%Y-%m-%d %H:%M}"

    def source_line(self) -> str:
        if self.bundles is None:
            return "数据来源：本单位登记的案件。"
        if not self.bundles:
            return "数据来源：本单位登记的案件；尚未登记下级单位，也没有导入下级报送的数据包。"
        missing = [b for b in self.bundles if b.missing or not b.sequences]
        head = f"数据来源：本单位及 {len(self.bundles)} 个下级单位报送的数据包"
        if not missing:
            return head + "，数据包序号连续、无缺号（明细见“说明”表）。"
        names = "、".join(
            f"{b.sender}（缺 {b.missing_text()}）" if b.sequences else f"{b.sender}（尚未收到）" for b in missing
        )
        return head + f"；缺少：{names}。这些单位的案件可能未全部计入（明细见“说明”表）。"


@dataclass
class Row:
    label: str
    figures: dict[str, int]
    extra: tuple[str, ...] = ()


@dataclass
class MediationStats:
    cover: Cover
    by_type: list[Row]
    by_committee: list[Row]
    by_org_type: list[Row]
    by_month: list[Row]

    @property
    def total(self) -> dict[str, int]:
        return add(r.figures for r in self.by_type)


def empty() -> dict[str, int]:
    return dict.fromkeys(METRICS, 0)


def add(rows: Any) -> dict[str, int]:
    total = empty()
    for figures in rows:
        for k in METRICS:
            total[k] += int(figures.get(k, 0) or 0)
    return total


def ranges(numbers: tuple[int, ...] | list[int]) -> str:
    """1, 2, 3, 5 -> "第 1–3、5 号"."""
    if not numbers:
        return ""
    parts, start, prev = [], numbers[0], numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    return "第 " + "、".join(parts) + " 号"


# ---------------------------------------------------------------- the layout


def load_layout(override_dir: Path | None = None) -> dict[str, Any]:
    """The shipped layout, or the data folder's copy when there is one."""
    candidates = ([override_dir / LAYOUT_NAME] if override_dir else []) + [resources_dir() / "templates" / LAYOUT_NAME]
    path = next(p for p in candidates if p.is_file() or p == candidates[-1])
    try:
        layout = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LayoutError(f"统计表版式文件 {path} 无法读取：{exc}") from None
    check_layout(layout, path)
    return layout


def check_layout(layout: Mapping[str, Any], path: Path | str = LAYOUT_NAME) -> None:
    known = set(METRICS) | set(layout.get("metrics", {}))
    for name, rule in layout.get("metrics", {}).items():
        parts = rule.get("ratio") or rule.get("divide")
        if not parts or len(parts) != 2 or parts[0] not in METRICS:
            raise LayoutError(f"统计表版式文件 {path} 中指标“{name}”的定义不对。")
    for key in ("columns", "detail_columns"):
        for col in layout.get(key, []):
            if col.get("metric") not in known or not col.get("header"):
                raise LayoutError(
                    f"统计表版式文件 {path} 中的列“{col.get('header')}”使用了未知的指标“{col.get('metric')}”。"
                )
    for sheet in ("summary", "committees", "org_types", "months", "notes"):
        if sheet not in layout.get("sheets", {}):
            raise LayoutError(f"统计表版式文件 {path} 缺少工作表“{sheet}”的设置。")


def value(layout: Mapping[str, Any], figures: Mapping[str, int], metric: str) -> float | int | None:
    """A base figure, or a derived one; None where a ratio has nothing to divide by."""
    rule = layout.get("metrics", {}).get(metric)
    if rule is None:
        return figures.get(metric, 0)
    if "ratio" in rule:
        top, bottom = (figures.get(k, 0) for k in rule["ratio"])
        return top / bottom if bottom else None
    top, divisor = rule["divide"]
    return round(figures.get(top, 0) / divisor, 6)


# ---------------------------------------------------------------- the workbook


def _cover_rows(ws, title: str, lines: list[str], width: int) -> int:
    """The title across the table and the cover lines; returns the first row of the table."""
    ws.cell(1, 1, ledger.safe_text(title)).font = _font(bold=True, size=15)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 26
    for i, line in enumerate(lines, start=2):
        cell = ws.cell(i, 1, ledger.safe_text(line))
        cell.font = _font(size=10, color="3E4A59")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=max(width, 1))
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        # A long line (the bundles that are missing) wraps over the table's width.
        chars = sum(col for col in (2 if ord(ch) > 255 else 1 for ch in line))
        room = sum((ws.column_dimensions[get_column_letter(j)].width or 8) for j in range(1, width + 1))
        if chars > room:
            ws.row_dimensions[i].height = 15 * (chars // max(int(room), 1) + 1)
    return len(lines) + 3


def _head(ws, r: int, c: int, text: str, rows: int = 1, cols: int = 1) -> None:
    for rr in range(r, r + rows):
        for cc in range(c, c + cols):
            cell = ws.cell(rr, cc)
            cell.fill, cell.border = ledger.HEAD_FILL, ledger.BORDER
    cell = ws.cell(r, c, text)
    cell.font = _font(bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if rows > 1 or cols > 1:
        ws.merge_cells(start_row=r, start_column=c, end_row=r + rows - 1, end_column=c + cols - 1)


def _table(
    ws,
    layout: Mapping[str, Any],
    columns: list[dict[str, Any]],
    first: int,
    row_header: str,
    extra_headers: list[str],
    rows: list[Row],
    total: Mapping[str, int] | None,
    label_width: int,
) -> int:
    """Two header rows (groups over their columns), one row per ``Row``, the 合计 row; returns the last row."""
    lead = 1 + len(extra_headers)
    _head(ws, first, 1, row_header, rows=2)
    ws.column_dimensions["A"].width = label_width
    for j, text in enumerate(extra_headers, start=2):
        _head(ws, first, j, text, rows=2)
        ws.column_dimensions[get_column_letter(j)].width = 14
    j = lead + 1
    i = 0
    while i < len(columns):
        group = columns[i].get("group")
        span = 1
        while group and i + span < len(columns) and columns[i + span].get("group") == group:
            span += 1
        if group:
            _head(ws, first, j, group, cols=span)
            for k in range(span):
                _head(ws, first + 1, j + k, columns[i + k]["header"])
        else:
            _head(ws, first, j, columns[i]["header"], rows=2)
        for k in range(span):
            ws.column_dimensions[get_column_letter(j + k)].width = columns[i + k].get("width", 8)
        j += span
        i += span
    ws.row_dimensions[first].height = 30
    ws.row_dimensions[first + 1].height = 30
    r = first + 1
    body: list[tuple[str, tuple[str, ...], Mapping[str, int], bool]] = [
        (row.label, row.extra, row.figures, False) for row in rows
    ]
    if total is not None:
        body.append((layout.get("total_label", "合计"), ("",) * len(extra_headers), total, True))
    for r, (label, extra, figures, is_total) in enumerate(body, start=first + 2):
        cells = [ws.cell(r, 1, ledger.safe_text(label))]
        cells += [ws.cell(r, 2 + k, ledger.safe_text(text)) for k, text in enumerate(extra)]
        for k, col in enumerate(columns):
            v = value(layout, figures, col["metric"])
            cell = ws.cell(r, lead + 1 + k, "—" if v is None else v)
            cell.number_format = col.get("format", COUNT_FORMAT)
            cell.alignment = Alignment(horizontal="right", vertical="center")
            cells.append(cell)
        for cell in cells:
            cell.border = ledger.BORDER
            if is_total:
                cell.font = _font(bold=True)
                cell.fill = TOTAL_FILL
        cells[0].alignment = Alignment(horizontal="center" if is_total else "left", vertical="center")
    ws.freeze_panes = ws.cell(first + 2, lead + 1)
    ledger.landscape(ws, f"{first}:{first + 1}")
    ws.print_area = f"A1:{get_column_letter(lead + len(columns))}{r}"
    ws.page_setup.horizontalCentered = True
    return r


def _lines(cover: Cover, full: bool) -> list[str]:
    lines = [cover.period(), cover.unit_line()]
    if full:
        lines.append(cover.made_line())
        lines.append(cover.source_line())
    return lines


def workbook(stats: MediationStats, layout: Mapping[str, Any]) -> bytes:
    """The statistics workbook: summary by dispute type, by committee, by organisation type, by
    month, and the notes (definitions, org units, bundles included and missing)."""
    sheets = layout["sheets"]
    cover = stats.cover
    columns, detail = layout["columns"], layout.get("detail_columns") or layout["columns"]
    wb = Workbook()

    ws = ledger.first_sheet(wb, sheets["summary"]["name"])
    first = _cover_rows(ws, sheets["summary"].get("title", layout["title"]), _lines(cover, True), 1 + len(columns))
    last = _table(ws, layout, columns, first, sheets["summary"]["row_header"], [], stats.by_type, stats.total, 14)
    note = ws.cell(last + 2, 1, "注：统计口径、各项指标的含义和数据来源见“说明”表。数字均为数值，不含公式。")
    note.font = _font(size=9, color="5F6B7A")

    spec = sheets["committees"]
    ws = wb.create_sheet(spec["name"])
    extra = list(spec.get("extra_headers", []))
    first = _cover_rows(ws, spec.get("title", layout["title"]), _lines(cover, False), 1 + len(extra) + len(detail))
    _table(
        ws,
        layout,
        detail,
        first,
        spec["row_header"],
        extra,
        stats.by_committee,
        add(r.figures for r in stats.by_committee),
        30,
    )

    for key, rows, width in (("org_types", stats.by_org_type, 20), ("months", stats.by_month, 12)):
        spec = sheets[key]
        ws = wb.create_sheet(spec["name"])
        first = _cover_rows(ws, spec.get("title", layout["title"]), _lines(cover, False), 1 + len(detail))
        _table(ws, layout, detail, first, spec["row_header"], [], rows, add(r.figures for r in rows), width)

    _notes(wb.create_sheet(sheets["notes"]["name"]), sheets["notes"].get("title", "说明"), cover, layout)
    return ledger.to_bytes(wb)


def _notes(ws, title: str, cover: Cover, layout: Mapping[str, Any]) -> None:
    widths = (18, 16, 22, 18, 18, 18)
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    r = _cover_rows(ws, title, [cover.period(), cover.unit_line(), cover.made_line()], len(widths)) - 1

    def section(text: str) -> None:
        nonlocal r
        r += 1
        ws.cell(r, 1, text).font = _font(bold=True, size=11)
        r += 1

    def pair(name: str, text: str) -> None:
        nonlocal r
        ws.cell(r, 1, ledger.safe_text(name)).font = _font(bold=True)
        cell = ws.cell(r, 2, ledger.safe_text(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(widths))
        ws.cell(r, 1).alignment = Alignment(vertical="top")
        chars = sum(2 if ord(ch) > 255 else 1 for ch in text)
        ws.row_dimensions[r].height = 15 * (chars // sum(widths[1:]) + 1)
        r += 1

    section("一、统计范围")
    pair("填报单位", f"{cover.org_name}（{cover.org_code}），{cover.level_label}")
    pair("统计期间", f"{cover.date_from:%Y年%m月%d日} 至 {cover.date_to:%Y年%m月%d日}")
    pair("统计范围", cover.scope)
    pair("所含单位", "、".join(cover.units) or "—")
    pair("制表", f"{cover.made_by}，{cover.made_at:%Y-%m-%d %H:%M}")
    for text in cover.notes:
        pair("提示", text)

    section("二、数据来源（下级单位报送的数据包）")
    if cover.bundles is None:
        pair("数据来源", "本单位登记的案件；本单位没有登记报送数据包的下级单位。")
    else:
        heads = ("报送单位", "单位代码", "已包含的数据包", "缺少的数据包", "最新数据包生成时间", "最后导入时间")
        for j, text in enumerate(heads, start=1):
            _head(ws, r, j, text)
        for b in cover.bundles:
            r += 1
            values = (
                b.sender,
                b.org_code,
                b.included_text(),
                b.missing_text(),
                f"{b.last_created:%Y-%m-%d %H:%M}" if b.last_created else "—",
                f"{b.last_imported:%Y-%m-%d %H:%M}" if b.last_imported else "—",
            )
            for j, v in enumerate(values, start=1):
                cell = ws.cell(r, j, ledger.safe_text(v))
                cell.border = ledger.BORDER
                if j == 4 and v != "无":
                    cell.font = _font(color="B42318", bold=True)
        r += 1
        ws.cell(r, 1, "缺少的数据包中的案件没有计入本表；收到并导入后请重新生成。").font = _font(size=9, color="5F6B7A")
        r += 1

    section("三、指标说明")
    for name, text in layout.get("definitions", []):
        pair(name, text)
    ledger.landscape(ws)
    ws.print_area = f"A1:{get_column_letter(len(widths))}{r}"
