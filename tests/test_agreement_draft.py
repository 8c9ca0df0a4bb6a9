"""The draft agreement stored at the signing table (issue 14): saved and replaced without a new
case version, audited, printed as 草稿 from the store, removed when the agreement is registered;
refused once the case is closed; from the command line too."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from tests import casekit
from tests.test_documents import needs_poppler, pdf_text
from tests.test_documents_draft import _mediating, _prints
from xihu_desk import cli
from xihu_desk.domain.cases import Outcome
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import agreement_drafts, case_queries, cases, printing
from xihu_desk.store import digests, migrate
from xihu_desk.store.case_models import AgreementDraft
from xihu_desk.store.models import AuditEvent


def _version(db, uuid: str) -> int:
    with db.read() as s:
        return cases.get_case(s, uuid).version


def _audited(db, uuid: str) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent.summary).where(
            AuditEvent.entity_id == uuid, AuditEvent.action == "case.agreement_draft").order_by(AuditEvent.seq)))


def test_save_replace_and_register_removes_the_draft(db):
    head, uuid = _mediating(db)
    version = _version(db, uuid)
    typed = casekit.written_agreement(clauses=("李四于3月20日前修复漏水", "张三不再追究"), effective_on=None)
    with db.write() as s:
        stored = agreement_drafts.save(s, head, uuid, typed)
    assert stored.agreement.clauses == ("李四于3月20日前修复漏水", "张三不再追究") and stored.saved_by
    with db.write() as s:  # a typo found at the table: the draft is replaced, not added to
        agreement_drafts.save(s, head, uuid, replace(typed, clauses=("李四于3月25日前修复漏水", "张三不再追究")))
    with db.read() as s:
        again = agreement_drafts.read(s, head, uuid)
        assert s.query(AgreementDraft).count() == 1
        detail = case_queries.case_detail(s, head, uuid)
    assert again is not None and again.agreement.clauses[0] == "李四于3月25日前修复漏水"
    assert again.agreement.effective_on is None and again.agreement.performance_method == typed.performance_method
    # not a change to the case: same version, no history, still mediating, nothing registered
    assert _version(db, uuid) == version and detail["status"] == "mediating" and detail["agreement"] is None
    assert not detail["history"]
    summaries = _audited(db, uuid)
    assert len(summaries) == 2 and all("协议草稿保存" in x for x in summaries)
    assert "2 条" in summaries[0] and "替换" in summaries[1]
    with db.read() as s:  # the case's digest covers the draft: written by the app, nothing reported
        assert digests.verify(s.connection().connection.driver_connection).ok
    with db.write() as s:  # a clause changed outside the app is reported
        s.connection().exec_driver_sql("UPDATE agreement_draft SET clauses = '[\"改过的\"]'")
        digests.touch(s, [])
    with db.read() as s:
        assert [u for u, _ in digests.verify(s.connection().connection.driver_connection).changed] == [uuid]
    with db.write() as s:
        agreement_drafts.save(s, head, uuid, again.agreement)
    with db.write() as s:
        cases.record_agreement(s, head, uuid, replace(typed, clauses=again.agreement.clauses,
                                                      effective_on=casekit.ACCEPTED.replace(day=6)))
    with db.read() as s:
        assert agreement_drafts.read(s, head, uuid) is None
        assert case_queries.case_detail(s, head, uuid)["agreement"]["clauses"][0] == "李四于3月25日前修复漏水"


def test_a_closed_or_filed_case_refuses_a_draft(db):
    head, uuid = _mediating(db)
    typed = casekit.written_agreement()
    with db.write() as s:
        with pytest.raises(FieldError) as no_clause:
            agreement_drafts.save(s, head, uuid, replace(typed, clauses=("  ",)))
        assert no_clause.value.field == "clauses"
    with db.write() as s:
        agreement_drafts.save(s, head, uuid, typed)
        cases.close_without_agreement(s, head, uuid, Outcome.FAILED, casekit.ACCEPTED.replace(day=6), "双方分歧过大",
                                      routes_told=True)
    with db.read() as s:
        assert agreement_drafts.read(s, head, uuid) is None  # mediation ended: no agreement will be signed
    with db.write() as s, pytest.raises(UserError, match="已结案"):
        agreement_drafts.save(s, head, uuid, typed)
    head2, filed = _mediating_filed(db)
    with db.write() as s, pytest.raises(UserError, match="归档"):
        agreement_drafts.save(s, head2, filed, typed)


def _mediating_filed(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head, names=("郑调解", "王调解"))
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
        cases.write_closing_report(s, head, ref.uuid, casekit.ACCEPTED.replace(day=7), "调解成功，当场履行。")
        cases.mark_id_proofs(s, head, ref.uuid, True)
        case = cases.get_case(s, ref.uuid)
        case.followup_due = None
    with db.write() as s:
        cases.file_case(s, head, ref.uuid, "10y", casekit.ACCEPTED.replace(day=8))
    return head, ref.uuid


@needs_poppler
def test_the_stored_draft_prints_as_a_draft(db, tmp_path):
    head, uuid = _mediating(db)
    with db.write() as s:
        agreement_drafts.save(s, head, uuid, casekit.written_agreement(clauses=("王五于4月1日前赔偿", "其余不究"),
                                                                    effective_on=None))
        p = printing.print_document(s, head, "agreement", uuid, draft=True)
    text = pdf_text(p.pdf, tmp_path)
    assert p.draft and not p.code and "王五于4月1日前赔偿" in text and "草稿" in text and "核验码：" not in text
    assert not _prints(db, uuid)


def test_command_line_draft_agreement_then_print_draft(data_dir, capsys, tmp_path):
    opened = migrate.open_database(data_dir)
    head, uuid = _mediating(opened.db)
    with opened.db.read() as s:
        case_no = case_queries.case_detail(s, head, uuid)["case_no"]
    base = ["--data-dir", str(data_dir.root)]
    assert cli.main(["case", "draft-agreement", case_no, "--clause", "李四于3月20日前修复漏水",
                     "--clause", "张三不再追究", "--method", "自行修复", "--deadline", "2026-03-20",
                     "--amount", "350.50", "--json", *base]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["case_no"] == case_no and doc["clauses"] == ["李四于3月20日前修复漏水", "张三不再追究"]
    assert doc["amount"] == 350.5 and doc["performance_deadline"] == "2026-03-20"
    assert cli.main(["case", "draft-agreement", case_no, "--clause", "李四于3月25日前修复漏水", *base]) == 0
    assert "已保存协议草稿" in capsys.readouterr().out
    assert cli.main(["case", "show", case_no, *base]) == 0
    assert "协议草稿（尚未登记" in capsys.readouterr().out
    out = tmp_path / "协议草稿.pdf"
    assert cli.main(["print", "agreement", case_no, "--draft", "-o", str(out), "--json", *base]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["draft"] is True and printed["code"] is None and out.read_bytes().startswith(b"%PDF")
    assert not _prints(opened.db, uuid)
    with pytest.raises(SystemExit) as usage:
        cli.main(["case", "draft-agreement", case_no, "--clause", "x", "--amount", "12.345", *base])
    assert usage.value.code == 2 and "最多两位小数" in capsys.readouterr().err
    opened.db.dispose()


@needs_poppler
def test_command_line_draft_pdf_says_draft_and_has_no_code(data_dir, capsys, tmp_path):
    opened = migrate.open_database(data_dir)
    head, uuid = _mediating(opened.db)
    with opened.db.read() as s:
        case_no = case_queries.case_detail(s, head, uuid)["case_no"]
    base = ["--data-dir", str(data_dir.root)]
    assert cli.main(["case", "draft-agreement", case_no, "--clause", "李四于3月25日前修复漏水",
                     "--facts", "李四家卫生间漏水导致张三家天花板受损。", *base]) == 0
    out = tmp_path / "协议草稿.pdf"
    assert cli.main(["print", "agreement", case_no, "--draft", "-o", str(out), *base]) == 0
    capsys.readouterr()
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "李四于3月25日前修复漏水" in text and "天花板受损" in text and "草稿" in text and "核验码：" not in text
    opened.db.dispose()
