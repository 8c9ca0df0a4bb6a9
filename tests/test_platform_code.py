"""The provincial platform's case code (平台案件编号, issue 19): typed with the intake, unique when
present, set on a closed case, taken from a ledger column, shown by case list/show --json, and
carried upward in bundles."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests import casekit
from tests.test_exchange import district, pair, township  # noqa: F401 - fixtures
from xihu_desk import cli
from xihu_desk.domain.errors import FieldError
from xihu_desk.services import case_ledger, case_queries, cases, platform_codes
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent


def _case(db, **overrides):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        return head, roster, cases.open_case(s, head, casekit.intake(db, roster, **overrides))


def test_typed_code_is_kept_half_width_and_unique(db):
    head, roster, ref = _case(db, platform_code=" ＺＬＴ２０２６００１２ ")
    with db.read() as s:
        assert s.get_one(MediationCase, ref.uuid).platform_code == "ZLT20260012"
        assert case_queries.case_detail(s, head, ref.uuid)["platform_code"] == "ZLT20260012"
    with pytest.raises(FieldError) as err, db.write() as s:
        cases.open_case(s, head, casekit.intake(db, roster, platform_code="ZLT20260012"))
    assert err.value.field == "platform_code" and ref.case_no in err.value.message
    with db.write() as s:  # two cases without a code are no clash (NULL, not "")
        a = cases.open_case(s, head, casekit.intake(db, roster))
        b = cases.open_case(s, head, casekit.intake(db, roster, platform_code="   "))
        assert s.get_one(MediationCase, a.uuid).platform_code is None
        assert s.get_one(MediationCase, b.uuid).platform_code is None


def test_editing_the_intake_keeps_or_changes_the_code(db):
    head, roster, ref = _case(db, platform_code="P-1")
    with db.write() as s:
        cases.update_intake(s, head, ref.uuid, casekit.intake(db, roster, platform_code="P-2"))
    with db.read() as s:
        assert s.get_one(MediationCase, ref.uuid).platform_code == "P-2"


def test_a_closed_case_gets_its_code_as_a_new_audited_version(db):
    head, _roster, ref = _case(db)
    with db.write() as s:
        cases.record_notice(s, head, ref.uuid, date(2026, 3, 2), "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
        case = s.get_one(MediationCase, ref.uuid)
        assert case.status == "closed"
        version = case.version
    with db.write() as s:
        assert platform_codes.set_code(s, head, ref.uuid, "ZJ-9") == "ZJ-9"
    with db.read() as s:
        case = s.get_one(MediationCase, ref.uuid)
        assert case.platform_code == "ZJ-9" and case.version == version + 1
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert event.action == "case.platform_code" and "ZJ-9" in event.summary


def test_ledger_column_by_its_other_names(db, tmp_path):
    for heading in ("浙里调编号", "解纷码编号", "平台编号"):
        wb = Workbook()
        ws = wb.active
        ws.append(["受理日期", "申请人", "被申请人", "纠纷类型", heading])
        ws.append(["2024-05-01", f"甲{heading}", "乙", "邻里", f"{heading}-001"])
        ws.append(["2024-05-02", f"丙{heading}", "丁", "邻里", f"{heading}-001"])  # the same code again
        path = tmp_path / f"{heading}.xlsx"
        wb.save(path)
        with db.write() as s:
            report = case_ledger.import_ledger(s, cli_actor(), path)
        assert report.imported == 2
        warned = [p for p in report.problems if p.column == heading]
        assert len(warned) == 1 and warned[0].row == 3 and warned[0].imported and "已登记在案件" in warned[0].reason
        with db.read() as s:
            codes = set(s.scalars(select(MediationCase.platform_code).where(MediationCase.platform_code.like(heading + "%"))))
        assert codes == {f"{heading}-001"}


def test_case_list_and_show_json_give_the_code(capsys, data_dir, db):
    _head, _roster, ref = _case(db, platform_code="ZLT-77")
    db.dispose()
    assert cli.main(["case", "list", "--data-dir", str(data_dir.root), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["platform_code"] for c in listed["cases"]] == ["ZLT-77"]
    assert cli.main(["case", "show", ref.case_no, "--data-dir", str(data_dir.root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["platform_code"] == "ZLT-77"


def test_the_code_travels_in_bundles(pair, tmp_path):  # noqa: F811
    town, dist = pair
    with town.db.write() as s:
        uuid = s.scalar(select(MediationCase.uuid).where(MediationCase.status != "void").limit(1))
        platform_codes.set_code(s, cli_actor(), uuid, "ZLT-TRAVEL-1")
    out = tmp_path / "usb"
    out.mkdir()
    got = dist.import_(town.export(out).file)
    assert got.result == "applied" and got.counts.get("quarantined", 0) == 0
    with dist.db.read() as s:
        assert s.get_one(MediationCase, uuid).platform_code == "ZLT-TRAVEL-1"
