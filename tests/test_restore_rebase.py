"""An office that restores a backup keeps reporting (issue 12): the parent refuses the forked bundle
and says where it stands; the office re-bases on that receipt (sequence above the parent's, versions
that win, numbers the parent already holds given up) and everything arrives once. A record sent
again at a version the parent holds with other content is quarantined, never counted a duplicate."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import casekit
from tests.conftest import ADMIN_PASSWORD
from xihu_desk import cli
from xihu_desk.paths import DataDir
from xihu_desk.services import cases, exchange
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.aggregates import case_doc
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.sync_models import Quarantine, SyncAck


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    gc.collect()  # each command here runs in this process: let the last one's connections go, as its exit would
    code = cli.main([*argv, "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


class Office:
    """A node driven through the command line; the database is opened only for a moment at a time,
    as a second program would (the restore replaces the file under it)."""

    def __init__(self, root: Path):
        self.root = root

    def db(self):  # noqa: ANN201
        return migrate.open_database(DataDir(self.root)).db

    def work(self, n: int, tag: str) -> list[str]:
        """n new cases, as a mediator would enter them."""
        db = self.db()
        try:
            head = casekit.head_actor(db)
            mediators = casekit.roster(db, head, names=(f"周{tag}", f"吴{tag}"))
            out = []
            for i in range(n):
                with db.write() as s:
                    out.append(cases.open_case(s, head, casekit.intake(db, mediators, summary=f"{tag} 第 {i + 1} 件")).uuid)
            return out
        finally:
            db.dispose()

    def edit(self, uuid: str, received: bool) -> int:
        db = self.db()
        try:
            with db.write() as s:
                cases.mark_id_proofs(s, casekit.head_actor(db), uuid, received)
            with db.read() as s:
                return s.get(MediationCase, uuid).version
        finally:
            db.dispose()

    def cases(self) -> dict[str, dict]:
        db = self.db()
        try:
            with db.read() as s:
                return {c.uuid: _normalised(case_doc(s, c)) for c in s.scalars(select(MediationCase))}
        finally:
            db.dispose()

    def open_quarantine(self, direction: str) -> list[Quarantine]:
        db = self.db()
        try:
            with db.read() as s:
                rows = list(s.scalars(select(Quarantine).where(Quarantine.direction == direction, Quarantine.resolved.is_(False))))
                s.expunge_all()
                return rows
        finally:
            db.dispose()

    def pending(self) -> int:
        db = self.db()
        try:
            with db.read() as s:
                return sum(exchange.pending_counts(s, cli_actor()).values())
        finally:
            db.dispose()


def _normalised(doc: dict) -> dict:
    return {k: (sorted(v, key=lambda r: json.dumps(r, sort_keys=True)) if isinstance(v, list) else v) for k, v in doc.items()}


@pytest.fixture(scope="module")
def _offices_made(tmp_path_factory) -> Path:
    """A township office and the district, initialised and enrolled through the command line, once."""
    import contextlib
    import io

    root = tmp_path_factory.mktemp("restore-offices")
    with contextlib.redirect_stdout(io.StringIO()):
        _make_offices(root)
    gc.collect()
    return root


@pytest.fixture
def offices(_offices_made, tmp_path):
    import shutil

    for name in ("town", "district"):
        shutil.copytree(_offices_made / name, tmp_path / name)
    return Office(tmp_path / "town"), Office(tmp_path / "district")


def _make_offices(tmp_path: Path) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
    town, district = Office(tmp_path / "town"), Office(tmp_path / "district")
    assert cli.main(["init", "--data-dir", str(town.root), "--org", "330106002", "--level", "township",
                     "--admin", "admin", "--password-file", str(pw)]) == 0
    assert cli.main(["init", "--data-dir", str(district.root), "--org", "330106", "--level", "district",
                     "--admin", "admin", "--password-file", str(pw)]) == 0
    for me, other in ((town, district), (district, town)):
        key = tmp_path / f"{other.root.name}.key"
        assert cli.main(["node", "export-key", "--data-dir", str(other.root), "-o", str(key)]) == 0
        assert cli.main(["node", "enrol", str(key), "--data-dir", str(me.root)]) == 0


def report(capsys, town: Office, district: Office, usb: Path, warnings: list | None = None) -> dict:
    """export → import → receipt, the way an office does it every month."""
    usb.mkdir(exist_ok=True)
    code, sent, err = run(capsys, "bundle", "export", "--data-dir", str(town.root), "-o", str(usb))
    assert code == 0, err
    assert warnings is None or sent["warnings"] == warnings
    code, got, err = run(capsys, "bundle", "import", sent["file"], "--data-dir", str(district.root))
    assert code == 0, err
    code, _taken, err = run(capsys, "bundle", "receipt", got["receipt"], "--data-dir", str(town.root))
    assert code == 0, err
    return got


def test_restore_then_report_every_case_arrives_once(offices, capsys, tmp_path):
    town, district = offices
    before = town.work(3, "甲")
    report(capsys, town, district, tmp_path / "usb1")
    backup = tmp_path / "yesterday.sqlite3"
    assert run(capsys, "backup", "--data-dir", str(town.root), "-o", str(backup))[0] == 0
    # The day after the backup: new cases and an edit, reported and acknowledged.
    lost_here = town.work(2, "乙")
    edited = before[0]
    version = town.edit(edited, True)
    report(capsys, town, district, tmp_path / "usb2")
    # The disk fails; yesterday's backup is restored. Work goes on: new cases (numbered again from
    # the backup's counter) and the same edit made again (the same version, other content).
    code, _doc, err = run(capsys, "restore", str(backup), "--data-dir", str(town.root))
    assert code == 0, err
    after = town.work(2, "丙")
    assert town.edit(edited, True) == version
    (tmp_path / "usb3").mkdir()
    code, forked, err = run(capsys, "bundle", "export", "--data-dir", str(town.root), "-o", str(tmp_path / "usb3"))
    assert code == 0 and forked["sequence"] == 2  # the parent already holds a different number 2
    assert any("从备份恢复" in w for w in forked["warnings"])  # the office is told what will happen
    code, refused, err = run(capsys, "bundle", "import", forked["file"], "--data-dir", str(district.root))
    assert code == 1 and refused["result"] == "refused" and "分叉" in refused["reason"]
    assert refused["receipt"] and Path(refused["receipt"]).is_file()  # where the district stands
    assert len(district.cases()) == 5  # nothing of the forked bundle was written
    db = district.db()
    with db.read() as s:
        assert [f.sequence for f in exchange.forks(s, cli_actor())] == [2]
    db.dispose()
    # The office takes that receipt: it re-bases.
    code, taken, err = run(capsys, "bundle", "receipt", refused["receipt"], "--data-dir", str(town.root))
    assert code == 0, err
    rebase = taken["rebase"]
    assert rebase["sequence"] == 2 and rebase["only_there"]["case"] == 2
    assert [r["uuid"] for r in rebase["raised"]] == [edited]
    assert len(rebase["renumbered"]) == 2  # its two new cases had the numbers of the two lost ones
    code, _again, err = run(capsys, "bundle", "receipt", refused["receipt"], "--data-dir", str(town.root))
    assert code == 1 and "已登记过" in err  # taken twice, it would move the line back
    got = report(capsys, town, district, tmp_path / "usb4", warnings=[])
    assert got["sequence"] == 3 and got["counts"]["refused"] == got["counts"]["quarantined"] == 0
    # Every case arrived, once; the office's current content is what the district holds.
    here, there = town.cases(), district.cases()
    assert set(there) == set(before) | set(lost_here) | set(after)
    assert all(there[u] == here[u] for u in here)
    numbers = [(d["case"]["committee_uuid"], d["case"]["year"], d["case"]["seq"]) for d in there.values()]
    assert len(numbers) == len(set(numbers)) == 7
    assert there[edited]["case"]["version"] == version + 1
    db = district.db()
    with db.read() as s:
        assert exchange.forks(s, cli_actor()) == []
    db.dispose()
    assert town.pending() == 0 and town.open_quarantine("out") == []
    # The next month goes on as usual.
    town.work(1, "丁")
    assert report(capsys, town, district, tmp_path / "usb5")["sequence"] == 4
    assert len(district.cases()) == 8


def test_an_administrator_can_accept_the_new_line_instead(offices, capsys, tmp_path):
    town, district = offices
    town.work(2, "甲")
    report(capsys, town, district, tmp_path / "usb1")
    backup = tmp_path / "yesterday.sqlite3"
    assert run(capsys, "backup", "--data-dir", str(town.root), "-o", str(backup))[0] == 0
    lost_here = town.work(1, "乙")
    report(capsys, town, district, tmp_path / "usb2")
    code, _doc, err = run(capsys, "restore", str(backup), "--data-dir", str(town.root))
    assert code == 0, err
    after = town.work(1, "丙")
    (tmp_path / "usb3").mkdir()
    code, forked, _err = run(capsys, "bundle", "export", "--data-dir", str(town.root), "-o", str(tmp_path / "usb3"))
    assert run(capsys, "bundle", "import", forked["file"], "--data-dir", str(district.root))[0] == 1
    # The district's administrator accepts the office's new line after bundle 1 (their last common one).
    code, resolved, err = run(capsys, "bundle", "resolve-fork", "330106002", "--data-dir", str(district.root))
    assert code == 0, err
    assert resolved["last_good"] == 1 and resolved["superseded"] == [2]
    imported = resolved["import"]
    assert imported["result"] == "applied" and imported["sequence"] == 2
    # The new case took the number of the lost one: quarantined, and the receipt re-bases the office.
    assert imported["counts"]["quarantined"] == 1
    code, taken, err = run(capsys, "bundle", "receipt", imported["receipt"], "--data-dir", str(town.root))
    assert code == 0 and len(taken["rebase"]["renumbered"]) == 1
    report(capsys, town, district, tmp_path / "usb4")
    there = district.cases()
    assert set(there) >= set(lost_here) | set(after) and len(there) == 4
    assert district.open_quarantine("in") == []
    # A late copy of the old bundle 2 is recognised and changes nothing.
    old = next((tmp_path / "usb2").glob("*.xdb"))
    code, late, _err = run(capsys, "bundle", "import", str(old), "--data-dir", str(district.root))
    assert code == 1 and "旧" in late["reason"]


def test_same_version_other_content_is_quarantined_and_shown_on_both_sides(offices, capsys, tmp_path):
    town, district = offices
    uuids = town.work(2, "甲")
    report(capsys, town, district, tmp_path / "usb1")
    # The office's copy changes without a new version (as a rolled-back edit made again would),
    # and it has forgotten that the district acknowledged it.
    db = town.db()
    with db.write() as s:
        s.get(MediationCase, uuids[0]).summary = "恢复后重新填写的案情"
        dest = s.scalar(select(SyncAck.destination).limit(1))
        s.delete(s.get(SyncAck, (dest, "case", uuids[0])))
    db.dispose()
    (tmp_path / "usb2").mkdir()
    code, sent, _err = run(capsys, "bundle", "export", "--data-dir", str(town.root), "-o", str(tmp_path / "usb2"))
    code, got, err = run(capsys, "bundle", "import", sent["file"], "--data-dir", str(district.root))
    assert code == 0 and got["counts"]["duplicate"] == 0 and got["counts"]["quarantined"] == 1
    assert [p["uuid"] for p in got["problems"]] == [uuids[0]] and "同一版本" in got["problems"][0]["reason"]
    assert district.cases()[uuids[0]]["case"]["summary"] != "恢复后重新填写的案情"  # nothing overwritten
    assert [q.uuid for q in district.open_quarantine("in")] == [uuids[0]]
    code, taken, err = run(capsys, "bundle", "receipt", got["receipt"], "--data-dir", str(town.root))
    assert code == 0 and [n["uuid"] for n in taken["not_taken"]] == [uuids[0]]
    assert [q.uuid for q in town.open_quarantine("out")] == [uuids[0]]  # shown here too
    report(capsys, town, district, tmp_path / "usb3")
    assert district.cases()[uuids[0]]["case"]["summary"] == "恢复后重新填写的案情"
    assert district.open_quarantine("in") == [] and town.open_quarantine("out") == []
    db = district.db()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediationCase)) == 2
    db.dispose()


def test_an_office_that_asks_first_reports_without_a_fork_or_a_new_number(offices, capsys, tmp_path):
    town, district = offices
    town.work(2, "甲")
    report(capsys, town, district, tmp_path / "usb1")
    backup = tmp_path / "yesterday.sqlite3"
    assert run(capsys, "backup", "--data-dir", str(town.root), "-o", str(backup))[0] == 0
    lost_here = town.work(2, "乙")
    report(capsys, town, district, tmp_path / "usb2")
    code, _doc, err = run(capsys, "restore", str(backup), "--data-dir", str(town.root))
    assert code == 0, err
    # Before any new work, the office asks the district where it stands.
    (tmp_path / "resync").mkdir()
    code, made, err = run(capsys, "bundle", "resync", "330106002", "--data-dir", str(district.root), "-o", str(tmp_path / "resync"))
    assert code == 0, err
    code, taken, err = run(capsys, "bundle", "receipt", made["file"], "--data-dir", str(town.root))
    assert code == 0 and taken["rebase"]["sequence"] == 2 and taken["rebase"]["renumbered"] == []
    after = town.work(2, "丙")
    got = report(capsys, town, district, tmp_path / "usb3", warnings=[])
    assert got["sequence"] == 3 and got["counts"]["quarantined"] == got["counts"]["refused"] == 0
    there = district.cases()
    assert set(there) >= set(lost_here) | set(after) and len(there) == 6
    numbers = sorted(there[u]["case"]["seq"] for u in after)
    assert numbers == [5, 6]  # numbered after the ones the district already held
