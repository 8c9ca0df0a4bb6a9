"""Opening a database whose reference data is current takes no write lock and loads neither the
seeding code nor the models it fills (issue 15); a kind whose stored version differs from the
shipped file is still (re)loaded at the next open, and only that kind."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests import anydb
from xihu_desk.paths import DataDir
from xihu_desk.store import migrate, reference_check

def open_and_close(data: DataDir) -> migrate.OpenResult:
    opened = migrate.open_database(data)
    opened.db.dispose()
    migrate.end_sessions()
    return opened


def test_a_current_node_needs_no_load(data_dir: DataDir):
    assert open_and_close(data_dir).reference_loaded == []
    loaded = reference_check.stored(anydb.rows(data_dir, reference_check.QUERY))
    assert reference_check.due(loaded) == []
    assert set(reference_check.shipped()) <= set(loaded)


@pytest.mark.parametrize("kind", reference_check.KINDS)
def test_an_out_of_date_kind_is_loaded_again(data_dir: DataDir, kind: str):
    if kind not in reference_check.shipped():
        pytest.skip(f"{kind}.json is not shipped")
    anydb.execute(data_dir, "UPDATE meta SET value = 'old' WHERE key = :k", params={"k": f"reference.{kind}"})
    assert open_and_close(data_dir).reference_loaded == [kind]
    assert open_and_close(data_dir).reference_loaded == []


PROBE = """
import sys
from xihu_desk.paths import DataDir
from xihu_desk.store import migrate
migrate.open_database(DataDir(sys.argv[1])).db.dispose()
migrate.end_sessions()
print(",".join(m for m in ("xihu_desk.store.seed", "xihu_desk.store.review_models",
                           "xihu_desk.store.mediator_models", "xihu_desk.store.case_models") if m in sys.modules))
"""


def test_opening_a_current_node_loads_no_models(data_dir: DataDir):
    open_and_close(data_dir)
    done = subprocess.run([sys.executable, "-c", PROBE, str(data_dir.root)], capture_output=True, text=True,
                          timeout=120, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1:] in ([], [""]), done.stdout
