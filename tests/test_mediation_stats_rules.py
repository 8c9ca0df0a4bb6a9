"""The counting rules of the 人民调解工作统计表 (issue 19): intake by the accepted date, outcomes by
the closing date, 期初/期末在办 as stocks, void cases nowhere; every sheet states them and no sheet
carries a note meant for programmers."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from tests import casekit
from xihu_desk.domain.cases import Outcome
from xihu_desk.services import case_lifecycle, cases, mediation_stats
from xihu_desk.services.mediation_stats import StatsQuery


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def roster(db, head):
    return casekit.roster(db, head)


def _open(db, head, roster, accepted: date, **overrides) -> str:
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, accepted_on=accepted, **overrides))
        cases.record_notice(s, head, ref.uuid, accepted, "written")
        cases.add_record(s, head, ref.uuid, casekit.record(when=datetime.combine(accepted, datetime.min.time())))
    return ref.uuid


def _agree(db, head, uuid: str, on: date, amount_fen: int = 300000) -> None:
    with db.write() as s:
        cases.record_agreement(
            s, head, uuid, casekit.written_agreement(effective_on=on, performance_deadline=on, amount_fen=amount_fen)
        )


def plant(db, head, roster) -> dict[str, str]:
    """January and February 2026: A accepted in January, agreed in February; B accepted and failed in
    February; C accepted in February, still open; D accepted in February and voided; E accepted
    and agreed in January."""
    a = _open(db, head, roster, date(2026, 1, 20))
    _agree(db, head, a, date(2026, 2, 5), amount_fen=500000)
    b = _open(db, head, roster, date(2026, 2, 10), source="initiative")
    with db.write() as s:
        cases.close_without_agreement(s, head, b, Outcome.FAILED, date(2026, 2, 15), "双方分歧过大", routes_told=True)
    c = _open(db, head, roster, date(2026, 2, 20))
    d = _open(db, head, roster, date(2026, 2, 1))
    _agree(db, head, d, date(2026, 2, 3))
    with db.write() as s:
        case_lifecycle.void(s, head, d, "同一纠纷重复登记")
    e = _open(db, head, roster, date(2026, 1, 5))
    _agree(db, head, e, date(2026, 1, 9), amount_fen=100000)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def _total(db, head, first: date, last: date) -> dict[str, int]:
    with db.read() as s:
        return mediation_stats.compute(s, head, StatsQuery(first, last)).total


def test_intake_by_accepted_date_outcomes_by_closing_date_void_nowhere(db, head, roster):
    plant(db, head, roster)
    jan = _total(db, head, date(2026, 1, 1), date(2026, 1, 31))
    feb = _total(db, head, date(2026, 2, 1), date(2026, 2, 28))
    both = _total(db, head, date(2026, 1, 1), date(2026, 2, 28))
    # January: A and E came in; only E closed (A closed in February, so January does not count it).
    assert (jan["accepted"], jan["closed"], jan["succeeded"], jan["carried"], jan["open"]) == (2, 1, 1, 0, 1)
    assert jan["amount_fen"] == 100000 and jan["written"] == 1
    # February: B and C came in (D is void); A and B closed; A's amount is February's.
    assert (feb["accepted"], feb["closed"], feb["succeeded"], feb["failed"]) == (2, 2, 1, 1)
    assert (feb["carried"], feb["open"]) == (1, 1) and feb["amount_fen"] == 500000
    assert feb["source_initiative"] == 1 and feb["source_apply"] == 1
    # The two months together: flows add up, the stocks are the ends.
    for k in ("accepted", "closed", "succeeded", "failed", "amount_fen", "written", "source_apply"):
        assert both[k] == jan[k] + feb[k], k
    assert (both["carried"], both["open"]) == (jan["carried"], feb["open"])
    for t in (jan, feb, both):
        assert t["carried"] + t["accepted"] == t["closed"] + t["open"]


def test_every_sheet_states_the_rules_and_none_carries_a_program_note(db, head, roster):
    plant(db, head, roster)
    with db.read() as s:
        data = mediation_stats.workbook(s, head, StatsQuery(date(2026, 1, 1), date(2026, 2, 28)))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert any("按受理日期" in t and "按结案日期" in t and "作废" in t for t in texts), ws.title
        for t in texts:
            assert not any(word in t for word in ("domain.md", ".json", "templates/", "本程序的假定")), (ws.title, t)
    ws = wb["统计表"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("单位负责人：") and "填表人：" in t and "报出日期：" in t for t in texts)
    assert "（单位盖章）" in texts
    months = {r[0]: r for r in wb["按月"].iter_rows(values_only=True) if r[0] in ("2026年1月", "2026年2月", "合计")}
    assert len(months) == 3
