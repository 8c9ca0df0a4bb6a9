"""The demo's legality-review work (services/demo_review_work.py): checklists in keeping with each
open opinion's conclusion, and the office's list with a few items that needed a review and got none;
its own generator leaves the demo's review items as they were."""

from __future__ import annotations

import json

from tests.test_review_cli import run


def test_demo_fills_checklists_and_the_office_list(capsys, data_dir):
    home = str(data_dir.root)
    code, out, err = run(capsys, "demo", "--data-dir", home, "--seed", "5", "--cases", "0", "--json")
    assert code == 0 and json.loads(out)["reviews"] == 30, err
    code, out, _ = run(capsys, "review", "list", "--data-dir", home, "--status", "opinion", "--json")
    items = json.loads(out)["reviews"]
    assert items
    for r in items:
        code, out, _ = run(capsys, "review", "show", r["number"], "--data-dir", home, "--json")
        d = json.loads(out)
        answers = {c["key"]: c["answer"] for c in d["checklist"]}
        assert all(answers[k] for k in ("subject", "authority", "content", "procedure")), r["number"]
        if d["opinion"]["conclusion"] != "lawful":
            assert "fail" in answers.values() and all(c["note"] for c in d["checklist"] if c["answer"] == "fail")
    from xihu_desk.paths import DataDir
    from xihu_desk.services import review_matters
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate

    opened = migrate.open_database(DataDir(data_dir.root))
    try:
        with opened.db.read() as s:
            rows = review_matters.list_matters(s, cli_actor())
    finally:
        opened.db.dispose()
    states = [r.state for r in rows]
    assert states.count("missing") == 3 and states.count("exempt") == 2 and states.count("reviewed") >= 5
