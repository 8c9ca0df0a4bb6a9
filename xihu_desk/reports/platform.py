"""The provincial platform (浙里调 / 浙江解纷码) as workbooks: reading the platform's own export for
reconciliation, the result of a reconciliation, and the entry list of cases still to enter.

The platform changes its layout from time to time, so nothing about it is fixed here: its column
headings, the days a date may differ when a case is matched by its parties, and the entry list's
field order are in resources/templates/platform.json (a copy in the data folder's templates/ wins).
Headings are found by the same synonym reader as the ledgers (reports/ledger.py), and values are
read in the same forms (dates, amounts as typed, dispute types and outcomes in people's words).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from xihu_desk.paths import resources_dir
from xihu_desk.reports import case_ledger, ledger
from xihu_desk.reports.ledger import Column

LAYOUT_NAME = "platform.json"
# What a platform row is read as: the key -> (kind, width of the column in the result workbook).
FIELDS: dict[str, tuple[str, int]] = {
    "platform_code": ("text", 22),
    "applicant": ("text", 16),
    "respondent": ("text", 16),
    "accepted_on": ("date", 12),
    "dispute_type": ("choice", 14),
    "closed_on": ("date", 12),
    "outcome": ("choice", 12),
    "amount": ("amount", 14),
    "agreement_amount": ("amount", 14),
}
# The fields compared between a case and its platform row, with the names people know them by.
COMPARED = {
    "dispute_type": "纠纷类型",
    "accepted_on": "受理日期",
    "closed_on": "办结日期",
    "outcome": "调解结果",
    "amount": "涉及金额",
    "agreement_amount": "协议金额",
}


class LayoutError(ValueError):
    """The layout file cannot be used (the message names the file and the problem)."""


@dataclass(frozen=True)
class Layout:
    columns: dict[str, tuple[str, tuple[str, ...]]]  # key -> (header, synonyms)
    tolerance_days: int
    entry_columns: list[tuple[str, str]]  # (ledger key, platform's header), in the platform's order
    path: str = LAYOUT_NAME


def load_layout(override_dir: Path | None = None) -> Layout:
    """The shipped layout, or the data folder's copy when there is one."""
    candidates = ([override_dir / LAYOUT_NAME] if override_dir else []) + [resources_dir() / "templates" / LAYOUT_NAME]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise LayoutError(f"找不到平台对账格式文件 {LAYOUT_NAME}（安装不完整？）。")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LayoutError(f"平台对账格式文件 {path} 无法读取（{exc}），请改正或删除该文件。") from None
    return parse_layout(raw, str(path))


def parse_layout(raw: Any, path: str = LAYOUT_NAME) -> Layout:
    def bad(what: str) -> LayoutError:
        return LayoutError(f"平台对账格式文件 {path} 中{what}，请对照程序自带的 {LAYOUT_NAME} 改正。")

    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        raise bad("缺少 columns 一项")
    columns: dict[str, tuple[str, tuple[str, ...]]] = {}
    for key, spec in raw["columns"].items():
        if key not in FIELDS:
            raise bad(f"columns 中的“{key}”不是可对账的项目（可用：{'、'.join(FIELDS)}）")
        if not isinstance(spec, dict) or not isinstance(spec.get("header"), str) or not spec["header"].strip():
            raise bad(f"“{key}”缺少 header（列名）")
        synonyms = spec.get("synonyms", [])
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            raise bad(f"“{key}”的 synonyms 应为列名的列表")
        columns[key] = (spec["header"].strip(), tuple(s.strip() for s in synonyms if s.strip()))
    if "platform_code" not in columns:
        raise bad("columns 中没有 platform_code（平台案件编号）")
    days = raw.get("date_tolerance_days", 3)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 31:
        raise bad("date_tolerance_days 应为 0 到 31 的整数")
    entry = raw.get("entry_columns", [])
    if not isinstance(entry, list) or not entry:
        raise bad("entry_columns 应为录入清单各列的列表")
    known = {c.key for c in case_ledger.columns({})}
    entry_columns = []
    for item in entry:
        if not isinstance(item, dict) or item.get("key") not in known or not isinstance(item.get("header"), str):
            raise bad(
                f"entry_columns 中的 {json.dumps(item, ensure_ascii=False)[:60]} 不可用（key 取自案件台账的栏目）"
            )
        entry_columns.append((item["key"], item["header"]))
    return Layout(columns, days, entry_columns, path)


# ---------------------------------------------------------------- reading the platform's export


def _outcome(value: Any) -> str | None:
    """The platform's words for a result -> succeeded, failed, terminated or open."""
    text = ledger.normalise(value) if value is not None else ""
    if not text:
        return None
    words = {ledger.normalise(k): v for k, v in case_ledger.OUTCOME_WORDS.items()}
    words.update({"已办结": "succeeded", "办结": "succeeded", "受理": "open", "已受理": "open"})
    if text in words:
        return words[text]
    found = max(((len(w), c) for w, c in words.items() if len(w) >= 2 and w in text), default=None)
    if found is None:
        raise ValueError("无法识别的调解结果（可填：调解成功、调解不成功、终止调解、调解中）")
    return found[1]


def reader_columns(layout: Layout, dispute_labels: Mapping[str, str]) -> list[Column]:
    types = case_ledger.dispute_parser(dispute_labels)
    parsers = {"dispute_type": lambda v: (types(v) or (None,))[0], "outcome": _outcome}
    return [
        Column(
            key,
            header,
            synonyms,
            FIELDS[key][0],
            width=FIELDS[key][1],
            parse=parsers.get(key),
            number_format="#,##0.00" if FIELDS[key][0] == "amount" else "",
        )
        for key, (header, synonyms) in layout.columns.items()
    ]


@dataclass
class PlatformRow:
    sheet: str
    row: int
    values: dict[str, Any]  # key -> parsed value (None when blank or unreadable)
    present: frozenset[str]  # the keys the row's sheet has a column for
    problems: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return str(self.values.get("platform_code") or "")


def read_export(
    source: Path | str | bytes | IO[bytes], layout: Layout, dispute_labels: Mapping[str, str]
) -> tuple[list[PlatformRow], list[str]]:
    """The platform export's rows and the notes of the reader. ledger.LedgerError when the file
    cannot be read at all."""
    book = ledger.read(source, reader_columns(layout, dispute_labels))
    rows = []
    for r in book.rows:
        if any("合计行" in p.reason for p in r.problems):
            continue
        values = dict(r.values)
        rows.append(
            PlatformRow(
                r.sheet,
                r.row,
                values,
                frozenset(r.headers),
                [f"“{p.column}”{p.reason}" if p.column else p.reason for p in r.problems],
            )
        )
    return rows, list(book.notes)


# ---------------------------------------------------------------- writing


def _sheet(wb: Workbook, title: str, heading: str, lines: list[str], columns: list[Column], rows: list[dict]) -> None:
    ws = wb.create_sheet(title)
    first = ledger.title_rows(ws, heading, lines, len(columns))
    ledger.write_table(ws, columns, rows, first_row=first)
    ledger.landscape(ws, f"{first}:{first}")


def result_workbook(result: Mapping[str, Any], *, title: str, lines: list[str]) -> bytes:
    """The result of a reconciliation (the ``--json`` document) as a workbook, one sheet per list;
    every cell sealed by ledger.to_bytes (ID-shaped numbers masked, no formulas)."""
    wb = Workbook()
    ws = ledger.first_sheet(wb, "对账概要")
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    summary = [
        *lines,
        "",
        f"编号一致：{result['matched']} 件",
        f"本次关联：{result['linked']} 件",
        f"建议关联（待确认）：{len(result.get('proposals', []))} 件",
        f"仅本系统有（待录入平台）：{len(result['only_here'])} 件",
        f"仅平台有（待登记或说明）：{len(result['only_platform'])} 件",
        f"内容不一致：{len(result['mismatched'])} 项",
    ]
    for i, line in enumerate(summary, start=3):
        ws.cell(i, 1, line)
    ws.column_dimensions["A"].width = 80
    _sheet(
        wb,
        "仅本系统有",
        "仅本系统有的案件（请录入省平台）",
        ["以下案件在平台导出中找不到：尚未录入平台，或平台编号登记有误。"],
        [
            Column("case_no", "案件编号", width=36),
            Column("accepted_on", "受理日期", width=12),
            Column("applicant", "申请人", width=22),
            Column("respondent", "被申请人", width=22),
            Column("platform_code", "已登记的平台编号", width=22),
        ],
        [{**r, "accepted_on": _date(r["accepted_on"])} for r in result["only_here"]],
    )
    _sheet(
        wb,
        "仅平台有",
        "仅平台有的案件（请在本系统登记或说明）",
        ["行号为平台导出文件中的行。"],
        [
            Column("row", "行号", width=8),
            Column("platform_code", "平台案件编号", width=22),
            Column("applicant", "申请人", width=22),
            Column("respondent", "被申请人", width=22),
            Column("accepted_on", "受理日期", width=12),
        ],
        [{**r, "accepted_on": _date(r["accepted_on"])} for r in result["only_platform"]],
    )
    _sheet(
        wb,
        "内容不一致",
        "编号相同但内容不一致的项目",
        ["每行一项：以本系统的登记为准核对后，改正平台或本系统中错误的一方。"],
        [
            Column("case_no", "案件编号", width=36),
            Column("platform_code", "平台案件编号", width=22),
            Column("field_label", "项目", width=12),
            Column("here", "本系统", width=18),
            Column("platform", "平台", width=18),
        ],
        list(result["mismatched"]),
    )
    _sheet(
        wb,
        "建议关联",
        "按当事人和受理日期建议关联的案件",
        ["本系统中没有平台编号、当事人相同且受理日期相近的案件；确认后关联（命令行 --link 或“平台对账”中勾选）。"],
        [
            Column("row", "平台行号", width=10),
            Column("platform_code", "平台案件编号", width=22),
            Column("case_no", "案件编号", width=36),
            Column("applicant", "申请人", width=22),
            Column("accepted_on", "本系统受理日期", width=14),
            Column("platform_accepted_on", "平台受理日期", width=14),
            Column("linked", "已关联", width=8),
        ],
        [
            {**r, "accepted_on": _date(r["accepted_on"]), "platform_accepted_on": _date(r["platform_accepted_on"])}
            for r in result.get("proposals", [])
        ],
    )
    return ledger.to_bytes(wb)


def _date(value: Any) -> Any:
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def entry_workbook(
    rows: list[dict[str, Any]],
    layout: Layout,
    *,
    org_name: str,
    generated_at: datetime,
    generated_by: str,
    masked: bool,
) -> bytes:
    """平台录入清单: the cases still to enter, one row each, in the platform's field order."""
    columns = [Column(key, header, width=_entry_width(key)) for key, header in layout.entry_columns]
    id_note = "证件号码已遮蔽" if masked else "含完整证件号码（导出已记入审计日志），请妥善保管，录入后销毁"
    return ledger.write_ledger(
        [Column("index", "序号", width=6), *columns],
        [{**r, "index": i} for i, r in enumerate(rows, start=1)],
        title=f"{org_name}省平台录入清单",
        sheet="录入清单",
        reveal=not masked,
        lines=[
            f"尚未登记平台案件编号的案件共 {len(rows)} 件，按平台录入页面的顺序排列；录入后把平台编号填回案件或对账关联。",
            f"导出时间：{generated_at:%Y-%m-%d %H:%M}　导出人：{generated_by}　{id_note}。",
        ],
    )


def _entry_width(key: str) -> int:
    return next((c.width for c in case_ledger.columns({}) if c.key == key), 14)
