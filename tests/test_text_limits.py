"""Free-text fields have a limit too (issue 17): a 30,000-character 协议条款 or an over-long 案情 is
refused with the case and the field named, before anything is written, on both backends; from
the command line, a correction and an Excel ledger row alike (store/lengths.TEXT_LIMITS)."""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import pkgutil
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import String, func, select

from tests import casekit
from xihu_desk import cli
from xihu_desk.domain.errors import FieldError
from xihu_desk.services import cases
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store import lengths

SAMPLE = Path(__file__).parent / "data" / "sample-ledger-cases.xlsx"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def test_every_limit_names_a_free_text_column():
    import xihu_desk.store as store
    from xihu_desk.store.base import Base

    for module in pkgutil.iter_modules(store.__path__):
        if module.name.endswith("models"):
            importlib.import_module(f"xihu_desk.store.{module.name}")
    free = {(m.local_table.name, c.name) for m in Base.registry.mappers for c in m.local_table.columns
            if isinstance(c.type, String) and not c.type.length}
    assert set(lengths.TEXT_LIMITS) <= free
    assert lengths.TEXT_LIMITS[("agreement", "clauses")] == 5_000
    assert lengths.TEXT_LIMITS[("agreement", "facts")] == 10_000


@pytest.fixture
def case(db):
    """An open case (北山), made through the services; the database closed for the command line."""
    head = casekit.head_actor(db)
    team = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, team))
    db.dispose()
    return ref


def test_a_30000_character_clause_is_refused_naming_the_case_and_nothing_is_saved(capsys, data_dir, case):
    home = ["--data-dir", str(data_dir.root)]
    code, _out, err = _run(capsys, "case", "draft-agreement", case.case_no, "--clause", "甲" * 30_000,
                           "--method", "现金", *home)
    assert code == 1, err
    line = err.strip()
    assert "\n" not in line and case.case_no in line and "协议条款" in line and "30000" in line and "5000" in line, err
    code, out, err = _run(capsys, "case", "show", case.case_no, "--json", *home)
    assert code == 0 and json.loads(out)["agreement_draft"] is None, err
    # the clauses together, not the JSON around them: 5,000 characters in two clauses are taken
    code, _out, err = _run(capsys, "case", "draft-agreement", case.case_no, "--clause", "乙" * 2_500, "--clause",
                           "丙" * 2_500, "--method", "现金", *home)
    assert code == 0, err
    code, _out, err = _run(capsys, "case", "draft-agreement", case.case_no, "--clause", "一方赔偿", "--method", "现金",
                           "--facts", "事" * 10_001, *home)
    assert code == 1 and "纠纷主要事实" in err and "10000" in err, err


def test_intake_and_records_over_the_limit_are_refused_and_write_nothing(db):
    head = casekit.head_actor(db)
    team = casekit.roster(db, head)
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(MediationCase))
    with pytest.raises(FieldError, match=r"纠纷简要情况.*10001 字，最多 10000 字") as refused, db.write() as s:
        cases.open_case(s, head, casekit.intake(db, team, summary="情" * 10_001))
    assert refused.value.field == "summary"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediationCase)) == before
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, team, summary="情" * 10_000))  # the limit itself is taken
    long_record = dataclasses.replace(casekit.record(kind="investigation"), body="录" * 20_001)
    with pytest.raises(FieldError, match=f"案件“{re.escape(ref.case_no)}”.*记录内容"), db.write() as s:
        cases.add_record(s, head, ref.uuid, long_record)


def test_an_excel_row_over_the_limit_is_a_problem_and_the_others_are_imported(capsys, data_dir, tmp_path):
    book = openpyxl.load_workbook(SAMPLE)
    sheet = book.worksheets[0]
    heading = [c.value for c in sheet[2]]
    sheet.cell(row=3, column=heading.index("纠纷简要情况") + 1, value="情" * 10_001)
    path = tmp_path / "台账.xlsx"
    book.save(path)
    code, out, err = _run(capsys, "ledger", "import", str(path), "--json", "--data-dir", str(data_dir.root))
    assert code == 0, err
    doc = json.loads(out)
    refused = [p for p in doc["problems"] if not p["imported"]]
    assert len(refused) == 1 and refused[0]["row"] == 3 and "纠纷简要情况" in refused[0]["reason"], refused
    assert doc["imported"] + doc["duplicates"] == doc["rows"] - 1
