"""A case after closing (issue 14): corrections with a trail, reopening (再次调解), a linked new case,
voiding (作废, out of every statistic and ledger), 退回补正 in any state and back up in a bundle,
legacy imports completed and filed, filing with a follow-up still due, print verify superseded."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import casekit
from tests.test_cli import run
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.roles import Role
from xihu_desk.paths import DataDir
from xihu_desk.services import (
    audit,
    auth,
    case_ledger,
    case_lifecycle,
    case_queries,
    cases,
    demo,
    exchange,
    mediation_stats,
    node,
    printing,
    users,
)
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.case_models import CaseHistory, MediationCase
from xihu_desk.store.ledger_models import CaseImport
from xihu_desk.store.models import AuditEvent


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


@pytest.fixture
def roster(db, head):
    return casekit.roster(db, head)


def _closed_case(db, head, roster) -> str:
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, date(2026, 3, 2), "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
    return ref.uuid


def _detail(db, actor, uuid):
    with db.read() as s:
        return case_queries.case_detail(s, actor, uuid)


def _mediator_account(db, username="med1"):
    admin = auth.sign_in(db, "admin", "Xihu-2026-Beishan")
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand(username, "周调解", Role.MEDIATOR.value, "Mediator-pass-2026"))
    return auth.sign_in(db, username, "Mediator-pass-2026")


# ---------------------------------------------------------------- corrections


def test_a_closed_case_is_corrected_field_by_field_with_a_trail(db, head, roster):
    uuid = _closed_case(db, head, roster)
    before = _detail(db, head, uuid)
    assert before["status"] == "closed" and before["history"] == []
    assert {"summary", "agreement.clauses", "party.1.name", "party.2.id_number"} <= {
        f["name"] for f in before["correctable_fields"]}
    with db.write() as s:
        version = case_lifecycle.correct(s, head, uuid, [("party.1.name", "张叁"), ("agreement.amount", "3500")],
                                         "签字时当事人指出姓名和金额笔误")
    after = _detail(db, head, uuid)
    assert version == after["version"] == before["version"] + 1
    assert after["parties"][0]["name"] == "张叁" and after["agreement"]["amount"] == 3500
    assert after["title"].startswith("张叁与李四")  # the title follows the name
    assert [(h["field"], h["before"], h["after"], h["reason"], h["by"]) for h in after["history"]] == [
        ("party.1.name", "张三", "张叁", "签字时当事人指出姓名和金额笔误", "陈所长"),
        ("agreement.amount", "3000.00", "3500.00", "签字时当事人指出姓名和金额笔误", "陈所长")]
    with db.read() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "case.correct")).one()
    assert "张叁" in event.after and "张三" in event.before and event.entity_id == uuid
    # ID numbers stay masked in the trail
    with db.write() as s:
        case_lifecycle.correct(s, head, uuid, [("party.1.id_number", "33010619800101003X")], "证件号码录入错误")
    last = _detail(db, head, uuid)["history"][-1]
    assert "*" in last["before"] and "*" in last["after"]


@pytest.mark.parametrize("field, value, fragment", [
    ("summary", " ", "不能为空"), ("closed_on", "2026-02-01", "不能早于受理日期"), ("accepted_on", "2025-12-30", "同一年"),
    ("party.1.id_number", "330106198001010014", "校验"), ("nosuch", "x", "不是可更正的项目"),
    ("agreement.amount", "-1", "金额"), ("summary", "两家因楼上漏水发生争执。", "与原值相同"),
])
def test_a_bad_correction_is_refused_and_changes_nothing(db, head, roster, field, value, fragment):
    uuid = _closed_case(db, head, roster)
    version = _detail(db, head, uuid)["version"]
    with db.write() as s, pytest.raises(FieldError, match=fragment):
        case_lifecycle.correct(s, head, uuid, [(field, value)], "理由")
    assert _detail(db, head, uuid)["version"] == version


def test_who_may_correct(db, head, roster):
    uuid = _closed_case(db, head, roster)
    with db.write() as s, pytest.raises(FieldError, match="理由"):
        case_lifecycle.correct(s, head, uuid, [("summary", "新的情况")], "  ")
    # an open case is edited, not corrected
    with db.write() as s:
        open_ref = cases.open_case(s, head, casekit.intake(db, roster))
    with db.write() as s, pytest.raises(UserError, match="直接"):
        case_lifecycle.correct(s, head, open_ref.uuid, [("summary", "新的情况")], "理由")
    # a mediator whose account is not the case's mediator (once accounts are linked) may not
    mediator = _mediator_account(db)
    other = _mediator_account(db, "med2")
    with db.write() as s:
        from xihu_desk.store.case_models import Mediator
        s.get(Mediator, roster[0]).user_uuid = mediator.user_uuid
    with db.write() as s, pytest.raises(UserError, match="本案的调解员"):
        case_lifecycle.correct(s, other, uuid, [("summary", "新的情况")], "理由")
    with db.write() as s:
        case_lifecycle.correct(s, mediator, uuid, [("summary", "新的情况")], "理由")
    # filed: only the 所长
    with db.write() as s:
        cases.mark_id_proofs(s, head, uuid, True)
        cases.write_closing_report(s, head, uuid, date(2026, 3, 25), "协议已履行。")
        cases.file_case(s, head, uuid, "30y", date(2026, 4, 1), followup_reason="当事人电话确认已履行，无需上门回访。")
    with db.write() as s, pytest.raises(UserError, match="所长"):
        case_lifecycle.correct(s, mediator, uuid, [("summary", "再改")], "理由")
    with db.write() as s:
        case_lifecycle.correct(s, head, uuid, [("summary", "再改")], "所长更正")
    assert _detail(db, head, uuid)["status"] == "filed"


# ---------------------------------------------------------------- reopen, link, void


def test_reopen_keeps_the_number_and_history_and_the_case_can_close_again(db, head, roster):
    uuid = _closed_case(db, head, roster)
    number = _detail(db, head, uuid)["case_no"]
    with db.write() as s, pytest.raises(FieldError, match="理由"):
        case_lifecycle.reopen(s, head, uuid, "")
    with db.write() as s:
        case_lifecycle.reopen(s, head, uuid, "被申请人未按协议履行，申请人要求再次调解")
    d = _detail(db, head, uuid)
    assert d["case_no"] == number and d["status"] == "mediating" and d["outcome"] is None and d["closed_on"] is None
    assert d["history"][-1]["action"] == "reopen" and "李四赔偿张三3000元" in d["history"][-1]["before"]
    with db.write() as s, pytest.raises(UserError, match="调解中"):
        case_lifecycle.reopen(s, head, uuid, "再来")
    with db.write() as s:  # mediated again, a new agreement closes it
        cases.record_agreement(s, head, uuid, casekit.written_agreement(clauses=("李四于4月10日前赔偿张三3000元",)))
    assert _detail(db, head, uuid)["status"] == "closed"


def test_a_new_case_opened_from_an_old_one_is_linked_both_ways(db, head, roster):
    uuid = _closed_case(db, head, roster)
    with db.write() as s:
        ref = case_lifecycle.open_linked(s, head, uuid, "协议履行完毕后又因同一漏水发生新纠纷")
    new, old = _detail(db, head, ref.uuid), _detail(db, head, uuid)
    assert new["linked_from"]["uuid"] == uuid and old["linked_cases"] == [{"uuid": ref.uuid, "case_no": ref.case_no}]
    assert ref.case_no != old["case_no"] and [p["name"] for p in new["parties"]] == ["张三", "李四"]
    assert new["status"] == "accepted" and old["history"][-1]["action"] == "link"


def test_void_keeps_the_number_says_why_and_leaves_statistics_and_ledger(db, head, roster):
    keep = _closed_case(db, head, roster)
    gone = _closed_case(db, head, roster)
    q = mediation_stats.StatsQuery(date(2026, 1, 1), date(2026, 12, 31))
    with db.read() as s:
        stats_before = mediation_stats.compute(s, head, q)
    with db.write() as s:
        case_lifecycle.void(s, head, gone, "同一纠纷重复登记")
    d = _detail(db, head, gone)
    assert d["status"] == "void" and d["void"]["reason"] == "同一纠纷重复登记" and "同一纠纷重复登记" in d["status_label"]
    assert d["case_no"].endswith("0002号") and d["followup_due"] is None
    with db.read() as s:
        stats_after = mediation_stats.compute(s, head, q)
        rows = case_queries.list_cases(s, head, case_queries.CaseFilter(), date(2026, 12, 31))
        ledger_rows = case_ledger.ledger_rows(s, head, case_ledger.LedgerScope())
        summaries = case_queries.case_summaries(s, head, case_queries.CaseFilter(status="void"), date(2026, 12, 31))
    assert stats_before.total["accepted"] == 2 and stats_after.total["accepted"] == 1
    assert stats_after.total["succeeded"] == 1
    assert {r.uuid: r.status_label for r in rows}[gone] == "已作废（同一纠纷重复登记）"  # still listed, with why
    assert [r["number"] for r in ledger_rows] == [_detail(db, head, keep)["case_no"]]
    assert [(c["uuid"], c["void_reason"]) for c in summaries] == [(gone, "同一纠纷重复登记")]
    with db.write() as s, pytest.raises(UserError, match="作废"):
        cases.record_notice(s, head, gone, date(2026, 3, 3), "oral")
    with db.write() as s, pytest.raises(UserError, match="已经作废"):
        case_lifecycle.void(s, head, gone, "再次")


# ---------------------------------------------------------------- filing with a follow-up due


def test_filing_with_a_follow_up_due_needs_a_reason_and_clears_the_visit(db, head, roster):
    uuid = _closed_case(db, head, roster)
    with db.write() as s:
        cases.mark_id_proofs(s, head, uuid, True)
        cases.write_closing_report(s, head, uuid, date(2026, 3, 25), "协议已履行。")
    assert _detail(db, head, uuid)["followup_due"] == "2026-04-05"
    with db.write() as s, pytest.raises(FieldError, match="回访") as refused:
        cases.file_case(s, head, uuid, "30y", date(2026, 4, 1))
    assert refused.value.field == "followup_reason"
    with db.write() as s:
        cases.file_case(s, head, uuid, "30y", date(2026, 4, 1), followup_reason="双方当场履行完毕，电话确认无需回访")
    d = _detail(db, head, uuid)
    assert d["status"] == "filed" and d["followup_due"] is None
    assert d["history"][-1]["action"] == "file" and d["history"][-1]["before"] == "2026-04-05"


# ---------------------------------------------------------------- legacy ledger cases


def test_an_imported_legacy_case_can_be_completed_and_filed(db, head):
    sample = Path(__file__).parent / "data" / "sample-ledger-cases.xlsx"
    with db.write() as s:
        case_ledger.import_ledger(s, cli_actor(), sample.read_bytes(), file_name=sample.name)
    with db.read() as s:
        uuid = s.scalar(select(MediationCase.uuid).join(CaseImport, CaseImport.case_uuid == MediationCase.uuid)
                        .where(MediationCase.status == "closed", MediationCase.outcome == "failed").limit(1))
    d = _detail(db, head, uuid)
    assert d["imported"] and d["filing"]["missing"]
    accepted = date.fromisoformat(d["accepted_on"])
    when = casekit.record().held_at.replace(year=accepted.year, month=accepted.month, day=accepted.day)
    with db.write() as s:
        cases.record_notice(s, head, uuid, accepted, "oral")
        cases.add_record(s, head, uuid, casekit.record(when=when))
        cases.mark_id_proofs(s, head, uuid, True)
        cases.write_closing_report(s, head, uuid, date.fromisoformat(d["closed_on"]), "按原纸质卷宗补录。")
        cases.file_case(s, head, uuid, "10y", date.fromisoformat(d["closed_on"]))
    assert _detail(db, head, uuid)["status"] == "filed"


# ---------------------------------------------------------------- print verify


def test_print_verify_says_a_corrected_document_is_superseded(db, head, roster):
    uuid = _closed_case(db, head, roster)
    with db.write() as s:
        printed = printing.print_document(s, head, "agreement", uuid)
    with db.write() as s:
        case_lifecycle.correct(s, head, uuid, [("reported_to", "北山派出所")], "无关协议的更正")
    with db.read() as s:
        assert printing.verify(s, head, printed.code).result == "match-older-version"
    with db.write() as s:
        case_lifecycle.correct(s, head, uuid, [("agreement.clauses", "李四于3月20日前修复漏水\n李四赔偿张三3500元")],
                               "赔偿金额笔误")
    with db.read() as s:
        v = printing.verify(s, head, printed.code)
    assert not v.ok and v.result == "superseded" and "赔偿金额笔误" in v.message and "取代" in v.message
    with db.write() as s:
        case_lifecycle.void(s, head, uuid, "误登记")
    with db.read() as s:
        assert printing.verify(s, head, printed.code).result == "void"


# ---------------------------------------------------------------- command line


def test_cli_correct_reopen_void_and_show_history(capsys, data_dir):
    home = str(data_dir.root)
    run(capsys, "demo", "--data-dir", home, "--seed", "5", "--cases", "40")
    code, out, _ = run(capsys, "case", "list", "--data-dir", home, "--status", "closed", "--json")
    closed = [c for c in json.loads(out)["cases"] if c["outcome"] == "succeeded"]
    number = closed[0]["case_no"]
    code, out, _ = run(capsys, "case", "show", number, "--data-dir", home, "--json")
    shown = json.loads(out)
    assert code == 0 and "summary" in {f["name"] for f in shown["correctable_fields"]} and "history" in shown
    code, out, _ = run(capsys, "case", "correct", number, "--field", "summary", "--value", "更正后的纠纷简要情况",
                       "--reason", "登记时笔误", "--data-dir", home, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["version"] == shown["version"] + 1
    assert doc["history"][0]["after"] == "更正后的纠纷简要情况" and doc["history"][0]["reason"] == "登记时笔误"
    code, _, err = run(capsys, "case", "correct", number, "--field", "summary", "--value", "x", "--reason", " ",
                       "--data-dir", home)
    assert code == 1 and "理由" in err
    code, _, _ = run(capsys, "case", "correct", number, "--field", "summary", "--data-dir", home)
    assert code == 2
    code, out, _ = run(capsys, "case", "reopen", number, "--reason", "协议未履行，再次调解", "--data-dir", home, "--json")
    assert code == 0 and json.loads(out)["status"] == "mediating"
    code, out, _ = run(capsys, "case", "void", number, "--reason", "重复登记", "--data-dir", home, "--json")
    assert code == 0 and json.loads(out)["status"] == "void"
    code, out, _ = run(capsys, "case", "show", number, "--data-dir", home, "--json")
    shown = json.loads(out)
    assert [h["action"] for h in shown["history"]][-3:] == ["correct", "reopen", "void"]
    assert all({"version", "by", "at", "reason", "field", "before", "after"} <= set(h) for h in shown["history"])
    assert shown["void"]["reason"] == "重复登记" and shown["correctable_fields"] == []
    code, out, _ = run(capsys, "case", "show", number, "--data-dir", home)
    assert "已作废（重复登记）" in out and "重新调解" in out
    code, out, _ = run(capsys, "case", "list", "--status", "void", "--data-dir", home, "--json")
    assert number in {c["case_no"] for c in json.loads(out)["cases"]}
    code, _, err = run(capsys, "case", "reopen", number, "--reason", "x", "--data-dir", home)
    assert code == 1 and "作废" in err


def test_demo_makes_corrected_reopened_and_void_cases(db):
    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=7, cases=80, today=date(2026, 11, 20)))
    with db.read() as s:
        actions = set(s.scalars(select(CaseHistory.action)))
        void = s.scalar(select(func.count()).select_from(MediationCase).where(MediationCase.status == "void"))
    assert {"correct", "reopen", "void"} <= actions and void >= 1


# ---------------------------------------------------------------- bundles


class _Node:
    def __init__(self, root: Path):
        self.data = DataDir(root)
        self.db = migrate.open_database(self.data).db

    def key(self) -> dict:
        with self.db.read() as s:
            return exchange.export_key(s, cli_actor())

    def enrol(self, other: _Node) -> None:
        with self.db.write() as s:
            exchange.enrol(s, cli_actor(), other.key())


def test_a_correction_travels_up_and_a_returned_case_is_corrected_in_any_state(data_dir, tmp_path):
    township = _Node(data_dir.root)
    with township.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=11, cases=20, today=date(2026, 11, 20)))
    district = _Node(tmp_path / "district")
    with district.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    district.enrol(township)
    township.enrol(district)
    (tmp_path / "1").mkdir()
    first = exchange.export_bundle(township.data, township.db, cli_actor(), tmp_path / "1")
    exchange.take_receipt(township.db, cli_actor(), exchange.import_bundle(district.data, district.db, cli_actor(),
                                                                           first.file).receipt)
    head = casekit.head_actor(township.db)
    with township.db.read() as s:
        filed = s.scalar(select(MediationCase.uuid).where(MediationCase.status == "filed").limit(1))
    # The district returns a filed case; a mediator corrects it although it is filed.
    with district.db.write() as s:
        exchange.return_for_correction(s, cli_actor(), filed, "受理日期与原始登记不符，请核对")
    (tmp_path / "d").mkdir()
    down = exchange.export_bundle(district.data, district.db, cli_actor(), tmp_path / "d", to="330106002")
    exchange.import_bundle(township.data, township.db, cli_actor(), down.file)
    mediator = _mediator_account(township.db)
    d = _detail(township.db, head, filed)
    assert d["returned_for_correction"][0]["comment"] == "受理日期与原始登记不符，请核对" and d["correctable_fields"]
    with township.db.write() as s:
        case_lifecycle.correct(s, mediator, filed, [("summary", "按区局退回意见更正的纠纷简要情况")], "区局退回补正")
    (tmp_path / "2").mkdir()
    second = exchange.export_bundle(township.data, township.db, cli_actor(), tmp_path / "2")
    assert second.counts["case"] == 1
    got = exchange.import_bundle(district.data, district.db, cli_actor(), second.file)
    assert got.counts["accepted"] == 1
    there = _detail(district.db, cli_actor(), filed)
    assert there["summary"] == "按区局退回意见更正的纠纷简要情况" and there["status"] == "filed"
    assert [(h["action"], h["reason"]) for h in there["history"]][-1] == ("correct", "区局退回补正")
    assert there["history"][-1]["by"] == "周调解"


def test_audit_names_every_lifecycle_action():
    for action in ("case.correct", "case.reopen", "case.void", "case.link"):
        assert action in audit.ACTION_LABELS, action


def test_cli_print_verify_reports_a_superseded_paper(capsys, data_dir, db, head, roster, tmp_path):
    uuid = _closed_case(db, head, roster)
    home = str(data_dir.root)
    number = _detail(db, head, uuid)["case_no"]
    code, out, _ = run(capsys, "print", "agreement", number, "-o", str(tmp_path / "a.pdf"), "--data-dir", home, "--json")
    assert code == 0
    printed = json.loads(out)["code"]
    code, _, _ = run(capsys, "case", "correct", number, "--field", "agreement.clauses",
                     "--value", "李四于3月20日前修复漏水\\n李四赔偿张三3500元", "--reason", "金额笔误", "--data-dir", home)
    assert code == 0
    assert _detail(db, head, uuid)["agreement"]["clauses"] == ["李四于3月20日前修复漏水", "李四赔偿张三3500元"]
    code, out, _ = run(capsys, "print", "verify", printed, "--data-dir", home, "--json")
    assert code == 1 and json.loads(out)["result"] == "superseded"


def test_a_long_party_name_keeps_the_history_label_within_its_column(db, head, roster):
    uuid = _closed_case(db, head, roster)
    long_name = "张" * 60
    with db.write() as s:
        case_lifecycle.correct(s, head, uuid, [("party.1.name", long_name)], "按营业执照全称更正")
        case_lifecycle.correct(s, head, uuid, [("party.1.phone", "13900000009")], "电话变更")
    last = _detail(db, head, uuid)["history"][-1]
    assert len(last["field_label"]) <= 40 and last["field_label"].startswith("当事人1")


def test_a_history_row_changed_outside_the_app_shows_in_check(db, head, roster, data_dir):
    from tests import anydb
    from xihu_desk.store import digests

    uuid = _closed_case(db, head, roster)
    with db.write() as s:
        case_lifecycle.correct(s, head, uuid, [("summary", "更正后的情况")], "登记笔误")
    with anydb.cursor(data_dir) as cur:
        assert digests.verify(cur).ok
        cur.execute("UPDATE case_history SET reason = '另有理由' WHERE case_uuid = ?", (uuid,))
    with anydb.cursor(data_dir) as cur:
        assert [u for u, _no in digests.verify(cur).changed] == [uuid]


@pytest.mark.sqlite_only  # writes the file's rows with sqlite3, as the sqlite3 shell would
def test_digests_made_before_case_history_still_verify(db, head, roster, data_dir):
    import json as _json

    from xihu_desk.store import dialect, digests, sqlfile

    uuid = _closed_case(db, head, roster)
    conn = sqlfile.connect(data_dir.database)
    cur = dialect.wrap(conn)  # the digest code reads through the dialect's cursor (? placeholders, columns)
    key = digests._key(cur)
    old = {t: c for t, c in digests._columns(cur).items() if t != "case_history"}  # as before migration 0010
    tag = digests._tag(old)
    known = digests._known(cur) | {tag: old}
    cur.execute("UPDATE meta SET value = ? WHERE key = ?", (_json.dumps(known), digests.COLUMNS_KEY))
    cur.execute("UPDATE record_digest SET digest = ? WHERE case_uuid = ?",
                (f"{tag}:{digests._digest(key, old, digests._rows(cur, old, [uuid])[uuid])}", uuid))
    conn.commit()
    assert digests.verify(conn).ok
    conn.close()
