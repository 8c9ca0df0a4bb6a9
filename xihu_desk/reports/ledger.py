"""Excel ledgers (台账) in and out, for any kind of record: cases, reviews, mediators.

Reading an office's own workbook is the hard part, and it is generic here; a kind only declares
its columns (``Column``: the header we write, the headers people use for it, the kind of value).

- **Headers** are found, not assumed: the first rows of every sheet are scanned for the row that
  names the most known columns (title rows and merged banners above it are skipped). A header
  matches a column by its name or a synonym, ignoring spaces, full-width forms, ``*`` marks and
  bracketed notes such as （元） or (必填); a header that only contains a synonym matches too.
- **Values** are read in the forms people type: dates as Excel dates, Excel serial numbers,
  2025-3-1, 2025/3/1, 2025.3.1, 2025年3月1日, 20250301, 二〇二五年三月一日, 全角 digits;
  whole numbers as 3, "3", "３", "3条", "三"; yes/no as 是/否, 有/无, √/×, Y/N; amounts of money
  as 12000, "12,000元", "１２０００", "￥3,500.00", "1.2万", "一万二千", "壹万贰仟元整" (kept in fen).
- **Every non-blank row after the header is accounted for**: it comes back as a ``LedgerRow``
  whose problems say what could not be taken (refused) or what was dropped with a warning. The
  kind's importer then decides imported, duplicate or refused; ``ImportReport`` carries the
  counts and the problem list of design.md §10 (``ledger import --json``).
- **Unknown columns** can be kept (``read(..., keep_unknown=True)``): each row then carries the
  values of the headers that matched no column, so an importer can store them with the record.
- **Safety** (reliability.md §5): openpyxl parses through defusedxml (refused to run without it);
  the file's size, the zip's entries and unpacked size, the number of sheets, rows and columns
  are limited and a workbook over a limit is refused whole with a message saying which, the row
  count from a cheap pass over the sheets' XML before any sheet is parsed (``_check_sheets``).
- **What leaves** (every workbook any report or ledger writes, whatever the source of a value:
  typed, imported, received in a bundle): ``to_bytes`` passes every cell of every sheet through
  ``export_value`` just before saving. Text that begins with = + - @ tab CR or NUL gets a leading '
  so no spreadsheet takes it for a formula (``safe_text``; ``read`` takes that ' off again), control
  characters a workbook cannot hold are dropped, and any ID-shaped number anywhere in a cell is
  masked (domain/idnumber.mask_text) unless the export was asked with reveal by a role that may.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from xihu_desk.domain import idnumber

HEADER_SCAN_ROWS = 15
MIN_HEADER_MATCHES = 2
TOTAL_WORDS = ("合计", "小计", "总计")
KINDS = ("text", "date", "int", "bool", "choice", "amount")

# Limits of what an import reads (reliability.md §5, XL-BIG-01); a workbook over one is refused whole.
MAX_FILE_BYTES = 50 * 1024 * 1024  # the .xlsx as stored
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # all parts of the zip, as declared
MAX_ZIP_ENTRIES = 5000
MAX_RATIO = 200  # unpacked / packed of one large part: beyond it, a zip bomb
MAX_SHEETS = 50
MAX_ROWS = 200_000  # rows read in the whole workbook, blank ones included
MAX_COLUMNS = 200  # columns read per row; cells further right are not read (a note says so)
MAX_CELLS = 10_000_000  # cells in the whole workbook's XML (a reader parses every one, even those not read)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # what we write on export; also accepted on import
    synonyms: tuple[str, ...] = ()
    kind: str = "text"  # text, date, int, bool, choice
    required: bool = False
    choices: Mapping[str, str] = field(default_factory=dict)  # a spelling people use -> our code
    width: int = 14
    import_: bool = True  # False: written on export only (computed values such as the deadline)
    hint: str = ""  # what may be written, for the problem report (choices: the labels in force)
    parse: Callable[[Any], Any] | None = None  # a kind's own reading of the cell (raises ValueError)
    number_format: str = ""  # on export, for numeric cells (e.g. "#,##0.00")
    # Headers that do not say whose value it is (身份证号, 证件类型): such a column is taken by the
    # column of this family whose ``beside`` names the nearest recognised column on its left
    # (申请人 | 身份证号 | 被申请人 | 身份证号), else by the family's first column still free.
    generic: tuple[str, ...] = ()
    beside: str = ""

    def names(self) -> list[str]:
        return [self.header, *self.synonyms, *self.generic]


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None  # the header as written in the file
    value: Any
    reason: str
    imported: bool = False  # True: the row was taken, this value was left out or adjusted

    def as_json(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, int | float | str | bool):
            value = str(value)
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": value,
            "reason": self.reason,
            "imported": self.imported,
        }


@dataclass
class LedgerRow:
    sheet: str
    row: int  # 1-based, as Excel shows it
    values: dict[str, Any]  # column key -> parsed value (None when blank or unreadable)
    raw: dict[str, Any]  # column key -> the cell as found
    headers: dict[str, str]  # column key -> the header as written in the file
    problems: list[Problem] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # header -> value of columns matching none (keep_unknown)

    @property
    def refused(self) -> bool:
        return any(not p.imported for p in self.problems)

    def _column(self, key: str | None) -> str | None:
        """The sheet's heading for ``key``; a column the sheet lacks is named only when the caller
        gave its Chinese name, never by the program's internal key (closed_on)."""
        if not key:
            return None
        return self.headers.get(key) or (None if key.isascii() else key)

    def refuse(self, key: str | None, reason: str) -> None:
        self.problems.append(
            Problem(self.sheet, self.row, self._column(key), self.raw.get(key) if key else None, reason, False)
        )

    def warn(self, key: str | None, reason: str) -> None:
        self.problems.append(
            Problem(self.sheet, self.row, self._column(key), self.raw.get(key) if key else None, reason, True)
        )


@dataclass
class SheetInfo:
    name: str
    header_row: int | None
    columns: dict[str, str]  # key -> header text
    ignored: list[str]  # headers that matched no column
    data_rows: int = 0


@dataclass
class Ledger:
    rows: list[LedgerRow]
    sheets: list[SheetInfo]
    notes: list[str]


@dataclass
class ImportReport:
    """What an import did with every row (design.md §10)."""

    kind: str
    dry_run: bool = False
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    refused: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicate_rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheets: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # what the imported rows were given

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "problems": [p.as_json() for p in self.problems],
            "duplicate_rows": self.duplicate_rows,
            "notes": self.notes,
            "sheets": self.sheets,
        }

    def text(self) -> str:
        verb = "可导入" if self.dry_run else "已导入"
        lines = [f"共 {self.rows} 行：{verb} {self.imported} 行，重复 {self.duplicates} 行，未导入 {self.refused} 行。"]
        if self.dry_run:
            lines[0] = "（试导入，未保存）" + lines[0]
        lines += self.notes
        for p in self.problems:
            where = f"{p.sheet} 第 {p.row} 行" if p.row else p.sheet
            col = f"“{p.column}”" if p.column else ""
            lines.append(f"{where}{col}：{p.reason}" + ("（已导入）" if p.imported else ""))
        return "\n".join(lines)


# ---------------------------------------------------------------- text and headers


def normalise(text: Any) -> str:
    """Full-width to half-width, no spaces, lower case: the form headers and codes are compared in."""
    s = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", s).lower()


def _header_key(text: Any) -> str:
    s = normalise(text)
    s = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", s)  # (元) (必填) [yyyy-mm-dd]; NFKC made （） into ()
    return s.strip("*:：")


def match_headers(cells: Iterable[Any], columns: list[Column]) -> tuple[dict[int, Column], list[str]]:
    """Column index -> Column for one header row, and the non-blank headers that matched nothing.
    Exact names first; then headers that do not say whose value they hold, by position (see
    ``Column.generic``); then the longest name contained in a header; each column is used once."""
    names = [(c, _header_key(n)) for c in columns if c.import_ for n in c.names()]
    exact = [(c, _header_key(n)) for c in columns if c.import_ for n in (c.header, *c.synonyms)]
    cells = list(cells)
    found: dict[int, Column] = {}
    used: set[str] = set()
    for i, cell in enumerate(cells):
        key = _header_key(cell) if cell is not None else ""
        for col, name in exact:
            if key and key == name and col.key not in used:
                found[i] = col
                used.add(col.key)
                break
    for i, cell in enumerate(cells):
        key = _header_key(cell) if cell is not None else ""
        if not key or i in found:
            continue
        family = [c for c in columns if c.import_ and c.key not in used and key in {_header_key(g) for g in c.generic}]
        if not family:
            continue
        left = next((found[j] for j in range(i - 1, -1, -1) if j in found), None)
        side = (left.beside or left.key) if left else ""
        chosen = next((c for c in family if c.beside == side), family[0])
        found[i] = chosen
        used.add(chosen.key)
    for i, cell in enumerate(cells):
        key = _header_key(cell) if cell is not None else ""
        if not key or i in found:
            continue
        best = max(
            ((len(name), col) for col, name in names if col.key not in used and len(name) >= 2 and name in key),
            key=lambda t: t[0],
            default=None,
        )
        if best:
            found[i] = best[1]
            used.add(best[1].key)
    ignored = [str(c).strip() for i, c in enumerate(cells) if i not in found and c is not None and str(c).strip()]
    return found, ignored


# ---------------------------------------------------------------- values

_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?(?:[t ]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CN_DATE = re.compile(
    r"^([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]$"
)
_DATE_HINT = "无法识别的日期，请写成 2025-03-01、2025/3/1、2025.3.1 或 2025年3月1日"
EXCEL_SERIAL_RANGE = (367, 73051)  # 1901-01-01 … 2099-12-31


def chinese_small_number(text: str) -> int:
    """一 … 九十九 (十, 十二, 二十, 二十一): month and day numbers and counts of points."""
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        raise ValueError(text)
    if "十" not in text:
        if len(text) != 1:
            raise ValueError(text)
        return _DIGITS[text]
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        raise ValueError(text)
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def parse_date(value: Any) -> date | None:
    """A date in any of the forms of the module docstring; None for a blank cell; ValueError with
    the reason in Chinese otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(_DATE_HINT)
    if isinstance(value, int | float):
        low, high = EXCEL_SERIAL_RANGE
        if low <= value < high:
            return from_excel(value).date()
        raise ValueError(_DATE_HINT)
    text = normalise(value)
    if not text:
        return None
    for pattern in (_DATE, _COMPACT):
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            break
    else:
        m = _CN_DATE.match(str(value).strip().replace(" ", ""))
        if not m:
            raise ValueError(_DATE_HINT)
        y = int("".join(str(_DIGITS[ch]) for ch in m.group(1)))
        mo, d = chinese_small_number(m.group(2)), chinese_small_number(m.group(3))
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"不存在的日期：{y}年{mo}月{d}日") from None


def parse_int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("应为整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError("应为整数")
        number = int(value)
    else:
        text = normalise(value)
        if not text:
            return None
        text = re.sub(r"(条|件|个|项|处|天|日|人|次)$", "", text)
        if re.fullmatch(r"\d+(\.0+)?", text):
            number = int(float(text))
        else:
            try:
                number = chinese_small_number(text)
            except (ValueError, KeyError):
                raise ValueError("应为整数") from None
    if number < 0:
        raise ValueError("不能为负数")
    return number


_AMOUNT_WORDS = re.compile(r"^(人民币|rmb|cny|￥|¥|\$)|(元整|元|圆整|圆|整|rmb|cny)$")
_AMOUNT_HINT = "无法识别的金额，请写成 12000、12,000元 或 1.2万"


def parse_amount(value: Any) -> int | None:
    """An amount of money in yuan as people write it, returned in fen (no float money); None for a
    blank cell (or 无, -, /); ValueError with the reason otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(_AMOUNT_HINT)
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = normalise(value).replace(",", "").replace("，", "")
        if text in ("", "无", "-", "—", "/", "无金额"):
            return None
        for _ in range(2):  # 人民币…元整
            text = _AMOUNT_WORDS.sub("", text)
        scale = Decimal(1)
        if text.endswith("万"):
            text, scale = text[:-1], Decimal(10000)
        try:
            number = Decimal(text) * scale
        except InvalidOperation:
            try:
                import cn2an

                number = Decimal(str(cn2an.cn2an(text + ("万" if scale != 1 else ""), "smart")))
            except (ValueError, KeyError, IndexError, TypeError):
                raise ValueError(_AMOUNT_HINT) from None
    if not number.is_finite():
        raise ValueError(_AMOUNT_HINT)
    if number < 0:
        raise ValueError("金额不能为负数")
    if number > Decimal(10) ** 11:
        raise ValueError("金额过大，请核对（单位是元）")
    return int((number * 100).quantize(Decimal(1)))


_YES = {"是", "有", "√", "✓", "✔", "y", "yes", "1", "true", "已", "已开展", "已评估", "已咨询", "已论证", "对"}
_NO = {"否", "无", "×", "✗", "✘", "x", "n", "no", "0", "false", "未", "未开展", "未评估", "不", "没有", "-", "—", "/"}


def parse_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = normalise(value)
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError("应填“是”或“否”")


def parse_choice(value: Any, choices: Mapping[str, str], hint: str = "") -> str | None:
    if value is None:
        return None
    text = normalise(value)
    if not text:
        return None
    table = {normalise(k): v for k, v in choices.items()}
    if text in table:
        return table[text]
    stripped = re.sub(r"\(.*?\)", "", text)
    if stripped in table:
        return table[stripped]
    known = hint or "、".join(dict.fromkeys(k for k in choices if not k.isascii()))
    raise ValueError(f"不是可识别的取值（可填：{known}）")


def parse_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:].strip()  # our own export's guard against formulas (safe_text)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()  # user text keeps its full-width punctuation （2026）


def parse_cell(column: Column, value: Any) -> Any:
    if column.parse is not None:
        return column.parse(value)
    if column.kind == "amount":
        return parse_amount(value)
    if column.kind == "date":
        return parse_date(value)
    if column.kind == "int":
        return parse_int(value)
    if column.kind == "bool":
        return parse_bool(value)
    if column.kind == "choice":
        return parse_choice(value, column.choices, column.hint)
    return parse_text(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- reading


class LedgerError(ValueError):
    """The workbook as a whole cannot be read (not an .xlsx, over a limit, no recognisable header
    anywhere): nothing of it is imported."""


def require_defusedxml() -> None:
    """openpyxl guards against entity expansion (billion laughs) only when defusedxml is there;
    an import without it is refused rather than run unguarded (reliability.md §5)."""
    from openpyxl import xml as openpyxl_xml

    if not openpyxl_xml.DEFUSEDXML:
        raise LedgerError("缺少安全组件 defusedxml，为防止恶意 Excel 文件，导入已停止。请重新安装本程序。")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _too_big(size: int) -> LedgerError:
    return LedgerError(
        f"文件过大（{_mb(size)}），超过 {_mb(MAX_FILE_BYTES)} 的上限。请把台账按年份拆成几个文件分别导入。"
    )


def _check_zip(data: bytes) -> None:
    """Size limits on the .xlsx as a zip, before any part is unpacked (zip bombs)."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise LedgerError("无法读取该文件：请确认是 .xlsx 格式（旧的 .xls 请先用 Excel 另存为 .xlsx）。") from exc
    if len(infos) > MAX_ZIP_ENTRIES:
        raise LedgerError(
            f"该文件内部包含 {len(infos)} 个部件，超过 {MAX_ZIP_ENTRIES} 的上限，不像正常的台账，已拒绝导入。"
        )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise LedgerError(
            f"该文件解开后有 {_mb(unpacked)}，超过 {_mb(MAX_UNPACKED_BYTES)} 的上限。"
            "请把台账按年份拆成几个文件分别导入。"
        )
    for i in infos:
        if i.file_size > 10 * 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise LedgerError("该文件的压缩比异常（可能是恶意构造的“压缩炸弹”），已拒绝导入。")
    _check_rows(data, infos)


# A row element (with or without a namespace prefix) and its number, found in the raw XML without
# parsing it: plain byte counts, fast enough for hundreds of megabytes.
_ROW_OPENINGS = (b"<row ", b"<row>", b"<row/", b":row ", b":row>", b":row/")
_CELL_OPENINGS = (b"<c ", b"<c>", b"<c/", b":c ", b":c>", b":c/")
_ROW_NUMBER = re.compile(rb'row\s+r="(\d{1,10})"')
_DIMENSION = re.compile(
    rb'<(?:[A-Za-z_][\w.-]{0,15}:)?dimension\s+ref="\$?[A-Za-z]{0,3}\$?\d{0,10}:?\$?[A-Za-z]{0,3}\$?(\d{1,10})"'
)
_CHUNK = 4 << 20
_OVERLAP = 64  # longer than any of the patterns above


def _too_many_rows(where: str) -> LedgerError:
    return LedgerError(
        f"该文件超过 {MAX_ROWS} 行（含空行，{where}），超出一次导入的上限。请把台账按年份拆成几个文件分别导入。"
    )


def _rows_in(buf: bytes, end: int) -> tuple[int, int, int]:
    """Row and cell elements starting before ``end`` in ``buf``, and the highest row number among the last rows."""
    count = sum(buf.count(tag, 0, end + len(tag) - 1) for tag in _ROW_OPENINGS)
    cells = sum(buf.count(tag, 0, end + len(tag) - 1) for tag in _CELL_OPENINGS)
    at = buf.rfind(b'row r="', 0, end)
    last = _ROW_NUMBER.match(buf, at) if at >= 0 else None
    return count, cells, int(last.group(1)) if last else 0


def _check_rows(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook with more rows than an import reads before any sheet is parsed (parsing a
    sheet of a million rows takes minutes): the dimension a sheet declares, then a streamed count
    of the row elements and the highest row number in every part of the zip, chunk by chunk, so
    time stays at seconds and memory flat whatever the file claims. Blank rows in between count
    too (a reader walks them all), as in ``_read``."""
    total = cells = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in infos:
            if info.is_dir():
                continue
            count = highest = 0
            tail = b""
            try:
                with zf.open(info) as part:
                    first = True
                    while True:
                        chunk = part.read(_CHUNK)
                        buf = tail + chunk
                        if first:
                            first = False
                            declared = _DIMENSION.search(buf, 0, 65536)
                            if declared and int(declared.group(1)) > MAX_ROWS:
                                raise _too_many_rows(f"工作表声明的范围到第 {int(declared.group(1))} 行")
                        end = len(buf) if not chunk else len(buf) - _OVERLAP
                        found, in_chunk, last = _rows_in(buf, end)
                        count += found
                        cells += in_chunk
                        highest = max(highest, last)
                        if max(total + count, highest) > MAX_ROWS:
                            raise _too_many_rows(f"其中一张工作表有 {max(count, highest)} 行以上")
                        if cells > MAX_CELLS:
                            raise LedgerError(
                                f"该文件的单元格超过 {MAX_CELLS} 个，超出一次导入的上限（可能有大量空白列或行）。"
                                "请只保留台账所在的行和列，或按年份拆成几个文件分别导入。"
                            )
                        if not chunk:
                            break
                        tail = buf[end:]
            except LedgerError:
                raise
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError) as exc:
                raise LedgerError(
                    "无法读取该文件：请确认是 .xlsx 格式（旧的 .xls 请先用 Excel 另存为 .xlsx），且文件没有损坏。"
                ) from exc
            total += count


def _unreadable() -> tuple[type[BaseException], ...]:
    from openpyxl.utils.exceptions import InvalidFileException

    return (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        zlib.error,
        TypeError,
        AttributeError,
        IndexError,
        InvalidFileException,
    )


_UNREADABLE = _unreadable()


def _open(source: Path | str | bytes | IO[bytes]):
    require_defusedxml()
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise _too_big(size)
            data = path.read_bytes()
        except OSError as exc:
            raise LedgerError(f"无法打开文件 {path}：{exc.strerror or exc}") from None
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read(MAX_FILE_BYTES + 1)
    _check_zip(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _UNREADABLE as exc:
        raise LedgerError(
            "无法读取该 Excel 文件：请确认是 .xlsx 格式（旧的 .xls 请先用 Excel 另存为 .xlsx），且文件没有损坏。"
        ) from exc


def read(
    source: Path | str | bytes | IO[bytes],
    columns: list[Column],
    on_row: Callable[[int], None] | None = None,
    *,
    keep_unknown: bool = False,
) -> Ledger:
    """Every sheet with a recognisable header row; every non-blank row under it, parsed. A damaged
    workbook (also one found damaged half-way: sheets are parsed as they are read) or one over a
    limit raises LedgerError; the caller has imported nothing by then."""
    wb = _open(source)
    try:
        if len(wb.worksheets) > MAX_SHEETS:
            raise LedgerError(
                f"该文件有 {len(wb.worksheets)} 张工作表，超过 {MAX_SHEETS} 张的上限。请只保留台账所在的工作表。"
            )
        return _read(wb, columns, on_row, keep_unknown)
    except LedgerError:
        raise
    except _UNREADABLE as exc:
        raise LedgerError("Excel 文件内容已损坏或格式不正确，无法读取，没有导入任何内容。") from exc
    finally:
        wb.close()


def _read(wb, columns: list[Column], on_row: Callable[[int], None] | None, keep_unknown: bool) -> Ledger:
    rows: list[LedgerRow] = []
    sheets: list[SheetInfo] = []
    notes: list[str] = []
    scanned = 0
    for ws in wb.worksheets:
        wide = (getattr(ws, "max_column", 0) or 0) > MAX_COLUMNS
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # read every row, not only those of the range the file declares
        all_rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        head: list[tuple[Any, ...]] = []
        for values in all_rows:
            head.append(values)
            if len(head) >= HEADER_SCAN_ROWS:
                break
        scanned += len(head)
        best: tuple[int, int | None, dict[int, Column], list[str]] = (0, None, {}, [])
        for i, values in enumerate(head):
            mapping, ignored = match_headers(values, columns)
            if len(mapping) > best[0]:
                best = (len(mapping), i, mapping, ignored)
        n, header_index, mapping, ignored = best
        if n < MIN_HEADER_MATCHES or header_index is None:
            if any(not _blank(v) for r in head for v in r):
                notes.append(f"工作表“{ws.title}”中没有找到台账表头，整张表未导入。")
            sheets.append(SheetInfo(ws.title, None, {}, []))
            continue
        if wide:
            notes.append(f"工作表“{ws.title}”超过 {MAX_COLUMNS} 列，第 {MAX_COLUMNS} 列以右的内容未读取。")
        header_cells = head[header_index]
        info = SheetInfo(
            ws.title, header_index + 1, {c.key: str(header_cells[i]).strip() for i, c in mapping.items()}, ignored
        )
        sheets.append(info)
        unknown = (
            {i: str(v).strip() for i, v in enumerate(header_cells) if i not in mapping and not _blank(v)}
            if keep_unknown
            else {}
        )
        missing = [c for c in columns if c.required and c.import_ and c.key not in info.columns]
        header_keys = {_header_key(v) for v in header_cells if v is not None}

        def body() -> Iterable[tuple[int, tuple[Any, ...]]]:
            yield from enumerate(head[header_index + 1 :], start=header_index + 2)  # noqa: B023
            yield from enumerate(all_rows, start=len(head) + 1)  # noqa: B023

        for number, values in body():
            if number > len(head):
                scanned += 1
                if scanned > MAX_ROWS:
                    raise LedgerError(
                        f"该文件超过 {MAX_ROWS} 行（含空行），超出一次导入的上限。请把台账按年份拆成几个文件分别导入。"
                    )
            if values is None or all(_blank(v) for v in values):
                continue
            cells = {c.key: (values[i] if i < len(values) else None) for i, c in mapping.items()}
            texts = {_header_key(v) for v in values if not _blank(v)}
            if texts and texts <= header_keys and len(texts) >= MIN_HEADER_MATCHES:
                continue  # the header printed again on the next page
            info.data_rows += 1
            row = LedgerRow(ws.title, number, {}, cells, dict(info.columns))
            row.extra = {h: values[i] for i, h in unknown.items() if i < len(values) and not _blank(values[i])}
            first = next((str(v).strip() for v in values if not _blank(v)), "")
            if any(normalise(first).startswith(w) for w in TOTAL_WORDS) and sum(
                not _blank(v) for v in values
            ) <= 3 + len([v for v in values if isinstance(v, int | float)]):
                row.refuse(None, "合计行，不是台账记录，未导入")
                rows.append(row)
                continue
            for col in missing:
                row.refuse(None, f"台账中没有“{col.header}”列，无法导入")
            for i, col in mapping.items():
                value = values[i] if i < len(values) else None
                try:
                    parsed = parse_cell(col, value)
                except ValueError as exc:
                    parsed = None
                    if col.required:
                        row.refuse(col.key, str(exc))
                    else:
                        row.warn(col.key, f"{exc}；此项留空，其余内容已导入")
                else:
                    if col.required and (parsed is None or parsed == ""):
                        row.refuse(col.key, f"“{row.headers.get(col.key, col.header)}”不能为空")
                row.values[col.key] = parsed
            rows.append(row)
            if on_row:
                on_row(len(rows))
    if not any(s.header_row for s in sheets):
        raise LedgerError(
            "没有在任何工作表中找到台账表头（例如“"
            + "”“".join([c.header for c in columns if c.required] or [c.header for c in columns[:3]])
            + "”）。"
        )
    for info in sheets:
        if info.header_row and info.ignored:
            if keep_unknown:
                notes.append(
                    f"工作表“{info.name}”中以下列没有对应的字段，内容已随记录保存为“原台账其他信息”："
                    + "、".join(info.ignored)
                )
            else:
                notes.append(f"工作表“{info.name}”中未识别的列未导入：" + "、".join(info.ignored))
    return Ledger(rows, sheets, notes)


# ---------------------------------------------------------------- writing

THIN = Side(style="thin", color="9AA5B1")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DCE6F0")
DATE_FORMAT = "yyyy-mm-dd"


def safe_text(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula (= + - @ tab CR NUL at the start) gets a
    leading ' (OWASP CSV injection, reliability.md §5); control characters a workbook cannot hold
    (NUL, ESC ...) are dropped; numbers, also negative ones, stay numbers."""
    if isinstance(value, str):
        if value.startswith(FORMULA_START):
            value = "'" + value
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def export_value(value: Any, *, reveal: bool = False) -> Any:
    """The one form in which any value leaves in a workbook: ID-shaped numbers masked (unless
    ``reveal``), then made safe from formulas. Dates and ordinary numbers pass as they are."""
    if isinstance(value, str):
        return safe_text(value if reveal else idnumber.mask_text(value))
    if isinstance(value, int | float) and not isinstance(value, bool) and not reveal:
        return idnumber.mask_number(value)
    return value


def cell_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return safe_text(value)


def seal(wb: Workbook, *, reveal: bool = False) -> None:
    """Every cell of every sheet through ``export_value``, whichever writer put it there (a value a
    writer forgot to guard, a code received in a bundle, a cover line): the last step before saving."""
    for ws in wb.worksheets:
        # The cells that exist (iter_rows would create every blank one of the used range).
        for cell in list(ws._cells.values()):
            value = cell.value
            if value is None:
                continue
            out = export_value(value, reveal=reveal)
            if out is not value or cell.data_type == "f":
                cell.value = out


def write_table(ws, columns: list[Column], rows: Iterable[Mapping[str, Any]], *, first_row: int = 1) -> int:
    """A header row and the data rows with dates as real dates; returns the last row written."""
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(first_row, j, col.header)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = col.width
    r = first_row
    for r, row in enumerate(rows, start=first_row + 1):
        for j, col in enumerate(columns, start=1):
            value = cell_value(row.get(col.key))
            cell = ws.cell(r, j, value if value != "" else None)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=col.width >= 24)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif col.number_format and isinstance(value, int | float):
                cell.number_format = col.number_format
    ws.freeze_panes = ws.cell(first_row + 1, 1)
    if r > first_row:
        ws.auto_filter.ref = f"A{first_row}:{get_column_letter(len(columns))}{r}"
    return r


def title_rows(ws, title: str, lines: list[str], width: int) -> int:
    """A bold title across the table and the lines that say what it covers; returns the next row."""
    ws.cell(1, 1, safe_text(title)).font = Font(bold=True, size=14)
    # Centred over the first page's columns: a wide register would put it off the printed page.
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(min(width, 6), 1))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for i, line in enumerate(lines, start=2):
        ws.cell(i, 1, safe_text(line))
    return len(lines) + 3


def landscape(ws, repeat_rows: str | None = None, *, fit: bool = True, repeat_cols: str | None = None) -> None:
    """A4 landscape; ``fit`` squeezes the width onto one page (a wide register instead runs on over
    pages at 85 % with its first columns and header repeated, so it stays readable)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if fit:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = 85
    if repeat_rows:
        ws.print_title_rows = repeat_rows
    if repeat_cols:
        ws.print_title_cols = repeat_cols


def to_bytes(wb: Workbook, *, reveal: bool = False) -> bytes:
    """The workbook as .xlsx bytes, every cell sealed (``seal``): the only way a workbook is saved."""
    seal(wb, reveal=reveal)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def first_sheet(wb: Workbook, title: str) -> Worksheet:
    """The sheet a new workbook starts with, named ``title``."""
    ws = wb.active
    if not isinstance(ws, Worksheet):  # openpyxl types ``active`` loosely; a new workbook's is a Worksheet
        raise TypeError("a new workbook without its worksheet")
    ws.title = title
    return ws


def write_ledger(
    columns: list[Column],
    rows: Iterable[Mapping[str, Any]],
    *,
    title: str,
    lines: list[str],
    sheet: str = "台账",
    reveal: bool = False,
) -> bytes:
    """The register as an office keeps it: a title, what it covers, one row per record. The header
    row uses the names ``read`` accepts, so an exported ledger imports again."""
    wb = Workbook()
    ws = first_sheet(wb, sheet)
    first = title_rows(ws, title, lines, len(columns))
    last = write_table(ws, columns, rows, first_row=first)
    wide = sum(c.width for c in columns) > 200
    landscape(ws, f"{first}:{first}", fit=not wide, repeat_cols="A:C" if wide else None)
    ws.print_area = f"A1:{get_column_letter(len(columns))}{last}"
    return to_bytes(wb, reveal=reveal)


PROBLEM_COLUMNS = [
    Column("sheet", "工作表", width=14),
    Column("row", "行号", width=8),
    Column("column", "列", width=16),
    Column("value", "原值", width=22),
    Column("reason", "问题", width=48),
    Column("imported", "该行是否已导入", width=14),
]


def problems_workbook(report: ImportReport, source_name: str) -> bytes:
    """The 问题清单 of an import, so an office can correct its ledger and import the rest again."""
    rows = [{**p.as_json(), "value": p.as_json()["value"]} for p in report.problems]
    return write_ledger(
        PROBLEM_COLUMNS,
        rows,
        title="台账导入问题清单",
        sheet="问题清单",
        lines=[f"文件：{source_name}", report.text().splitlines()[0]],
    )
