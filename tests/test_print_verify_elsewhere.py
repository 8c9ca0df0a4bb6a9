"""`print verify` at another office: a code this office cannot check is not called a forgery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import casekit
from xihu_desk import cli
from xihu_desk.paths import DataDir
from xihu_desk.services import cases, exchange, node, printing
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate


@pytest.fixture
def printed_at_township(data_dir, tmp_path):
    """A township case printed there, and a district that received it in a bundle."""
    township = migrate.open_database(data_dir).db
    head = casekit.head_actor(township)
    roster = casekit.roster(township, head)
    with township.write() as s:
        ref = cases.open_case(s, head, casekit.intake(township, roster))
        p = printing.print_document(s, head, "application", ref.uuid)
    district_data = DataDir(tmp_path / "district")
    district = migrate.open_database(district_data).db
    with district.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    with township.read() as s:
        township_key = exchange.export_key(s, cli_actor())
    with district.read() as s:
        district_key = exchange.export_key(s, cli_actor())
    with district.write() as s:
        exchange.enrol(s, cli_actor(), township_key)
    with township.write() as s:
        exchange.enrol(s, cli_actor(), district_key)
    (tmp_path / "out").mkdir()
    sent = exchange.export_bundle(data_dir, township, cli_actor(), tmp_path / "out")
    assert exchange.import_bundle(district_data, district, cli_actor(), sent.file).counts["accepted"] > 0
    yield township, district, district_data, p
    township.dispose()
    district.dispose()


def test_a_genuine_code_at_the_office_holding_a_copy_says_the_case_is_not_its_own(printed_at_township, capsys):
    township, district, district_data, p = printed_at_township
    with township.read() as s:
        assert printing.verify(s, cli_actor(), p.code).result == "match"
    with district.read() as s:
        v = printing.verify(s, cli_actor(), p.code)
    assert not v.ok and v.result == "elsewhere"
    assert "本单位无此案件" in v.message and "北山街道" in v.message and "伪造" not in v.message
    district.dispose()
    assert cli.main(["print", "verify", p.code, "--data-dir", str(district_data.root)]) == 1
    err = capsys.readouterr().err.strip()
    assert "本单位无此案件" in err and "伪造" not in err and "\n" not in err


def test_a_well_formed_code_for_no_case_here_says_so(printed_at_township):
    _township, district, _data, p = printed_at_township
    chars = p.code.replace("-", "")
    unknown = chars[0] + "ZZZZZZZZ" + chars[9:]
    with district.read() as s:
        v = printing.verify(s, cli_actor(), unknown)
    assert v.result == "unknown" and "本单位无此案件" in v.message and "伪造" not in v.message


def test_a_bad_mac_on_a_case_managed_here_is_still_a_possible_forgery(printed_at_township):
    township, _district, _data, p = printed_at_township
    chars = p.code.replace("-", "")
    forged = chars[:-1] + ("0" if chars[-1] != "0" else "1")
    with township.read() as s:
        v = printing.verify(s, cli_actor(), forged)
    assert v.result == "forged" and "伪造" in v.message
    with township.read() as s:
        doc = printing.verify(s, cli_actor(), p.code).as_json()
    assert json.loads(json.dumps(doc))["result"] == "match"


def test_the_json_of_an_elsewhere_code_names_the_result(printed_at_township, capsys):
    _township, district, district_data, p = printed_at_township
    district.dispose()
    assert cli.main(["print", "verify", p.code, "--json", "--data-dir", str(Path(district_data.root))]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["result"] == "elsewhere" and doc["ok"] is False
