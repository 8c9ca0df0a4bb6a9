"""Two desks in two processes on one PostgreSQL database (issue 17): this process's case form
(陈所长) and a second desk in its own process (林所长, tests/second_desk.py) edit the same case.
The save made on an older version is refused saying who changed the case and when, what was typed
is kept and applies when saved again; afterwards every save is in the audit log, the chain verifies
and the case holds the last one: nothing is lost."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import casekit
from tests.conftest import ADMIN_PASSWORD, PG
from tests.second_desk import PASSWORD, USERNAME
from xihu_desk.domain.roles import Role
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.services import audit, auth, case_queries, cases, users
from xihu_desk.store.models import AuditEvent

from .helpers import type_text, wait_op

pytestmark = pytest.mark.skipif(
    not PG, reason="two desks in two processes need one shared PostgreSQL database (bootstrap.py test --db postgresql)"
)

ROOT = Path(__file__).resolve().parents[2]
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d"


class SecondDesk:
    """tests/second_desk.py in its own process: started once, one save per request."""

    def __init__(self, url: str, uuid: str, mediators: list[str]) -> None:
        argv = [sys.executable, "-m", "tests.second_desk", url, uuid, json.dumps(mediators)]
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     encoding="utf-8")
        assert json.loads(self._line()) == {"ready": True}

    def _line(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "the second desk ended early"
        return line

    def save(self, summary: str, loaded: int | None = None) -> dict:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"summary": summary, "loaded": loaded}, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        return json.loads(self._line())

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)
        self.proc.stdout.close()


def _summary(db, actor, uuid) -> str:
    with db.read() as s:
        return case_queries.case_detail(s, actor, uuid)["summary"]


def test_two_processes_on_one_case_lose_nothing(qtbot, db, ctx, runner, message_mock, request) -> None:
    chen = casekit.head_actor(db)
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand(USERNAME, "林所长", Role.HEAD.value, PASSWORD))
    mediators = casekit.roster(db, chen)
    with db.write() as s:
        uuid = cases.open_case(s, chen, casekit.intake(db, mediators)).uuid
    url = ctx.data.server
    assert url and db.engine.dialect.name == "postgresql"

    form = CaseDialog(ctx, chen, uuid)  # desk one: the form read the case as it was
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    read = form.intake_version

    desk_two = SecondDesk(url, uuid, mediators)
    request.addfinalizer(desk_two.close)
    two = desk_two.save("林所长在另一台电脑上补充的情况。")  # desk two saves first
    assert two["ok"] and two["read"] == read

    form.tabs.setCurrentWidget(form.intake)
    form.intake.summary.clear()
    type_text(qtbot, form.intake.summary, "陈所长核实后的情况。")
    assert not wait_op(qtbot, runner, form.save_intake)
    refusal = message_mock.single("error").text
    assert re.search(rf"该案件已由 林所长 于 {STAMP} 修改，您的修改未保存；已保留您填写的内容", refusal), refusal
    assert form.intake.summary.toPlainText() == "陈所长核实后的情况。"  # the typing is kept
    assert _summary(db, chen, uuid) == "林所长在另一台电脑上补充的情况。"  # desk two's save stands

    assert wait_op(qtbot, runner, form.save_intake)  # looked at, saved again: applied
    assert _summary(db, chen, uuid) == "陈所长核实后的情况。"

    late = desk_two.save("林所长按旧版本再改。", loaded=two["version"])  # desk two's form, stale now
    assert not late["ok"] and re.search(rf"该案件已由 陈所长 于 {STAMP} 修改", late["refused"]), late
    assert _summary(db, chen, uuid) == "陈所长核实后的情况。"

    with db.read() as s:  # both saves are in the one audit chain, which verifies
        events = s.execute(select(AuditEvent).where(AuditEvent.entity_id == uuid).order_by(AuditEvent.seq)).scalars()
        saved = [(e.actor, e.after or "") for e in events]
        assert audit.verify_chain(s).ok
    assert any(a == USERNAME and "林所长在另一台电脑上补充的情况。" in after for a, after in saved), saved
    assert any(a == "head" and "陈所长核实后的情况。" in after for a, after in saved), saved
    assert not any("林所长按旧版本再改。" in after for _, after in saved)  # the refused save wrote nothing
