"""人民调解工作统计表 as Excel: plain figures in, workbook bytes out.

The figures (``MediationStats``) are counts per dispute type, committee, organisation type and
month, computed by services/mediation_stats.py with SQL aggregates. What the sheets show, in
which order, under which headers and groups, with which widths and number formats, is a layout
read from resources/templates/mediation_stats.json (a copy in the data folder's templates/ wins),
because the district's official form may change; a column names a ``metric``: a base figure of
``METRICS`` or a derived one the layout defines (a ratio, a division).

Every sheet carries the cover block: what it covers (period, scope, org units), the counting rules
(``RULES``), when and by whom it was made, and where data from other offices came in bundles, which
bundles (sender, sequence) it includes and which are missing. The summary ends with the signature
block (单位负责人, 填表人, 报出日期, 盖章). Cells hold values, never formulas; the 合计 row is summed here.

Sheets, in order: 统计表, 按调委会, 按组织类型, 按月, 更正 (changes since earlier periods were
submitted), 报出情况 (which units submitted which period), then ``MediationStats.extra_sheets`` —
the place for other areas' figures: append an ``ExtraSheet`` there, it gets the cover block and
travels in a submission's snapshot like the rest — and 说明 last.

A submitted workbook is rebuilt byte for byte from its snapshot (``to_doc``/``from_doc``):
``workbook(..., fixed_at=...)`` stamps the file's own times from the snapshot (reports/stable_xlsx.py).
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
from xihu_desk.reports import ledger, stable_xlsx

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
# Counted by the accepted date (受理日期)
INTAKE = ("accepted", "source_apply", "source_initiative", "source_referral", *PREVENTION)
# Counted by the closing date (结案日期)
OUTCOMES = ("closed", "succeeded", "failed", "terminated", "written", "oral", "performed", "confirmed", "amount_fen")
# Cases open on a day: the day before the period (期初) and its last day (期末); never summed over months
STOCKS = ("carried", "open")
METRICS = (*INTAKE, *OUTCOMES, *STOCKS)
RULES = (
    "统计口径：受理件数、案件来源和预防数字按受理日期计入统计期间；调解成功、不成功、终止、书面协议、"
    "口头协议、履行、司法确认件数和协议金额按结案日期计入；期初在办、期末在办为期间开始前一日、期间最后一日"
    "已受理尚未结案的件数（期初在办＋受理＝结案＋期末在办）；已作废的案件不计入任何数字。"
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
        included = "；".join(f"{b.sender} {b.included_text()}" for b in self.bundles if b.sequences)
        if included:  # the bundles this report includes, named on its cover
            head += f"（{included}）"
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
class Correction:
    """A case whose figures changed after its period was submitted (报出): one 更正 line."""

    period: str  # 2026年1月, or 2026年01月01日至2026年03月31日
    submitted_on: date
    case_no: str
    metric: str
    before: int
    after: int


@dataclass
class Submission:
    """One unit's submitted period, as the district (or the unit itself) holds it."""

    org_name: str
    org_code: str
    date_from: date
    date_to: date
    submitted_at: datetime
    submitted_by: str
    accepted: int
    succeeded: int
    bundles: str  # the bundles the submitted figures included, as printed on its cover


@dataclass
class Signature:
    """The signature block: 单位负责人, 填表人, 报出日期 (blank lines to sign by hand until submitted)."""

    responsible: str = ""
    preparer: str = ""
    submitted_on: date | None = None


@dataclass
class ExtraSheet:
    """A sheet of figures another area adds (see the module's note)."""

    name: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class MediationStats:
    cover: Cover
    by_type: list[Row]
    by_committee: list[Row]
    by_org_type: list[Row]
    by_month: list[Row]
    stocks: dict[str, int] = field(default_factory=dict)  # the period's 期初/期末在办 (the month rows' ends)
    corrections: list[Correction] | None = None  # None: a scope that is not submitted (one committee)
    submissions: list[Submission] | None = None  # None: nothing submitted here or below yet
    extra_sheets: list[ExtraSheet] = field(default_factory=list)
    signature: Signature = field(default_factory=Signature)

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
    lines = [cover.period(), cover.unit_line(), RULES]
    if full:
        lines.append(cover.source_line())
        lines.append(cover.made_line())
    return lines


def _signature(ws, r: int, width: int, sig: Signature) -> int:
    """单位负责人 / 填表人 / 报出日期 and the place for the seal, under the table; returns the last row."""
    date_text = f"{sig.submitted_on:%Y年%m月%d日}" if sig.submitted_on else "　　　　年　　月　　日"
    parts = [
        f"单位负责人：{sig.responsible or '＿＿＿＿＿＿'}",
        f"填表人：{sig.preparer or '＿＿＿＿＿＿'}",
        f"报出日期：{date_text}",
    ]
    cell = ws.cell(r, 1, ledger.safe_text("　　　　".join(parts)))
    cell.font = _font(size=11)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=max(width, 1))
    ws.row_dimensions[r].height = 24
    seal = ws.cell(r + 1, 1, "（单位盖章）")
    seal.font = _font(size=11)
    seal.alignment = Alignment(horizontal="right", vertical="center")
    ws.merge_cells(start_row=r + 1, start_column=1, end_row=r + 1, end_column=max(width, 1))
    ws.row_dimensions[r + 1].height = 48  # room for the seal
    return r + 1


def workbook(stats: MediationStats, layout: Mapping[str, Any], *, fixed_at: datetime | None = None) -> bytes:
    """The statistics workbook: summary by dispute type, by committee, by organisation type, by
    month, the 更正 and 报出情况 sheets, other areas' sheets and the notes (definitions, org units,
    bundles included and missing). ``fixed_at`` stamps the file's own times (a submitted copy)."""
    sheets = layout["sheets"]
    cover = stats.cover
    columns, detail = layout["columns"], layout.get("detail_columns") or layout["columns"]
    wb = Workbook()

    ws = ledger.first_sheet(wb, sheets["summary"]["name"])
    first = _cover_rows(ws, sheets["summary"].get("title", layout["title"]), _lines(cover, True), 1 + len(columns))
    last = _table(ws, layout, columns, first, sheets["summary"]["row_header"], [], stats.by_type, stats.total, 14)
    r = last + 2
    if stats.corrections:
        periods = sorted({c.period for c in stats.corrections})
        text = f"更正：已报出的 {'、'.join(periods)} 的数字有 {len(stats.corrections)} 处变化，逐件列在“更正”表中。"
        cell = ws.cell(r, 1, ledger.safe_text(text))
        cell.font = _font(size=10, bold=True, color="B42318")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=1 + len(columns))
        r += 1
    note = ws.cell(r, 1, "注：各项指标的含义、统计范围和数据来源见“说明”表。")
    note.font = _font(size=9, color="5F6B7A")
    end = _signature(ws, r + 2, 1 + len(columns), stats.signature)
    ws.print_area = f"A1:{get_column_letter(1 + len(columns))}{end}"

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
        total = add(r.figures for r in rows)
        if key == "months" and stats.stocks:
            total.update(stats.stocks)  # 期初 of the first month, 期末 of the last: a stock is not summed
        _table(ws, layout, detail, first, spec["row_header"], [], rows, total, width)

    if stats.corrections is not None:
        _list_sheet(
            wb.create_sheet(sheets.get("corrections", {}).get("name", "更正")),
            sheets.get("corrections", {}).get("title", "已报出数字的更正"),
            cover,
            ["所属期间", "原报出日期", "案件编号", "项目", "原报", "现为", "增减"],
            [
                [
                    c.period,
                    f"{c.submitted_on:%Y-%m-%d}",
                    c.case_no,
                    _metric_label(layout, c.metric),
                    _shown(c.metric, c.before),
                    _shown(c.metric, c.after),
                    _shown(c.metric, c.after - c.before),
                ]
                for c in stats.corrections
            ],
            "已报出的各期数字在报出后没有变化。"
            if not stats.corrections
            else "这些期间报出后，其中案件又有补录、更正、作废或重新调解：原报出的数字保留不变，变化逐件列在此处；"
            "它们属于所列的原期间，不计入本表的本期数字。",
            (16, 12, 30, 14, 10, 10, 10),
        )
    if stats.submissions is not None:
        _list_sheet(
            wb.create_sheet(sheets.get("submissions", {}).get("name", "报出情况")),
            sheets.get("submissions", {}).get("title", "各单位报出情况"),
            cover,
            ["报出单位", "单位代码", "统计期间", "报出时间", "报出人", "受理件数", "调解成功件数", "所含数据包"],
            [
                [
                    s.org_name,
                    s.org_code,
                    f"{s.date_from:%Y-%m-%d} 至 {s.date_to:%Y-%m-%d}",
                    f"{s.submitted_at:%Y-%m-%d %H:%M}",
                    s.submitted_by,
                    s.accepted,
                    s.succeeded,
                    s.bundles,
                ]
                for s in stats.submissions
            ],
            "尚无单位报出与本期间有关的统计表。"
            if not stats.submissions
            else "与本统计期间有重叠的各期报出，按单位和期间排列。",
            (22, 12, 26, 16, 24, 9, 11, 30),
        )
    for extra_sheet in stats.extra_sheets:
        widths = tuple(max(10, min(40, 2 * len(h) + 4)) for h in extra_sheet.headers)
        _list_sheet(
            wb.create_sheet(extra_sheet.name),
            extra_sheet.title,
            cover,
            extra_sheet.headers,
            extra_sheet.rows,
            extra_sheet.note,
            widths,
        )

    _notes(wb.create_sheet(sheets["notes"]["name"]), sheets["notes"].get("title", "说明"), cover, layout)
    if fixed_at is not None:
        return stable_xlsx.to_bytes(wb, fixed_at)
    return ledger.to_bytes(wb)


def _metric_label(layout: Mapping[str, Any], metric: str) -> str:
    for col in [*layout.get("detail_columns", []), *layout.get("columns", [])]:
        if col.get("metric") == metric:
            return f"{col.get('group', '')}{col['header']}" if col.get("group") == "其中" else col["header"]
    return METRIC_NAMES.get(metric, metric)


METRIC_NAMES = {
    "accepted": "受理件数",
    "closed": "结案件数",
    "succeeded": "调解成功",
    "failed": "调解不成功",
    "terminated": "终止调解",
    "written": "书面协议",
    "oral": "口头协议",
    "performed": "履行件数",
    "confirmed": "司法确认件数",
    "amount_fen": "协议金额（元）",
    "source_apply": "来源：申请",
    "source_initiative": "来源：主动",
    "source_referral": "来源：委托移送",
    "prevent_criminal_cases": "防止民转刑（件）",
    "prevent_criminal_persons": "防止民转刑（人）",
    "prevent_petition_cases": "防止群体性上访（件）",
    "prevent_petition_persons": "防止群体性上访（人）",
    "prevent_suicide_cases": "防止因纠纷自杀（件）",
    "prevent_suicide_persons": "防止因纠纷自杀（人）",
    "prevent_fight_cases": "制止群体性械斗（件）",
    "prevent_fight_persons": "制止群体性械斗（人）",
}


def _shown(metric: str, value: int) -> float | int:
    """Money in 元 on the 更正 sheet (figures are kept in fen)."""
    return round(value / 100, 2) if metric == "amount_fen" else value


def _list_sheet(
    ws, title: str, cover: Cover, headers: list[str], rows: list[list[Any]], note: str, widths: tuple[int, ...]
) -> None:
    """A plain list under the cover block: headers, rows, a note."""
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    r = _cover_rows(ws, title, _lines(cover, False), len(headers))
    for j, text in enumerate(headers, start=1):
        _head(ws, r, j, text)
    ws.row_dimensions[r].height = 22
    for i, row in enumerate(rows, start=r + 1):
        for j, v in enumerate(row, start=1):
            cell = ws.cell(i, j, ledger.safe_text(v) if isinstance(v, str) else v)
            cell.border = ledger.BORDER
            cell.alignment = Alignment(vertical="center", horizontal="right" if isinstance(v, (int, float)) else "left")
            if isinstance(v, float):
                cell.number_format = "#,##0.00"
    last = r + len(rows)
    if note:
        cell = ws.cell(last + 2, 1, ledger.safe_text(note))
        cell.font = _font(size=9, color="5F6B7A")
    ledger.landscape(ws, f"{r}:{r}")
    ws.print_area = f"A1:{get_column_letter(len(headers))}{last + 2}"
    ws.page_setup.horizontalCentered = True


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

    section("二、统计口径")
    pair("计入期间", RULES.removeprefix("统计口径："))

    section("三、数据来源（下级单位报送的数据包）")
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

    section("四、指标说明")
    for name, text in layout.get("definitions", []):
        pair(name, text)
    ledger.landscape(ws)
    ws.print_area = f"A1:{get_column_letter(len(widths))}{r}"


# ---------------------------------------------------------------- the snapshot of a submitted period


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Span):
        return {"span": [value.first, value.last]}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def _back(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"datetime"}:
            return datetime.fromisoformat(value["datetime"])
        if set(value) == {"date"}:
            return date.fromisoformat(value["date"])
        if set(value) == {"span"}:
            return Span(*value["span"])
        return {k: _back(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_back(v) for v in value]
    return value


def to_doc(stats: MediationStats) -> dict[str, Any]:
    """Everything the workbook is made from, as JSON-ready values."""
    return _plain(stats)


def from_doc(doc: Mapping[str, Any]) -> MediationStats:
    d = _back(dict(doc))
    c = d["cover"]
    c["units"] = list(c["units"])
    if c["bundles"] is not None:
        c["bundles"] = [
            BundleLine(
                b["sender"],
                b["org_code"],
                tuple(b["sequences"]),
                tuple(b["missing"]),
                b["last_created"],
                b["last_imported"],
            )
            for b in c["bundles"]
        ]

    def rows(items: list[dict[str, Any]]) -> list[Row]:
        return [Row(r["label"], r["figures"], tuple(r["extra"])) for r in items]

    return MediationStats(
        Cover(**c),
        rows(d["by_type"]),
        rows(d["by_committee"]),
        rows(d["by_org_type"]),
        rows(d["by_month"]),
        stocks=d.get("stocks") or {},
        corrections=None if d.get("corrections") is None else [Correction(**x) for x in d["corrections"]],
        submissions=None if d.get("submissions") is None else [Submission(**x) for x in d["submissions"]],
        extra_sheets=[ExtraSheet(**x) for x in d.get("extra_sheets") or []],
        signature=Signature(**(d.get("signature") or {})),
    )
