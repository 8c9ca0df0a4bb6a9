"""以案定补 rule table edited in the form (issue 20's gap): the district saves a new version with its
valid_from (never a kept version, never back into a closed period), each wrong value refused in
one Chinese line naming the field; it goes down to a township in a real bundle, where it is
read-only; the command line shows the versions."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.test_cli import run
from tests.test_exchange import district, township  # noqa: F401 - fixtures
from xihu_desk.domain.errors import FieldError, PermissionDenied, UserError
from xihu_desk.services import subsidy, subsidy_rules_form
from xihu_desk.services.context import cli_actor


def _doc(**kw) -> dict:
    doc = {
        "version": "2027-1",
        "valid_from": "2027-01-01",
        "sample": False,
        "base": {"simple": 60, "ordinary": 120, "complex": 240, "major": 360, "very_major": 600},
        "written_agreement": 25,
        "judicial_confirmation": 50,
        "escalated": 30,
        "review_bands": [{"min_score": 90, "factor": 1.0}, {"min_score": 70, "factor": 0.8}],
        "cap_per_mediator": 2500,
        "excluded_sources": ["staff", "zhengfa"],
        "split": "lead",
        "lead_share": 0.7,
        "pay_failed": False,
        "failed_min_records": 2,
        "require_platform_code": True,
        "type_factor": {"01": 1.5},
    }
    doc.update(kw)
    return doc


def test_the_district_saves_a_new_version_and_it_goes_down_read_only(township, district, tmp_path):  # noqa: F811
    from xihu_desk.services import exchange as ex

    district.enrol(township)
    township.enrol(district)
    actor = cli_actor()
    with district.db.read() as s:
        before = subsidy_rules_form.rules_for_editing(s, actor)
    assert before["editable"] and before["versions"] == [] and before["rules"].sample  # the shipped 示例 table
    with district.db.write() as s:
        table = subsidy_rules_form.save_rules(s, actor, _doc())
    assert (table.version, table.base["ordinary"], table.lead_share) == ("2027-1", 12000, 0.7)
    with district.db.write() as s, pytest.raises(FieldError, match="已经有了") as refused:
        subsidy_rules_form.save_rules(s, actor, _doc(valid_from="2027-06-01"))
    assert refused.value.field == "version"
    (tmp_path / "d").mkdir()
    got = township.import_(ex.export_bundle(district.data, district.db, actor, tmp_path / "d", to="330106002").file)
    assert got.counts["refused"] == 0
    with township.db.read() as s:
        there = subsidy_rules_form.rules_for_editing(s, actor)
        in_force = subsidy.rules_in_force(s, date(2027, 3, 1))
        earlier = subsidy.rules_in_force(s, date(2026, 12, 31))
    assert (in_force.version, in_force.type_factor, in_force.require_platform_code) == ("2027-1", {"01": 1.5}, True)
    assert earlier.version != "2027-1"  # a period before valid_from keeps the table then in force
    assert not there["editable"] and "区司法局" in there["read_only_reason"]
    with township.db.write() as s, pytest.raises(PermissionDenied, match="区司法局"):
        subsidy_rules_form.save_rules(s, actor, _doc(version="2027-2"))


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"version": " "}, "version", "版本号"),
        ({"valid_from": ""}, "valid_from", "适用"),
        ({"base": {"ordinary": 0}}, "base", "基础金额"),
        ({"review_bands": [{"min_score": 80, "factor": 1}, {"min_score": 80, "factor": 0.5}]}, "review_bands", "重复"),
        ({"review_bands": [{"min_score": 120, "factor": 1}]}, "review_bands", "0 到 100"),
        ({"excluded_sources": ["nobody"]}, "excluded_sources", "来源"),
        ({"type_factor": {"zz": 1.2}}, "type_factor", "纠纷类型"),
    ],
)
def test_a_wrong_value_is_refused_naming_its_field(district, change, field, words):  # noqa: F811
    with district.db.write() as s, pytest.raises(FieldError, match=words) as refused:
        subsidy_rules_form.save_rules(s, cli_actor(), _doc(**change))
    assert refused.value.field == field


def test_amounts_out_of_range_are_refused_in_chinese(district):  # noqa: F811
    with district.db.write() as s, pytest.raises(UserError, match="系数"):
        subsidy_rules_form.save_rules(s, cli_actor(), _doc(type_factor={"01": 20}))


def test_a_new_version_never_reaches_back_into_a_closed_period(district):  # noqa: F811
    from datetime import datetime

    from xihu_desk.store.subsidy_models import SubsidyPeriod

    with district.db.write() as s:  # a sheet approved here up to the end of March 2027
        s.add(
            SubsidyPeriod(
                uuid="p-1",
                date_from=date(2027, 1, 1),
                date_to=date(2027, 3, 31),
                rules_version="2026-示例",
                total_fen=0,
                closed_at=datetime(2027, 4, 2, 9, 0),
                closed_by="区局",
            )
        )
    with district.db.write() as s, pytest.raises(FieldError, match="2027-03-31") as refused:
        subsidy_rules_form.save_rules(s, cli_actor(), _doc(valid_from="2027-03-01"))
    assert refused.value.field == "valid_from"
    with district.db.write() as s:
        subsidy_rules_form.save_rules(s, cli_actor(), _doc(valid_from="2027-04-01"))
    with district.db.read() as s:
        assert subsidy_rules_form.rules_for_editing(s, cli_actor())["closed_until"] == "2027-03-31"


def test_subsidy_show_rules_on_the_command_line(district, capsys):  # noqa: F811
    with district.db.write() as s:
        subsidy_rules_form.save_rules(s, cli_actor(), _doc())
    code, out, err = run(capsys, "subsidy", "--show-rules", "--data-dir", str(district.data.root), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert [v["version"] for v in doc["versions"]] == ["2027-1"] and doc["editable"] is True
    assert doc["rules"]["base"]["ordinary"] == 120 and doc["rules"]["lead_share"] == 0.7


def test_a_file_loaded_table_never_reaches_back_into_a_closed_period_either(district):  # noqa: F811
    from datetime import datetime

    from xihu_desk.store.subsidy_models import SubsidyPeriod

    with district.db.write() as s:
        s.add(
            SubsidyPeriod(
                uuid="p-2",
                date_from=date(2026, 1, 1),
                date_to=date(2026, 3, 31),
                rules_version="2026-示例",
                total_fen=0,
                closed_at=datetime(2026, 4, 2, 9, 0),
                closed_by="区局",
            )
        )
    toml = 'version = "f-1"\nvalid_from = 2026-02-01\n[base]\nordinary = 100\n'
    with district.db.write() as s, pytest.raises(UserError, match="2026-03-31"):
        subsidy.load_rules(s, cli_actor(), toml)
    with district.db.write() as s:
        assert subsidy.load_rules(s, cli_actor(), toml.replace("2026-02-01", "2026-04-01")).version == "f-1"
