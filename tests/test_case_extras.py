"""Attachments by content hash, and the home page's case figures and to-do list."""

from __future__ import annotations

from datetime import date

import pytest

from tests import casekit
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import attachments, case_queries, cases, home


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


def test_attachment_stored_once_by_hash_and_counts_for_filing(data_dir, db, head, tmp_path):
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    scan = tmp_path / "身份证复印件.jpg"
    scan.write_bytes(b"\xff\xd8 fake jpeg bytes" * 100)
    with db.write() as s:
        first = attachments.add_attachment(s, head, data_dir.root, ref.uuid, "id_proof", scan)
        second = attachments.add_attachment(s, head, data_dir.root, ref.uuid, "evidence", scan)
    assert first != second
    stored = list((data_dir.root / "attachments").rglob("*"))
    assert len([p for p in stored if p.is_file()]) == 1  # the same bytes are kept once
    with db.read() as s:
        d = case_queries.case_detail(s, head, ref.uuid)
    assert [a["file_name"] for a in d["attachments"]] == ["身份证复印件.jpg"] * 2
    item3 = next(i for i in d["filing"]["contents"] if i["number"] == 3)
    assert item3["present"]
    with db.write() as s, pytest.raises(FieldError):
        attachments.add_attachment(s, head, data_dir.root, ref.uuid, "no-such-kind", scan)
    with db.write() as s, pytest.raises(UserError, match="找不到"):
        attachments.add_attachment(s, head, data_dir.root, ref.uuid, "photo", tmp_path / "missing.png")


def test_home_shows_case_figures_and_due_items(db, head):
    roster = casekit.roster(db, head)
    with db.write() as s:
        cases.open_case(s, head, casekit.intake(db, roster))
    with db.read() as s:
        summary = home.summary(s, head, today=date(2026, 4, 10))
    figures = {f.label: f.value for f in summary.figures}
    assert figures["在办案件"] == 1 and figures["本月受理"] == 0
    due = next(d for d in summary.due if d.kind == "cases")  # beside the platform's 对账 reminder for March
    assert due.area == "cases" and due.overdue and due.record_uuid
    assert "（2026）北山人调字第0001号" in due.title
