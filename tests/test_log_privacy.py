"""Logs and crash reports carry no party's name, ID number, phone or case text (issue 12), and a
native crash leaves its stack in the log folder (issue 11).

Canaries (a name, an ID, a phone, a line of case text) sit in a record being processed when it
fails in the ways real code fails: a KeyError naming the value, a message with the values in it,
a database error that lists its parameters, a chain of these. Then every file under the logs
folder is searched for them."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from xihu_desk import logsafe
from xihu_desk.paths import DataDir

NAME = "欧阳娜测试"
ID_NUMBER = "330106199001011236"
ID_15 = "330106900101123"
PHONE = "13912345678"
LANDLINE = "0571-87651234"
CASE_TEXT = "因宅基地边界与邻居发生纠纷"
CANARIES = (NAME, ID_NUMBER, ID_15, PHONE, "87651234", CASE_TEXT, "宅基地")
RECORD = {"name": NAME, "id_number": ID_NUMBER, "old_id": ID_15, "phone": PHONE, "landline": LANDLINE,
          "facts": CASE_TEXT}


def _database_error() -> Exception:
    """A real constraint failure whose message lists the record's values."""
    engine = sa.create_engine("sqlite://")
    meta = sa.MetaData()
    party = sa.Table("party", meta, sa.Column("id_number", sa.String, unique=True), sa.Column("name", sa.String),
                     sa.Column("phone", sa.String), sa.Column("facts", sa.String))
    meta.create_all(engine)
    row = {k: RECORD[k] for k in ("id_number", "name", "phone", "facts")}
    try:
        with engine.begin() as conn:
            conn.execute(party.insert(), [row, row])
    except sa.exc.IntegrityError as exc:
        return exc
    finally:
        engine.dispose()
    raise AssertionError("no error")


def process(record: dict, how: str) -> None:
    """Stand-in for a service handling one party: fails the way real code fails."""
    if how == "key":
        lookup = {"张三": 1}
        lookup[record["name"]]  # noqa: B018 - a KeyError that names the value
    if how == "message":
        raise ValueError(f"当事人 {record['name']}（{record['id_number']}，{record['phone']}，"
                         f"{record['landline']}，旧证 {record['old_id']}）：{record['facts']}")
    if how == "chained":
        try:
            raise _database_error()
        except sa.exc.IntegrityError as exc:
            raise RuntimeError(f"导入 {record['name']} 失败") from exc
    if how == "encode":
        (record["name"] + record["facts"]).encode("ascii")
    raise AssertionError(how)


HOWS = ("key", "message", "chained", "encode")


def _failure(how: str) -> BaseException:
    try:
        process(RECORD, how)
    except Exception as exc:  # noqa: BLE001
        exc.add_note(f"while processing {RECORD['name']} {RECORD['id_number']}")
        return exc
    raise AssertionError(how)


def _leaks(folder: Path) -> list[str]:
    found = []
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, f"nothing was logged under {folder}"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.name}: {c}" for c in CANARIES if c in text]
    return found


def test_unmasked_traceback_would_carry_every_canary():
    """The canaries are really in what Python would print (so the tests below mean something)."""
    import traceback

    text = "".join("".join(traceback.format_exception(_failure(h))) for h in HOWS)
    for canary in (NAME, ID_NUMBER, PHONE, CASE_TEXT):
        assert canary in text


@pytest.mark.parametrize("how", HOWS)
def test_format_exception_keeps_type_and_frames_but_no_personal_data(how):
    text = logsafe.format_exception(_failure(how))
    assert not [c for c in CANARIES if c in text]
    assert "Traceback (most recent call last):" in text and "in process" in text
    assert {"key": "KeyError", "message": "ValueError", "chained": "IntegrityError",
            "encode": "UnicodeEncodeError"}[how] in text
    if how == "chained":
        assert "The above exception was the direct cause" in text and "RuntimeError" in text
        assert "UNIQUE constraint failed: party.id_number" in text and "[parameters: ...]" in text


def test_masking_of_numbers_and_text():
    assert logsafe.mask_text(f"id {ID_NUMBER} 15 {ID_15} x 33010619900101123X") == "id 〔证件号〕 15 〔证件号〕 x 〔证件号〕"
    assert logsafe.mask_text(f"{PHONE} 139-1234-5678 +86 139 1234 5678 {LANDLINE}") == \
        "〔手机号〕 〔手机号〕 〔手机号〕 〔电话〕"
    assert logsafe.mask_text("2026-12-03 15:40:00,123 page 12 of 3456, 12345678901234") == \
        "2026-12-03 15:40:00,123 page 12 of 3456, 12345678901234"
    assert logsafe.mask_value(f"{NAME}：{CASE_TEXT}") == "〔5字〕：〔13字〕"
    assert logsafe.mask_value("刘䶮") == "〔2字〕"  # CJK extension A


def test_every_log_line_goes_through_the_private_formatter(tmp_path):
    from xihu_desk import app

    data = DataDir(tmp_path / "data")
    handler = app.setup_logging(data)
    log = logging.getLogger("xihu_desk.services.demo")
    try:
        log.warning("第 %s 行：%s（%s）", 3, RECORD["name"], RECORD["id_number"])
        log.info("读取 %(name)s 电话 %(phone)s", {"name": NAME, "phone": PHONE})
        log.info("号码 %s", int(ID_NUMBER))
        log.error("处理 %s 时出错", RECORD["facts"], exc_info=_failure("chained"))
        for how in HOWS:
            exc = _failure(how)
            log.error("程序错误（导入）", exc_info=(type(exc), exc, exc.__traceback__))
    finally:
        logging.getLogger("xihu_desk").removeHandler(handler)
        handler.close()
    assert _leaks(data.logs) == []
    text = app.log_file(data).read_text(encoding="utf-8")
    assert "第 3 行：〔5字〕（〔证件号〕）" in text and "号码 〔证件号〕" in text
    assert "程序错误（导入）" in text and "KeyError" in text and "UnicodeEncodeError" in text


def test_gui_crash_handler_logs_and_shows_no_personal_data(tmp_path, monkeypatch, qapp):  # noqa: ARG001
    from xihu_desk import app
    from xihu_desk.gui import crash, messages

    shown = []
    monkeypatch.setattr(messages.bridge(), "show_fn", lambda parent, message: shown.append(message))
    data = DataDir(tmp_path / "data")
    handler = app.setup_logging(data)
    crash.set_log_file(app.log_file(data))
    try:
        for how in HOWS:
            crash.report(_failure(how), None, "导入台账")
        exc = _failure("message")
        crash.excepthook(type(exc), exc, exc.__traceback__)
        worker = _failure("key")
        crash.thread_excepthook(threading.ExceptHookArgs((type(worker), worker, worker.__traceback__, None)))
    finally:
        logging.getLogger("xihu_desk").removeHandler(handler)
        handler.close()
        crash.set_log_file(None)
    assert _leaks(data.logs) == []
    assert len(shown) == 5
    for message in shown:
        assert not [c for c in CANARIES if c in message.details + message.text]
        assert "Traceback" in message.details
    assert "程序错误（导入台账）" in app.log_file(data).read_text(encoding="utf-8")


GUI_CRASH = """
import sys
from xihu_desk import app, logsafe
from xihu_desk.paths import DataDir
app.setup_logging(DataDir(sys.argv[1]))
print(logsafe.faulthandler_file(), flush=True)
import faulthandler
faulthandler._sigsegv()
"""


def test_native_crash_of_the_gui_is_written_to_the_log_folder(tmp_path):
    data = DataDir(tmp_path / "data")
    done = subprocess.run([sys.executable, "-c", GUI_CRASH, str(data.root)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    assert Path(done.stdout.strip()) == data.logs / logsafe.NATIVE_CRASH_LOG
    dump = (data.logs / logsafe.NATIVE_CRASH_LOG).read_text(encoding="utf-8")
    assert " gui pid " in dump and "Fatal Python error: Segmentation fault" in dump
    assert 'File "<string>", line 8 in <module>' in dump


@pytest.mark.parametrize("how", HOWS)
def test_cli_crash_log_has_no_personal_data(capsys, data_dir, monkeypatch, how):
    from xihu_desk import cli
    from xihu_desk.services import node
    from xihu_desk.services.units import reads

    @reads
    def broken(session):  # noqa: ANN001, ANN202, ARG001
        process(RECORD, how)

    monkeypatch.setattr(node, "node_info", broken)
    monkeypatch.setattr(sys, "argv", ["xihu-desk", "node", "show", "--data-dir", f"/tmp/{NAME}/{PHONE}"])
    assert cli.main(["--data-dir", str(data_dir.root), "node", "show"]) == 1
    err = capsys.readouterr().err
    assert "内部错误" in err and "xihu-desk-cli.log" in err
    assert _leaks(data_dir.logs) == []
    text = (data_dir.logs / logsafe.CLI_LOG).read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in text and "in process" in text
    assert "node show --data-dir /tmp/〔5字〕/〔手机号〕" in text


CLI_CRASH = """
import faulthandler, sys
from xihu_desk import cli
from xihu_desk.services import node
from xihu_desk.services.units import reads
node.node_info = reads(lambda session: faulthandler._sigsegv())
sys.exit(cli.main(["--data-dir", sys.argv[1], "node", "show"]))
"""


def test_native_crash_of_the_cli_is_written_to_the_log_folder(data_dir, tmp_path):
    done = subprocess.run([sys.executable, "-c", CLI_CRASH, str(data_dir.root)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    dump = (data_dir.logs / logsafe.NATIVE_CRASH_LOG).read_text(encoding="utf-8")
    assert " cli pid " in dump and "Fatal Python error: Segmentation fault" in dump
    assert "in cmd_node_show" in dump
    # No data folder: nothing is created for the log, and a native crash still shows on stderr.
    missing = tmp_path / "none"
    done = subprocess.run([sys.executable, "-c", CLI_CRASH, str(missing)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 1 and "没有数据库" in done.stderr and not missing.exists()
