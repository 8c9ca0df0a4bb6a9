"""字号 unique in the district (issue 11, “Two cases, one number”): every committee's abbreviation
in its case numbers is unique, checked when a committee is added and when one arrives in a bundle;
numbers issued before stay as they were, and a number several cases carry is refused by name."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests import anydb, casekit
from xihu_desk import cli, paths
from xihu_desk.domain import committee_codes as rules
from xihu_desk.domain.errors import FieldError
from xihu_desk.paths import DataDir
from xihu_desk.services import cases, committees, demo, exchange, node
from xihu_desk.services.context import cli_actor
from xihu_desk.services.demo_mediation import communities
from xihu_desk.store import migrate
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import Committee, Meta, OrgUnit

YEAR = 2025


def _reference_units() -> list[dict]:
    data = json.loads((paths.reference_dir() / "org_units.json").read_text(encoding="utf-8"))
    return [u for u in data["units"] if u["kind"] in ("street", "town")]


def test_default_code_drops_the_street_and_keeps_community_or_village():
    assert rules.default_code("北山街道人民调解委员会", "北山街道", "北山", "street", set()) == "北山"
    assert rules.default_code("北山街道北山社区人民调解委员会", "北山街道", "北山", "community", {"北山"}) == "北山社区"
    assert rules.default_code("三墩镇绿汀路村人民调解委员会", "三墩镇", "三墩", "village", set()) == "绿汀路村"
    # the plain default is taken (a 桂花社区 in another street): the street's 字号 goes in front
    assert rules.default_code("西溪街道桂花社区人民调解委员会", "西溪街道", "西溪", "community", {"桂花社区"}) == "西溪桂花社区"
    assert rules.default_code("西溪街道桂花社区人民调解委员会", "西溪街道", "西溪", "community",
                              {"桂花社区", "西溪桂花社区"}) == "桂花社区2"
    # a street's trade committee: every street may have one, so the street's 字号 leads
    assert rules.default_code("北山街道物业纠纷人民调解委员会", "北山街道", "北山", "other", set()) == "北山物业纠纷"
    assert rules.default_code("北山物业纠纷人民调解委员会", "", "北山", "other", set()) == "北山物业纠纷"
    assert rules.problem("北山") is None
    for bad in ("", "北山（社区）", "北 山"[:1] + "!", "一二三四五六七八九十一", "北山人调字"):
        assert rules.problem(bad), bad
    assert rules.normalise(" 北山 社区 ") == "北山社区" and rules.normalise("ＡＢ１") == "AB1"


def test_every_committee_of_every_street_and_town_issues_numbers_no_other_does(db):
    """Each street's and town's own committee, a community named like its street (the clash of
    the issue) and two more communities, all with the default 字号, a case in each."""
    head = casekit.head_actor(db)
    admin = cli_actor()
    made = []
    with db.write() as s:
        for i, unit in enumerate(_reference_units()):
            org = s.get(OrgUnit, unit["code"])
            made.append(committees.ensure_own_committee(s, admin, org))
            for word in (org.short_name, demo.COMMUNITY_WORDS[2 * i], demo.COMMUNITY_WORDS[2 * i + 1]):
                made.append(committees.create_committee(s, admin, committees.CommitteeCommand(
                    f"{org.name}{word}社区人民调解委员会", "", org.code, "community")))
    codes = {c.name: c.short_name for c in made}
    assert len(set(codes.values())) == len(made) == 12 * 4
    assert codes["北山街道人民调解委员会"] == "北山" and codes["北山街道北山社区人民调解委员会"] == "北山社区"
    assert codes["留下街道人民调解委员会"] == "留下" and codes["留下街道留下社区人民调解委员会"] == "留下社区"
    mediator = casekit.roster(db, head, names=("郑调解",))
    with db.write() as s:
        for c in made:  # the first number of each committee: the one that came out twice before
            cases.open_case(s, head, casekit.intake(db, mediator, committee_uuid=c.uuid, accepted_on=date(YEAR, 3, 2)))
    with db.read() as s:
        numbers = list(s.scalars(select(MediationCase.case_no)))
    assert len(numbers) == len(made)
    assert [n for n, k in Counter(numbers).items() if k > 1] == []
    assert f"（{YEAR}）北山人调字第0001号" in numbers and f"（{YEAR}）北山社区人调字第0001号" in numbers


def test_demo_on_beishan_gives_each_community_its_own_code(db):
    with db.write() as s:  # the demo's committees are communities of 北山街道 itself (issue 14)
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=164, committees=2, mediators=2, cases=30,
                                                   today=date(2026, 11, 20)))
    with db.read() as s:
        codes = dict(s.execute(select(Committee.name, Committee.short_name)).all())
        numbers = list(s.scalars(select(MediationCase.case_no)))
    assert codes.pop("北山街道人民调解委员会") == "北山" and len(codes) == 2
    assert codes == {f"北山街道{c}人民调解委员会": c for c in codes.values()}
    assert set(codes.values()) <= set(communities("330106002"))
    assert len(numbers) == 30 and len(set(numbers)) == 30


def test_adding_a_committee_whose_code_clashes_is_refused_naming_the_other(db):
    admin = cli_actor()
    community = "北山街道北山社区人民调解委员会"
    with db.write() as s, pytest.raises(FieldError) as here:
        committees.create_committee(s, admin, committees.CommitteeCommand(community, "北山", "330106002", "community"))
    assert here.value.field == "short_name"
    assert "北山街道人民调解委员会" in here.value.message and "“北山社区”" in here.value.message
    # 西溪街道's committee is not on this node, yet its 字号 is kept for it by the reference list
    with db.write() as s, pytest.raises(FieldError, match="西溪街道人民调解委员会"):
        committees.create_committee(s, admin, committees.CommitteeCommand(community, "西溪", "330106002", "community"))
    with db.write() as s:
        made = committees.create_committee(s, admin, committees.CommitteeCommand(community, "", "330106002", "community"))
    assert made.short_name == "北山社区"
    with db.write() as s, pytest.raises(FieldError, match=f"“{community}”使用"):
        committees.create_committee(s, admin, committees.CommitteeCommand(
            "北山街道玉泉社区人民调解委员会", "北山社区", "330106002", "community"))
    with db.write() as s, pytest.raises(FieldError, match="标点"):
        committees.create_committee(s, admin, committees.CommitteeCommand(
            "北山街道玉泉社区人民调解委员会", "玉泉(社区)", "330106002", "community"))
    with db.read() as s:  # nothing was written by the refusals
        assert s.scalar(select(Committee.short_name).where(Committee.name == "北山街道玉泉社区人民调解委员会")) is None


def test_only_the_committee_s_own_node_numbers_its_cases(db):
    head = casekit.head_actor(db)
    mediator = casekit.roster(db, head, names=("郑调解",))
    with db.write() as s:
        other = committees.create_committee(s, cli_actor(), committees.CommitteeCommand(
            "北山街道玉泉社区人民调解委员会", "", "330106002", "community"))
        s.get(Committee, other.uuid).owner_node = "a-community-point"  # a copy received from a point
    with db.write() as s, pytest.raises(FieldError, match="其他单位管理"):
        cases.open_case(s, head, casekit.intake(db, mediator, committee_uuid=other.uuid))


def _legacy(data: DataDir) -> dict[str, str]:
    """Turns a fresh node's database into one made before 字号 were unique: the street committee
    and 北山社区's both 北山, each with case （2025）北山人调字第0001号, and a copy of a point's
    committee that also says 北山."""
    opened = migrate.open_database(data)
    db = opened.db
    head = casekit.head_actor(db)
    mediator = casekit.roster(db, head, names=("郑调解",))
    with db.write() as s:
        community = committees.create_committee(s, cli_actor(), committees.CommitteeCommand(
            "北山街道北山社区人民调解委员会", "", "330106002", "community")).uuid
        copy = committees.create_committee(s, cli_actor(), committees.CommitteeCommand(
            "北山街道玉泉社区人民调解委员会", "", "330106002", "community")).uuid
    uuids = {}
    for key, committee, day in (("street", casekit.committee_uuid(db), 3), ("community", community, 9)):
        with db.write() as s:
            uuids[key] = cases.open_case(s, head, casekit.intake(db, mediator, committee_uuid=committee,
                                                                 accepted_on=date(YEAR, 3, day))).uuid
    db.dispose()
    with anydb.cursor(data) as conn:
        conn.execute("DROP INDEX ix_committee_short_name")
        conn.execute("DROP TABLE ref_committee_code")
        conn.execute("DELETE FROM meta WHERE key = 'reference.committee_codes'")
        conn.execute("DELETE FROM alembic_version WHERE version_num = '0007'")
        conn.execute("UPDATE committee SET short_name = '北山' WHERE uuid IN (?, ?)", (community, copy))
        conn.execute("UPDATE committee SET owner_node = 'a-community-point' WHERE uuid = ?", (copy,))
        conn.execute("UPDATE mediation_case SET case_no = ? WHERE uuid = ?", (f"（{YEAR}）北山人调字第0001号", uuids["community"]))
    return {**uuids, "community_committee": community, "copy": copy}


def test_an_old_database_with_one_number_twice_is_migrated_and_stays_usable(data_dir, capsys):
    ids = _legacy(data_dir)
    opened = migrate.open_database(data_dir)
    db = opened.db
    try:
        assert opened.migrated_from is not None and opened.backup is not None
        number = f"（{YEAR}）北山人调字第0001号"
        with db.read() as s:
            codes = {c.uuid: (c.name, c.short_name, c.version) for c in s.scalars(select(Committee))}
            kept = {c: s.get(MediationCase, ids[c]).case_no for c in ("street", "community")}
            renamed = json.loads(s.get(Meta, "committee_codes.renamed").value)
            with pytest.raises(cases.AmbiguousCaseNumber) as twice:
                cases.find_case_uuid(s, number)
            assert cases.find_case_uuid(s, ids["community"]) == ids["community"]
            with pytest.raises(cases.AmbiguousCaseNumber):  # typed with half-width parentheses
                cases.find_case_uuid(s, number.replace("（", "(").replace("）", ")"))
        # the street keeps 北山; the community and the copy get their own; the owned one a new version
        assert codes[casekit.committee_uuid(db)][1] == "北山"
        assert codes[ids["community_committee"]][1:] == ("北山社区", 2)
        assert codes[ids["copy"]][1:] == ("玉泉社区", 1)
        assert {r["new"] for r in renamed} == {"北山社区", "玉泉社区"}
        # numbers already issued are not rewritten
        assert kept == {"street": number, "community": number}
        assert {c["uuid"] for c in twice.value.candidates} == {ids["street"], ids["community"]}
        assert {c["committee"] for c in twice.value.candidates} == {"北山街道人民调解委员会", "北山街道北山社区人民调解委员会"}
        # new cases: the community's next number under its new 字号, never a number already on a case
        head = casekit.head_actor(db)
        mediator = casekit.roster(db, head, names=("钱调解",))
        with db.write() as s:
            new = cases.open_case(s, head, casekit.intake(db, mediator, committee_uuid=ids["community_committee"],
                                                          accepted_on=date(YEAR, 5, 6)))
            again = cases.open_case(s, head, casekit.intake(db, mediator, accepted_on=date(YEAR, 5, 6)))
        assert new.case_no == f"（{YEAR}）北山社区人调字第0002号"
        assert again.case_no == f"（{YEAR}）北山人调字第0002号"
    finally:
        db.dispose()
    # case show and print refuse the ambiguous number, listing committee, date and uuid of each
    home = str(data_dir.root)
    assert cli.main(["case", "show", number, "--data-dir", home]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ids["street"] in err and ids["community"] in err
    assert "北山街道北山社区人民调解委员会" in err and f"{YEAR}-03-09" in err and "uuid" in err
    assert cli.main(["print", "agreement", number, "-o", str(data_dir.root / "x.pdf"), "--data-dir", home]) == 1
    assert ids["community"] in capsys.readouterr().err
    assert cli.main(["case", "show", ids["community"], "--data-dir", home, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["case_no"] == number


def test_a_committee_arriving_with_a_code_in_use_is_quarantined_and_the_rest_imported(data_dir, tmp_path):
    township = migrate.open_database(data_dir).db
    district_dir = DataDir(tmp_path / "district")
    district = migrate.open_database(district_dir).db
    try:
        with township.write() as s:
            demo.fill(s, cli_actor(), demo.DemoCommand(seed=11, committees=3, mediators=2, cases=12,
                                                       today=date(2026, 11, 20)))
            clashing = s.scalar(select(Committee).where(Committee.kind == "community").order_by(Committee.name))
            code, name, clashing_uuid = clashing.short_name, clashing.name, clashing.uuid
        with district.write() as s:
            node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
            # 西溪街道 already reported a community committee with the same default 字号
            committees.create_committee(s, cli_actor(), committees.CommitteeCommand(
                f"西溪街道{code}人民调解委员会", code, "330106004", "community"))
        with township.read() as s:
            township_key = exchange.export_key(s, cli_actor())
        with district.read() as s:
            district_key = exchange.export_key(s, cli_actor())
        with district.write() as s:
            exchange.enrol(s, cli_actor(), township_key)
        with township.write() as s:
            exchange.enrol(s, cli_actor(), district_key)
        out = tmp_path / "usb"
        out.mkdir()
        sent = exchange.export_bundle(data_dir, township, cli_actor(), out)
        got = exchange.import_bundle(district_dir, district, cli_actor(), sent.file)
        assert got.result == "applied"
        reasons = [p["reason"] for p in got.problems if p["kind"] == "committee"]
        assert len(reasons) == 1 and f"西溪街道{code}人民调解委员会" in reasons[0] and f"“{code}”" in reasons[0]
        with district.read() as s:
            arrived = set(s.scalars(select(Committee.name)))
            numbers = list(s.scalars(select(MediationCase.case_no)))
        assert name not in arrived and "北山街道人民调解委员会" in arrived
        assert numbers and len(numbers) == len(set(numbers))  # the other committees' cases came in
        # The township gives both another 字号: they arrive (the one there already is updated in
        # place, its mediators and cases still refer to it), and its former 字号 stays kept there.
        with township.write() as s:
            moved = committees.change_code(s, cli_actor(), clashing_uuid, f"北山{code}")
            other = s.scalar(select(Committee).where(Committee.kind == "community", Committee.uuid != clashing_uuid))
            other_uuid, other_name, other_code = other.uuid, other.name, other.short_name
            committees.change_code(s, cli_actor(), other_uuid, f"北山{other_code}")
        again = exchange.import_bundle(district_dir, district, cli_actor(),
                                       exchange.export_bundle(data_dir, township, cli_actor(), out).file)
        assert again.result == "applied"
        assert [p["reason"] for p in again.problems if p["kind"] in ("committee", "case", "mediator")] == []
        with district.read() as s:
            assert s.get(Committee, clashing_uuid).short_name == moved.short_name
            assert s.get(Committee, other_uuid).short_name == f"北山{other_code}"
            assert len(set(s.scalars(select(MediationCase.case_no)))) == 12  # every case is there now
        with district.write() as s, pytest.raises(FieldError, match=f"“{other_name}”以前的字号"):
            committees.create_committee(s, cli_actor(), committees.CommitteeCommand(
                "北山街道松木场社区人民调解委员会", other_code, "330106002", "community"))
    finally:
        township.dispose()
        district.dispose()


def test_the_reference_list_matches_the_units_and_is_loaded(db):
    data = json.loads((paths.reference_dir() / "committee_codes.json").read_text(encoding="utf-8"))
    assert "可以修改" in data["note"]
    listed = {c["org"]: c for c in data["committees"]}
    for unit in _reference_units():
        assert listed[unit["code"]]["name"] == f"{unit['name']}人民调解委员会"
    assert len({c["code"] for c in data["committees"]}) == len(data["committees"])
    with db.read() as s:
        assert s.get(Meta, "reference.committee_codes").value == data["version"]


def test_committee_commands_add_list_and_change_a_code(data_dir, capsys):
    home = str(data_dir.root)
    community = "北山街道北山社区人民调解委员会"
    assert cli.main(["committee", "add", community, "--code", "北山", "--data-dir", home]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "北山街道人民调解委员会" in err and "“北山社区”" in err
    assert cli.main(["--data-dir", home, "--json", "committee", "add", community]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["code"] == "北山社区"
    db = migrate.open_database(data_dir).db
    try:
        head = casekit.head_actor(db)
        mediator = casekit.roster(db, head, names=("郑调解",))
        with db.write() as s:
            first = cases.open_case(s, head, casekit.intake(db, mediator, committee_uuid=made["uuid"],
                                                            accepted_on=date(YEAR, 4, 1)))
    finally:
        db.dispose()
    assert first.case_no == f"（{YEAR}）北山社区人调字第0001号"
    assert cli.main(["committee", "code", "北山社区", "北山社", "--data-dir", home]) == 0
    assert "已发的案件编号不变" in capsys.readouterr().out
    # the former 字号 stays kept for that committee: nobody else issues its numbers again
    assert cli.main(["committee", "add", "北山街道玉泉社区人民调解委员会", "--code", "北山社区", "--data-dir", home]) == 1
    assert community in capsys.readouterr().err
    assert cli.main(["committee", "code", "北山街道人民调解委员会", "北山社", "--data-dir", home]) == 1
    assert community in capsys.readouterr().err
    assert cli.main(["committee", "list", "--json", "--data-dir", home]) == 0
    listed = {c["name"]: c["code"] for c in json.loads(capsys.readouterr().out)["committees"]}
    assert listed == {"北山街道人民调解委员会": "北山", community: "北山社"}
    db = migrate.open_database(data_dir).db
    try:
        head = casekit.head_actor(db)
        with db.write() as s:
            second = cases.open_case(s, head, casekit.intake(db, mediator, committee_uuid=made["uuid"],
                                                             accepted_on=date(YEAR, 4, 2)))
        with db.read() as s:
            assert s.get(MediationCase, first.uuid).case_no == f"（{YEAR}）北山社区人调字第0001号"
            other = s.get(Committee, made["uuid"])
            assert other.version == 2
            s.get(Committee, made["uuid"]).owner_node = "elsewhere"
            with pytest.raises(Exception, match="其他单位管理"):
                committees.change_code(s, cli_actor(), made["uuid"], "北山三")
    finally:
        db.dispose()
    assert second.case_no == f"（{YEAR}）北山社人调字第0002号"
