"""Drafts (草稿) while the case is mediated, and the 司法确认申请书: what each prints, what each
leaves in the record, the command line."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from tests import casekit
from tests.test_documents import needs_poppler, pdf_text, squash
from xihu_desk import cli
from xihu_desk.services import case_queries, cases, printing
from xihu_desk.store import migrate
from xihu_desk.store.models import AuditEvent


def _mediating(db):
    """A case at the signing table: notice given, mediation recorded, no agreement registered."""
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
    return head, ref.uuid


def _prints(db, uuid: str) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid, AuditEvent.action == "case.print")))


@needs_poppler
def test_a_draft_agreement_before_registering_has_no_code_and_is_not_recorded(db, tmp_path):
    head, uuid = _mediating(db)
    typed = casekit.written_agreement(clauses=("李四于3月20日前修复漏水",))
    with db.write() as s:
        with pytest.raises(printing.Incomplete, match="尚未登记调解协议"):
            printing.print_document(s, head, "agreement", uuid)
        with pytest.raises(printing.Incomplete, match=r"尚未填写调解协议.*打印草稿"):
            printing.print_document(s, head, "agreement", uuid, draft=True)  # nothing typed, nothing stored
        draft = printing.print_document(s, head, "agreement", uuid, draft=True, agreement=typed)
    text = pdf_text(draft.pdf, tmp_path)
    assert draft.draft and draft.code == "" and draft.file_name.endswith("人民调解协议书（草稿）.pdf")
    assert "李四于3月20日前修复漏水" in text and "草稿" in text and "核验码：" not in text
    assert squash("无核验码") in squash(text)
    assert not _prints(db, uuid)  # not counted as printed
    with db.read() as s:  # the case is untouched: still mediating, no agreement stored
        d = case_queries.case_detail(s, head, uuid)
    assert d["status"] == "mediating" and d["agreement"] is None
    # a clause changed at the table: the next draft shows it
    with db.write() as s:
        again = printing.print_document(s, head, "agreement", uuid, draft=True,
                                        agreement=replace(typed, clauses=("李四于3月25日前修复漏水",)))
    assert "3月25日" in pdf_text(again.pdf, tmp_path)
    # registered after signing: the print for the record carries a code and is recorded
    with db.write() as s:
        cases.record_agreement(s, head, uuid, replace(typed, clauses=("李四于3月25日前修复漏水",)))
        final = printing.print_document(s, head, "agreement", uuid)
        with pytest.raises(Exception, match="只能打印草稿"):
            printing.print_document(s, head, "agreement", uuid, agreement=typed)
    assert final.code and "草稿" not in pdf_text(final.pdf, tmp_path) and len(_prints(db, uuid)) == 1


@needs_poppler
def test_every_document_drafts_in_any_state_it_has_content_for(db, tmp_path):
    head, uuid = _mediating(db)
    with db.write() as s:
        for kind in ("application", "register", "notice", "record"):
            p = printing.print_document(s, head, kind, uuid, draft=True)
            assert p.draft and not p.code and "草稿" in pdf_text(p.pdf, tmp_path), kind
        with pytest.raises(printing.Incomplete, match="尚未登记调解结果"):
            printing.print_document(s, head, "closing", uuid, draft=True)
    assert not _prints(db, uuid)


@needs_poppler
def test_the_confirmation_application_names_the_parties_the_agreement_and_the_court(db, tmp_path):
    head, uuid = _mediating(db)
    with db.write() as s:
        cases.record_agreement(s, head, uuid, casekit.written_agreement())
        p = printing.print_document(s, head, "confirmation", uuid)
    text = squash(pdf_text(p.pdf, tmp_path))
    for needle in ("司法确认申请书", "张三", "李四", "330106198001010013", "11010519491231002X", "2026年3月6日",
                   "（2026）北山人调字第0001号", "北山街道人民调解委员会", "杭州市西湖区人民法院", "此致",
                   "申请人（签名并按指印）", "恶意串通"):
        assert squash(needle) in text, needle
    assert p.code.startswith("Q")
    with db.read() as s:
        assert printing.verify(s, head, p.code).result == "match"
    # the court recorded on the case comes before the default
    with db.write() as s:
        cases.record_confirmation(s, head, uuid, cases.ConfirmationInput(casekit.ACCEPTED.replace(day=10), "杭州铁路运输法院"))
        recorded = printing.print_document(s, head, "confirmation", uuid)
    assert squash("杭州铁路运输法院") in squash(pdf_text(recorded.pdf, tmp_path))
    # the court's decision recorded later does not make the application look changed; another court does
    with db.write() as s:
        cases.record_confirmation(s, head, uuid, cases.ConfirmationInput(
            casekit.ACCEPTED.replace(day=10), "杭州铁路运输法院", "confirmed", casekit.ACCEPTED.replace(day=20)))
    with db.read() as s:
        assert printing.verify(s, head, recorded.code).result == "match-older-version"
    with db.write() as s:
        cases.record_confirmation(s, head, uuid, cases.ConfirmationInput(casekit.ACCEPTED.replace(day=10), "杭州互联网法院"))
    with db.read() as s:
        assert printing.verify(s, head, recorded.code).result == "changed"


def test_command_line_draft_and_confirmation(data_dir, capsys, tmp_path):
    opened = migrate.open_database(data_dir)
    head, uuid = _mediating(opened.db)
    with opened.db.read() as s:
        case_no = case_queries.case_detail(s, head, uuid)["case_no"]
    base = ["--data-dir", str(data_dir.root)]
    out = tmp_path / "申请书草稿.pdf"
    assert cli.main(["print", "application", case_no, "--draft", "-o", str(out), "--json", *base]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["draft"] is True and doc["code"] is None and out.read_bytes().startswith(b"%PDF")
    assert cli.main(["print", "agreement", case_no, "--draft", "-o", str(tmp_path / "a.pdf"), *base]) == 1
    assert "尚未填写调解协议" in capsys.readouterr().err
    assert cli.main(["print", "confirmation", case_no, "-o", str(tmp_path / "c.pdf"), *base]) == 1
    assert "司法确认" in capsys.readouterr().err
    with opened.db.write() as s:
        cases.record_agreement(s, head, uuid, casekit.written_agreement())
    assert cli.main(["print", "confirmation", case_no, "-o", str(tmp_path / "c.pdf"), *base]) == 0
    assert "司法确认申请书" in capsys.readouterr().out and (tmp_path / "c.pdf").exists()
    assert len(_prints(opened.db, uuid)) == 1  # the confirmation; the draft left no print record
    opened.db.dispose()
