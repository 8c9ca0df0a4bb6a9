"""Every command that writes a file, aimed where the file cannot go as asked: a folder that does not
exist yet (made, the file written), a path through a file, a read-only disk, a full disk. A failure
is exit 1 with one Chinese line and nothing half-written left behind; the database is unchanged.

The read-only and the full disk are real small tmpfs mounts (Linux, as root: the suite's usual
home here); elsewhere those two are skipped with the reason, the other two still run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests import statskit
from xihu_desk import cli
from xihu_desk.store import dbfile, sqlfile

pytestmark = pytest.mark.sqlite_only

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PERIOD = ["--from", "2024-01-01", "--to", "2026-12-31"]
QUARTER = ["--from", "2026-04-01", "--to", "2026-06-30"]  # the two slowest writers: a short period


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


@pytest.fixture(scope="module")
def node(tmp_path_factory, template_node):
    """The demo node (copied once for the module; no command here may change its database) and
    what the writers need from it: a closed case with a written agreement, a review with an
    opinion, a mediator, a platform export to reconcile against."""
    root = tmp_path_factory.mktemp("writers") / "data"
    shutil.copytree(statskit.demo_template(tmp_path_factory, template_node), root)
    with closing(sqlfile.connect(root / "xihu-desk.sqlite3")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for p in dbfile.companions(root / "xihu-desk.sqlite3"):
        p.unlink()

    def doc(*argv: str) -> dict:
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert cli.main([*argv, "--data-dir", str(root), "--json"]) == 0
        return json.loads(out.getvalue())

    cases = doc("case", "list")["cases"]
    closed = next(c for c in cases if c["outcome"] == "succeeded" and c["agreement_form"] == "written"
                  and c["status"] in ("closed", "filed"))
    review = next(r for r in doc("review", "list")["reviews"] if r["status"] in ("opinion", "archived"))
    mediator = doc("mediator", "list")["mediators"][0]
    platform = root.parent / "平台导出.xlsx"
    wb = Workbook()
    wb.active.append(["序号", "案件编号", "申请人", "被申请人", "登记日期", "纠纷类型", "办结日期", "化解结果",
                      "涉及金额", "协议金额"])
    wb.active.append([1, "P-ONLY", "刘某", "某公司", "2026-05-25", "合同纠纷", None, "调解中", None, None])
    wb.save(platform)
    return {"root": root, "case": closed["case_no"], "review": review["number"], "mediator": str(mediator["id"]),
            "platform": str(platform)}


# (name, argv with {out} for the file written, the file's suffix)
WRITERS = [
    ("ledger cases", ["ledger", "export", "--kind", "cases", "-o", "{out}"], ".xlsx"),
    ("ledger reviews", ["ledger", "export", "--kind", "reviews", "-o", "{out}"], ".xlsx"),
    ("ledger mediators", ["ledger", "export", "--kind", "mediators", "-o", "{out}"], ".xlsx"),
    ("ledger platform", ["ledger", "export", "--kind", "platform", "-o", "{out}"], ".xlsx"),
    ("ledger review-matters", ["ledger", "export", "--kind", "review-matters", "-o", "{out}"], ".xlsx"),
    ("report mediation", ["report", "mediation", *PERIOD, "-o", "{out}"], ".xlsx"),
    ("report reviews", ["report", "reviews", *PERIOD, "-o", "{out}"], ".xlsx"),
    ("report mediators", ["report", "mediators", *PERIOD, "-o", "{out}"], ".xlsx"),
    ("casefile review", ["casefile", "review", *QUARTER, "-o", "{out}"], ".xlsx"),
    ("subsidy", ["subsidy", *QUARTER, "-o", "{out}"], ".xlsx"),
    ("reconcile", ["reconcile", "{platform}", *PERIOD, "-o", "{out}"], ".xlsx"),
    ("print agreement", ["print", "agreement", "{case}", "-o", "{out}"], ".pdf"),
    ("print agreement docx", ["print", "agreement", "{case}", "-o", "{out}"], ".docx"),
    ("print casefile", ["print", "casefile", "{case}", "-o", "{out}"], ".pdf"),
    ("print typical", ["print", "typical", "{case}", "-o", "{out}"], ".docx"),
    ("print review-opinion", ["print", "review-opinion", "{review}", "-o", "{out}"], ".pdf"),
    ("mediator evidence", ["mediator", "evidence", "{mediator}", "-o", "{out}"], ".pdf"),
    ("node export-key", ["node", "export-key", "-o", "{out}"], ".json"),
    ("backup", ["backup", "-o", "{out}"], ".sqlite3"),
]


def _argv(node, argv: list[str], out: Path) -> list[str]:
    return [a.format(out=out, **{k: v for k, v in node.items() if k != "root"}) for a in argv] + [
        "--data-dir", str(node["root"])]


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def _one_chinese_line(err: str) -> bool:
    lines = [line for line in err.splitlines() if line.strip()]
    return len(lines) == 1 and bool(CHINESE.search(lines[0])) and "Traceback" not in err and "内部错误" not in err


@pytest.fixture
def unchanged(node):
    db = node["root"] / "xihu-desk.sqlite3"
    before = db.read_bytes()
    yield
    assert db.read_bytes() == before


@pytest.mark.parametrize("name,argv,suffix", WRITERS, ids=[w[0] for w in WRITERS])
def test_a_missing_folder_is_made(capsys, node, tmp_path, name, argv, suffix):
    target = tmp_path / "新建" / "二级" / f"输出{suffix}"
    code, _out, err = _run(capsys, _argv(node, argv, target))
    assert code == 0, err
    assert target.stat().st_size > 0
    made = _files(tmp_path)  # the file (and a backup's attachments beside it), no .part left
    assert target in made and all(p.is_relative_to(target.parent / (target.name + ".attachments")) for p in made - {target})


@pytest.mark.parametrize("name,argv,suffix", WRITERS, ids=[w[0] for w in WRITERS])
def test_a_path_through_a_file_is_one_line(capsys, node, tmp_path, unchanged, name, argv, suffix):
    (tmp_path / "台账").write_bytes(b"a file, not a folder")
    target = tmp_path / "台账" / f"输出{suffix}"
    code, _out, err = _run(capsys, _argv(node, argv, target))
    assert code == 1 and _one_chinese_line(err), err
    assert _files(tmp_path) == {tmp_path / "台账"}


def _mount(where: Path, *options: str) -> None:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(where)], check=True,
                   capture_output=True)


@pytest.fixture(scope="module")
def small_disks(tmp_path_factory):
    """A read-only disk and a full one (its last bytes taken by a filler file)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("真实的只读盘和满盘要在 Linux 上以 root 挂载 tmpfs；此处无法挂载")
    base = tmp_path_factory.mktemp("disks")
    ro, full = base / "ro", base / "full"
    try:
        _mount(ro, "size=1m", "ro")
        _mount(full, "size=256k")
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"无法挂载 tmpfs：{exc.stderr.decode(errors='replace').strip()}")
    try:
        try:
            with (full / "filler").open("wb", buffering=0) as f:
                while True:
                    f.write(b"\0" * 512)
        except OSError:
            pass
        yield ro, full
    finally:
        for where in (ro, full):
            subprocess.run(["umount", str(where)], check=False)


@pytest.mark.parametrize("name,argv,suffix", WRITERS, ids=[w[0] for w in WRITERS])
def test_a_read_only_disk_is_one_line(capsys, node, small_disks, unchanged, name, argv, suffix):
    ro, _full = small_disks
    code, _out, err = _run(capsys, _argv(node, argv, ro / f"输出{suffix}"))
    assert code == 1 and _one_chinese_line(err), err
    assert not _files(ro)


@pytest.mark.parametrize("name,argv,suffix", WRITERS, ids=[w[0] for w in WRITERS])
def test_a_full_disk_is_one_line_and_leaves_no_part(capsys, node, small_disks, unchanged, name, argv, suffix):
    _ro, full = small_disks
    code, _out, err = _run(capsys, _argv(node, argv, full / "子" / f"输出{suffix}"))
    assert code == 1 and _one_chinese_line(err) and "磁盘已满" in err, err
    assert _files(full) == {full / "filler"}


@pytest.fixture(params=["through a file", "read-only disk", "full disk"])
def bad_place(request, tmp_path) -> Path:
    if request.param == "through a file":
        (tmp_path / "afile").write_bytes(b"x")
        return tmp_path / "afile"
    ro, full = request.getfixturevalue("small_disks")
    return ro if request.param == "read-only disk" else full / "sub"


def test_recovery_key_files_and_sheets_on_a_bad_place_are_one_line(capsys, data_dir, tmp_path, bad_place):
    home = ["--data-dir", str(data_dir.root)]
    key_file = tmp_path / "恢复密钥.txt"
    code, _out, err = _run(capsys, ["rekey", "--recovery-key-file", str(key_file), *home])
    assert code == 0, err
    with closing(sqlfile.connect(data_dir.database)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db = data_dir.database.read_bytes()
    # a new key is not made when its file cannot be written (the old one still opens the node)
    code, _out, err = _run(capsys, ["rekey", "--recovery-key-file", str(bad_place / "新密钥.txt"), *home])
    assert code == 1 and _one_chinese_line(err), err
    assert data_dir.database.read_bytes() == db
    code, _out, err = _run(capsys, ["node", "recovery-sheet", "--recovery-key-file", str(key_file),
                                    "-o", str(bad_place / "恢复密钥单.pdf"), *home])
    assert code == 1 and _one_chinese_line(err), err
    assert not [p for p in bad_place.parent.rglob("*") if p.name.endswith((".part", "新密钥.txt", "恢复密钥单.pdf"))]
    code, _out, err = _run(capsys, ["node", "show", *home])
    assert code == 0, err


@pytest.fixture
def enrolled(data_dir, tmp_path):
    """The township with its district's key enrolled, so it has a bundle to export."""
    from xihu_desk.paths import DataDir
    from xihu_desk.services import exchange
    from xihu_desk.services import node as node_service
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate

    district = migrate.open_database(DataDir(tmp_path / "district")).db
    with district.write() as s:
        node_service.init_node(s, cli_actor(), node_service.InitCommand("330106", "district", None, "qu",
                                                                        "District-key-2026"))
    with district.read() as s:
        key = exchange.export_key(s, cli_actor())
    district.dispose()
    township = migrate.open_database(data_dir).db
    with township.write() as s:
        exchange.enrol(s, cli_actor(), key)
    township.dispose()
    with closing(sqlfile.connect(data_dir.database)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return data_dir


def test_a_bundle_for_a_bad_place_is_one_line_and_the_next_export_is_still_number_one(capsys, enrolled, tmp_path,
                                                                                    bad_place):
    home = ["--data-dir", str(enrolled.root)]
    db = enrolled.database.read_bytes()
    code, _out, err = _run(capsys, ["bundle", "export", "-o", str(bad_place), *home])
    assert code == 1 and _one_chinese_line(err), err
    assert enrolled.database.read_bytes() == db
    assert not [p for p in bad_place.parent.rglob("*") if p.name.startswith("XD_")]
    usb = tmp_path / "usb"
    usb.mkdir()
    code, out, err = _run(capsys, ["bundle", "export", "-o", str(usb), "--json", *home])
    assert code == 0, err
    assert Path(json.loads(out)["file"]).name.startswith("XD_330106002_to_330106_0001_")


def test_print_into_a_folder_names_the_file_itself_and_a_workbook_into_a_folder_is_one_line(capsys, node, tmp_path):
    code, out, err = _run(capsys, _argv(node, ["print", "agreement", "{case}", "-o", "{out}", "--json"], tmp_path))
    assert code == 0, err
    written = Path(json.loads(out)["file"])
    assert written.parent == tmp_path and written.name == f"{node['case']}人民调解协议书.pdf"
    assert written.read_bytes().startswith(b"%PDF")
    code, _out, err = _run(capsys, _argv(node, ["ledger", "export", "--kind", "cases", "-o", "{out}"], tmp_path))
    assert code == 1 and _one_chinese_line(err) and "文件夹" in err and "Is a directory" not in err, err
