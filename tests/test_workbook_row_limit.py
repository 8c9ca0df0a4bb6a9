"""A workbook with more rows than an import reads is refused before any sheet is parsed (a sheet of
1,048,576 rows took 95-110 s and over 300 MB to be refused at row 200,000): by the dimension it
declares, or, when that lies, by a streamed count of its row elements. A lying dimension no longer
hides rows from the reader either. benchmarks/big_workbook.py measures the full-size case."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook

from xihu_desk.reports import case_ledger, ledger

COLUMNS = case_ledger.columns({"02": "邻里"})


def _workbook(rows: int, *, dimension: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["受理日期", "申请人", "被申请人", "纠纷类型"])
    for i in range(rows):
        ws.append(["2024-03-05", f"张{i}", f"李{i}", "邻里"])
    raw = io.BytesIO()
    wb.save(raw)
    if dimension is None:
        return raw.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), data)
            dst.writestr(item, data)
    return out.getvalue()


@pytest.fixture
def never_parsed(monkeypatch):  # noqa: ANN201
    def parse(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the workbook was parsed before its size was checked")

    monkeypatch.setattr(ledger, "load_workbook", parse)


def test_a_declared_million_rows_is_refused_without_parsing(never_parsed):
    data = _workbook(3, dimension="A1:D1048576")
    start = time.perf_counter()
    with pytest.raises(ledger.LedgerError, match="超过 200000 行.*1048576"):
        ledger.read(data, COLUMNS)
    assert time.perf_counter() - start < 1


def test_rows_beyond_the_limit_are_counted_even_when_the_dimension_lies(monkeypatch, never_parsed):
    monkeypatch.setattr(ledger, "MAX_ROWS", 500)
    data = _workbook(600, dimension="A1:D1")
    with pytest.raises(ledger.LedgerError, match="超过 500 行"):
        ledger.read(data, COLUMNS)


def test_a_single_far_row_counts_as_every_blank_row_before_it(monkeypatch, never_parsed):
    monkeypatch.setattr(ledger, "MAX_ROWS", 500)
    wb = Workbook()
    wb.active.append(["受理日期", "申请人", "被申请人", "纠纷类型"])
    wb.active.cell(900, 1, "2024-03-05")
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ledger.LedgerError, match="超过 500 行"):
        ledger.read(out.getvalue(), COLUMNS)


def test_within_the_limit_every_row_is_read_even_under_a_lying_dimension():
    book = ledger.read(_workbook(120, dimension="A1:D2"), COLUMNS)
    assert len(book.rows) == 120


def test_the_row_count_straddles_chunks(monkeypatch):
    monkeypatch.setattr(ledger, "_CHUNK", 97)  # every tag split across reads somewhere
    monkeypatch.setattr(ledger, "MAX_ROWS", 300)
    ledger.read(_workbook(299), COLUMNS)  # 300 rows with the header: accepted
    with pytest.raises(ledger.LedgerError, match="超过 300 行"):
        ledger.read(_workbook(300, dimension="A1:D1"), COLUMNS)


def test_too_many_cells_are_refused_before_parsing(monkeypatch, never_parsed):
    monkeypatch.setattr(ledger, "MAX_CELLS", 1000)
    wb = Workbook()
    wb.active.append(["受理日期", "申请人", "被申请人", "纠纷类型"])
    for i in range(40):
        wb.active.append(["2024-03-05", "张三", "李四", "邻里", *range(30)])  # blank-looking columns far right
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ledger.LedgerError, match="单元格超过 1000 个"):
        ledger.read(out.getvalue(), COLUMNS)
