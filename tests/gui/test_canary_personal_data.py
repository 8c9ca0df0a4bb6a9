"""Issue 21: a party's name, ID number and phone never reach a file beside the database. A party
with unique canaries is planted; init, demo, commands, a CLI crash, a GUI crash, a log line with
the values as arguments, a ledger import with refused rows, an attachment and a backup run; then
every file in the data folder (logs included) and in the temporary folder is searched for the
canaries in UTF-8 and UTF-16. The database file itself, and the backups (copies of it), are the
encrypted-database work's test; its -wal/-shm are searched when they outlive the commands."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from tests import casekit
from tests.conftest import ADMIN_PASSWORD
from xihu_desk import app, cli
from xihu_desk.gui import crash
from xihu_desk.paths import DataDir
from xihu_desk.services import attachments, cases
from xihu_desk.services.units import reads
from xihu_desk.domain.parties import PartyInput
from xihu_desk.store import migrate
from xihu_desk.store.case_models import Attachment, MediationCase

NAME = "鞠蔚澜"
ID_NUMBER = "330106198705233610"
PHONE = "13977718342"
CANARIES = (NAME, ID_NUMBER, PHONE)


def _needles() -> list[tuple[str, bytes]]:
    out = []
    for value in CANARIES:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            out.append((f"{value} ({encoding})", value.encode(encoding)))
    return out


def _leaks(folder: Path, skip: set[Path]) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p not in skip):
        blob = path.read_bytes()
        found += [f"{path.relative_to(folder)}: {what}" for what, needle in _needles() if needle in blob]
    return found


def _ledger_with_refused_rows(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["序号", "登记时间", "当事人（申请人）", "身份证号", "联系电话", "被申请人姓名", "纠纷类别", "简要案情", "调解结果"])
    ws.append([1, "2024-02-30", NAME, ID_NUMBER, PHONE, "某某", "邻里纠纷", f"{NAME}与邻居争执", "调解成功"])
    ws.append([2, "2024-03-05", NAME, ID_NUMBER, PHONE, "", "天气", "说不清", "调解成功"])
    wb.save(path)


def test_no_canary_in_any_file_but_the_database(qtbot, tmp_path, monkeypatch, message_mock, capsys) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    outside = tmp_path / "out"
    outside.mkdir()
    data = DataDir(tmp_path / "node")
    home = str(data.root)
    pw = outside / "pw.txt"
    pw.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")

    errors: list[str] = []

    def run(*argv: str) -> int:
        code = cli.main([*argv, "--data-dir", home])
        errors.append(capsys.readouterr().err)
        return code

    assert run("init", "--org", "330106002", "--level", "township", "--admin", "admin", "--password-file", str(pw)) == 0
    assert run("demo", "--cases", "6") == 0

    # the planted party, with an attachment whose content carries the canaries too
    db = migrate.open_database(data).db
    head = casekit.head_actor(db)
    team = casekit.roster(db, head)
    party = PartyInput("applicant", "person", NAME, id_number=ID_NUMBER, phone=PHONE, address="杭州市西湖区灵隐路9号")
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, team, parties=(party, casekit.parties()[1])))
    scan = outside / "身份证.jpg"
    scan.write_bytes(b"\xff\xd8" + "｜".join(CANARIES).encode() * 20)
    with db.write() as s:
        attachments.add_attachment(s, head, data.root, ref.uuid, "id_proof", scan)
        case_no = s.get_one(MediationCase, ref.uuid).case_no

    # what an export killed half-way leaves: its decrypted payload, names in the clear
    dead = data.root / "tmp" / "export-999999-deadbeef0000"
    dead.mkdir(parents=True)
    (dead / ".owner").write_bytes(b"")
    (dead / "payload.zip").write_bytes("｜".join(CANARIES).encode() + "｜".join(CANARIES).encode("utf-16-le"))

    # commands, refused and not (the first removes the killed export's folder)
    assert run("case", "list") == 0, errors[-1]
    assert run("case", "show", case_no, "--reveal", "--json") == 0, errors[-1]
    assert run("check") == 0, errors[-1]
    assert run("backup", "-o", str(outside / "b.sqlite3")) in (0, 1)
    assert run("print", "application", case_no, "-o", str(outside / "a.pdf"), "--reveal") == 0, errors[-1]
    assert run("bundle", "export", "-o", str(outside)) == 1  # no parent enrolled: refused
    ledger = outside / "台账.xlsx"
    _ledger_with_refused_rows(ledger)
    assert run("ledger", "import", str(ledger), "--kind", "cases", "--problems", str(outside / "问题.xlsx")) == 0, errors[-1]

    # a deliberate crash of the command line, its message full of the canaries
    @reads
    def boom(*_a, **_k):
        raise KeyError(f"{NAME} {ID_NUMBER} {PHONE}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("xihu_desk.services.case_queries.count_cases", boom)
        assert run("case", "list") == 1
    assert "内部错误" in errors[-1]

    # a deliberate crash of the GUI, and a log line with the values as arguments
    handler = app.setup_logging(data)
    crash.set_log_file(app.log_file(data))
    try:
        # what Python hands the GUI's excepthook for an error escaping a slot, and an operation's
        # error as the runner reports it
        try:
            raise ValueError(f"当事人 {NAME}，证件 {ID_NUMBER}，电话 {PHONE}")
        except ValueError as exc:
            crash.excepthook(type(exc), exc, exc.__traceback__)
            crash.report(KeyError(NAME), where="保存")
        logging.getLogger("xihu_desk").warning("保存 %s 的电话 %s、证件 %s 时出错", NAME, PHONE, ID_NUMBER)
        logging.getLogger("xihu_desk.cases").error("失败", exc_info=RuntimeError(f"{NAME}/{ID_NUMBER}/{PHONE}"))
    finally:
        logging.getLogger("xihu_desk").removeHandler(handler)
        handler.close()
        crash.set_log_file(None)
    shown = message_mock.of("crash")
    assert len(shown) == 2 and all(NAME not in m.details and ID_NUMBER not in m.details for m in shown)
    # the attachment opened for viewing: a plain copy in the temporary folder, gone when the
    # program ends (app.py clears them at start and exit)
    with db.read() as s:
        attachment = s.scalar(select(Attachment.uuid).where(Attachment.case_uuid == ref.uuid))
        viewed = attachments.view_copy(s, head, data.root, attachment, attachments.view_folder())
    assert viewed.is_relative_to(scratch) and NAME.encode() in viewed.read_bytes()
    app._clear_view_copies()
    db.dispose()
    migrate.end_sessions()

    skip = {data.database} | {p for p in data.backups.rglob("*") if p.is_file()}
    cli_log = (data.logs / "xihu-desk-cli.log").read_text(encoding="utf-8")
    assert "KeyError: '〔3字〕 〔证件号〕 〔手机号〕'" in cli_log and app.log_file(data).is_file()
    assert _leaks(data.root, skip) == []
    assert _leaks(scratch, set()) == []
    # what outlived the process beside the database is searched above; say what that was
    companions = [p.name for p in data.root.glob(data.database.name + "-*")]
    assert set(companions) <= {data.database.name + "-wal", data.database.name + "-shm"}
