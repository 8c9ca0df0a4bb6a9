"""卷宗评查 (issue 20): a complete file scores full marks; every defect planted in a case is named
with its points and, for a paper, its 卷内目录 number; the office's criteria file wins and a wrong
one is refused; `casefile score`/`casefile review -o` on the command line; the dialog."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import text

from tests import casekit
from tests.test_cli import run
from xihu_desk.domain import casefile_review as rules
from xihu_desk.domain.errors import UserError
from xihu_desk.services import case_queries, casefile_review, cases

CLOSED = date(2026, 3, 6)


def _complete(db) -> tuple:
    """A case with everything a file needs: notice, ID proofs, records, agreement, a visit within
    30 days, the closing report, filed the day after."""
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.mark_id_proofs(s, head, ref.uuid, True)
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
        cases.add_followup(s, head, ref.uuid, cases.FollowUpInput(date(2026, 3, 21), "张三", "周调解", "full"))
        cases.write_closing_report(s, head, ref.uuid, CLOSED, "调解成功，协议已履行完毕。")
        cases.file_case(s, head, ref.uuid, "10y", date(2026, 3, 22))
    return head, ref.uuid


def test_a_complete_file_scores_full_marks(db):
    head, uuid = _complete(db)
    with db.read() as s:
        score = casefile_review.score_case(s, head, uuid)
    assert (score.score, score.max, score.defects) == (100, 100, [])


def test_every_planted_defect_is_named_with_its_points(db):
    head, uuid = _complete(db)
    with db.read() as s:
        case = case_queries.case_detail(s, head, uuid)
    bad = copy.deepcopy(case)
    bad["notice_given_on"] = "2026-03-06"  # after the mediation of 3月5日
    for item in bad["filing"]["contents"]:
        if item["number"] in (3, 12):  # ID proofs and the closing report missing
            item["present"] = False
    bad["records"][0]["recorder"] = ""
    bad["records"][0]["notice_announced"] = False
    bad["agreement"]["performance_deadline"] = None
    bad["agreement"]["performance_method"] = ""
    bad["due_on"], bad["closed_on"] = "2026-03-05", "2026-03-06"  # closed a day late
    bad["followups"] = []  # and nobody visited
    bad["filing"]["filed_on"] = None
    score = rules.score(bad, rules.load(), date(2026, 6, 1))
    got = {(d.item, d.points, d.reason) for d in score.defects}
    assert got == {
        ("权利义务告知", 10, "权利义务告知（2026-03-06）晚于首次调查或调解（2026-03-05）"),
        ("当事人身份证明", 5, "缺少当事人身份证明（卷内目录第3项）"),
        ("调查、调解记录", 5, "第1份调解记录（2026-03-05）未写记录人"),
        ("调查、调解记录", 5, "第1份调解记录（2026-03-05）未记载告知当事人权利义务"),
        ("协议内容完整（不成功的写明原因并告知其他途径）", 5, "协议未写明履行方式"),
        ("协议内容完整（不成功的写明原因并告知其他途径）", 5, "协议未写明履行期限"),
        ("按期办结", 10, "超过调解期限结案（期限 2026-03-05，结案 2026-03-06）"),
        ("回访及时", 10, "协议生效后30日内未回访（应于 2026-04-05 前，卷内目录第10项）"),
        ("其他必备材料齐全", 5, "缺少结案报告表（卷内目录第12项）"),
        ("及时立卷归档", 10, "结案后30日内未立卷归档（应于 2026-04-05 前）"),
    }
    assert score.score == 100 - sum(p for _, p, _ in got) == 30


def test_a_criterion_loses_no_more_than_its_points_and_says_so():
    crit = rules.Criteria("t", False, (rules.Criterion("records", "记录", 6, 5),))
    case = {"case_no": "X", "filing": {"contents": []}, "records": [
        {"kind": "mediation", "held_at": "2026-03-05T09:30", "recorder": "", "participants": "", "subject": "",
         "body": "有", "notice_announced": True}]}
    score = rules.score(case, crit, date(2026, 4, 1))
    assert [d.points for d in score.defects] == [5, 1] and score.score == 0
    assert rules.score({**case, "records": []}, crit, date(2026, 4, 1)).score == 6


def test_the_office_copy_of_the_criteria_wins_and_a_wrong_one_is_refused(tmp_path):
    (tmp_path / rules.FILE_NAME).write_text(
        'version = "西湖2027"\nsample = false\n[[item]]\nkey = "filed"\nname = "归档"\npoints = 40\ndays = 15\n',
        encoding="utf-8")
    crit = rules.load(tmp_path)
    assert (crit.version, crit.sample, crit.max, crit.items[0].days) == ("西湖2027", False, 40, 15)
    shipped = rules.load(None)
    assert shipped.sample and shipped.max == 100 and shipped.version.endswith("示例")
    (tmp_path / rules.FILE_NAME).write_text('[[item]]\nkey = "stamp"\npoints = 5\n', encoding="utf-8")
    with pytest.raises(UserError, match="不认识"):
        rules.load(tmp_path)
    (tmp_path / rules.FILE_NAME).write_text('[[item]]\nkey = "filed"\npoints = -5\n', encoding="utf-8")
    with pytest.raises(UserError, match="正整数"):
        rules.load(tmp_path)


def test_an_open_case_is_not_scored(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        uuid = cases.open_case(s, head, casekit.intake(db, roster)).uuid
    with db.read() as s, pytest.raises(UserError, match="尚未结案"):
        casefile_review.score_case(s, head, uuid)


def test_the_command_line_scores_a_case_and_writes_the_review(db, data_dir, capsys, tmp_path):
    head, uuid = _complete(db)
    roster = casekit.roster(db, head, names=("郑调解",))
    with db.write() as s:  # a second case closed without a visit or filing: it scores lower
        other = cases.open_case(s, head, casekit.intake(db, roster)).uuid
        cases.record_notice(s, head, other, casekit.ACCEPTED, "written")
        cases.add_record(s, head, other, casekit.record(when=datetime(2026, 3, 4, 9, 0)))
        cases.record_agreement(s, head, other, casekit.written_agreement())
    with db.read() as s:
        case_no = s.scalar(text("SELECT case_no FROM mediation_case WHERE uuid = :u"), {"u": other})
    code, out, err = run(capsys, "casefile", "score", case_no, "--data-dir", str(data_dir.root), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["case_no"] == case_no and doc["max"] == 100 and doc["score"] < 100
    assert {"item", "points", "reason"} == set(doc["defects"][0]) and any("卷内目录第3项" in d["reason"] for d in doc["defects"])
    book = tmp_path / "评查.xlsx"
    code, out, err = run(capsys, "--data-dir", str(data_dir.root), "casefile", "review", "--from", "2026-01-01",
                         "--to", "2026-12-31", "-o", str(book), "--json")
    assert code == 0, err
    doc = json.loads(out)
    with db.read() as s:
        closed = s.scalar(text("SELECT count(*) FROM mediation_case WHERE status IN ('closed', 'filed') "
                               "AND closed_on BETWEEN '2026-01-01' AND '2026-12-31'"))
    assert doc["cases"] == closed == 2 and doc["scores"][0]["case_no"] == case_no  # lowest first
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["评查结果", "扣分明细", "评查标准"]
    ws = wb["评查结果"]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert case_no in values and 100 in values and any("示例标准" in str(v) for v in values)
    details = [r for r in wb["扣分明细"].iter_rows(values_only=True) if r[0] == case_no]
    assert len(details) == len(json.loads(json.dumps(doc["scores"][0]["defects"])))
