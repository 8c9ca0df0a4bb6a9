"""The login window comes before the rest of the program is loaded (issue 15): up to it, no page of
the main window, no Alembic, no Excel, PDF, Word or crypto library, no ORM, model module or service
(they load after the window, services/preload.py), and SQLAlchemy's core before Qt (PySide6's import
hook makes every module imported after it dearer); and the program's clean exit ends its
session, so the next start skips the integrity check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import PG
from xihu_desk.store import clean_exit

PROBE = """
import sys
from xihu_desk import app
code = app.main(["--data-dir", sys.argv[1], "--startup-check"])
heavy = [m for m in ("xihu_desk.gui.mainwindow", "alembic", "openpyxl", "reportlab", "docx", "cryptography",
                   "qtawesome", "stdnum", "xihu_desk.store.seed", "xihu_desk.gui.wizard", "xihu_desk.store.models",
                   "xihu_desk.store.case_models", "xihu_desk.services.audit", "xihu_desk.services.node",
                   "xihu_desk.services.auth", "xihu_desk.services.attachments", "sqlalchemy.orm") if m in sys.modules]
order = list(sys.modules)  # in the order they were imported
if order.index("sqlalchemy") > order.index("PySide6"):
    heavy.append("sqlalchemy after PySide6")
print("result", code, ",".join(heavy))
"""


def test_the_login_window_loads_no_main_window_and_a_clean_exit_ends_the_session(data_dir):
    shutil.rmtree(data_dir.root / clean_exit.SESSIONS, ignore_errors=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", PROBE, str(data_dir.root)], capture_output=True, text=True,
                          timeout=120, env=env, encoding="utf-8")
    assert "startup-check: LoginDialog" in done.stdout, done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("result")][-1]
    assert line.split(" ", 2)[1:] == ["0", ""], line
    if PG:  # the clean-exit markers decide the SQLite file's start-up check; a server has neither
        return
    assert not list((data_dir.root / clean_exit.SESSIONS).glob("*.open"))
    assert clean_exit.verdict(data_dir.root, data_dir.database).check is False
