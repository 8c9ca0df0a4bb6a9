"""A workbook of 1,048,576 rows (Excel's maximum) fed to the case-ledger reader: how long until it
is refused, and how much memory that takes (reliability.md §5, XL-BIG-01).

    .venv/bin/python benchmarks/big_workbook.py [ROWS] [--declared-small] [--wide]

The sheet XML is written directly (openpyxl would take minutes to write it). ``--declared-small``
writes a <dimension> that lies (A1:E1), so the refusal cannot lean on what the file declares;
``--wide`` fills every row out to Excel's last column (16,384 cells a row).
"""

from __future__ import annotations

import io
import resource
import sys
import time
import zipfile

from openpyxl.utils import get_column_letter

sys.path.insert(0, ".")

from xihu_desk.reports import case_ledger, ledger  # noqa: E402

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 '<Override PartName="/xl/workbook.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 '<Override PartName="/xl/worksheets/sheet1.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           'Target="worksheets/sheet1.xml"/></Relationships>')


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def build(rows: int, *, declared_small: bool = False, wide: bool = False) -> bytes:
    letters = [get_column_letter(j) for j in range(5, 16385)] if wide else []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            ref = "A1:E1" if declared_small else f"A1:E{rows}"
            sheet.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                         f'<dimension ref="{ref}"/><sheetData>').encode())
            head = "".join(_cell(f"{c}1", t) for c, t in zip("ABCD", ("受理日期", "申请人", "被申请人", "纠纷类型")))
            sheet.write(f'<row r="1">{head}</row>'.encode())
            chunk = []
            for r in range(2, rows + 1):
                more = "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in letters)
                chunk.append(f'<row r="{r}"><c r="A{r}"><v>45356</v></c>{_cell(f"B{r}", "张三")}'
                             f'{_cell(f"C{r}", "李四")}{_cell(f"D{r}", "邻里")}{more}</row>')
                if len(chunk) == (10 if wide else 10000):
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return out.getvalue()


def main() -> None:
    rows = int(next((a for a in sys.argv[1:] if a.isdigit()), 1_048_576))
    data = build(rows, declared_small="--declared-small" in sys.argv, wide="--wide" in sys.argv)
    print(f"{rows:,} rows: {len(data) / 1e6:.1f} MB as .xlsx")
    start = time.perf_counter()
    try:
        book = ledger.read(data, case_ledger.columns({"02": "邻里"}))
        outcome = f"read {len(book.rows):,} rows"
    except ledger.LedgerError as exc:
        outcome = f"refused: {exc}"
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{outcome}\n{took:.2f} s, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
