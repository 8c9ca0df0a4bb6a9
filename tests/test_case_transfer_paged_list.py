"""The 移送申请 list pages from SQL like the other lists (issue 15): a page is one statement whatever
the number of requests, the pages put together are the whole list in its order (requests newest
first, then the cases received here without their request), and the count is one statement."""

from __future__ import annotations

from datetime import date, timedelta

from tests import casekit
from tests.statements import statements_sent
from xihu_desk.services import case_transfer, cases
from xihu_desk.services.context import cli_actor
from xihu_desk.services.records import stamp_new
from xihu_desk.store.transfer_models import CaseTransfer, TransferDecision

XIXI = "330106004"


def _case(db) -> tuple[str, str]:
    head = casekit.head_actor(db)
    people = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, people))
    return ref.uuid, ref.case_no


def _requests(db, case_uuid: str, case_no: str, n: int, first_day: date) -> list[str]:
    made = []
    actor = cli_actor()
    with db.write() as s:
        for i in range(n):
            row = CaseTransfer(
                uuid="",
                case_uuid=case_uuid,
                from_case_no=case_no,
                from_org="330106002",
                to_org=XIXI,
                reason=f"理由{i}",
                requested_on=first_day + timedelta(days=i),
                by_name="陈所长",
            )
            stamp_new(s, actor, row)
            s.add(row)
            made.append(row.uuid)
    return made


def _decision(db, tid: str, case_uuid: str, accepted: bool, on: date) -> None:
    with db.write() as s:
        s.add(
            TransferDecision(
                id=tid,
                case_uuid=case_uuid,
                from_case_no="（2026）原号",
                district_node="d" * 32,
                from_node="a" * 32,
                from_org="330106002",
                to_node="b" * 32,
                to_org=XIXI,
                accepted=accepted,
                reason="" if accepted else "不同意",
                decided_on=on,
                decided_by="区司法局",
                case_version=2,
                new_case_no="（2026）新号" if accepted else "",
            )
        )


def test_a_page_is_one_statement_however_many_requests(db):
    uuid, no = _case(db)
    _requests(db, uuid, no, 3, date(2026, 1, 1))
    one, page = statements_sent(db, selects_only=True, fn=lambda s: case_transfer.listing(s, cli_actor(), offset=0, limit=2))
    assert len(page) == 2
    _requests(db, uuid, no, 30, date(2026, 2, 1))
    many, page = statements_sent(db, selects_only=True, fn=lambda s: case_transfer.listing(s, cli_actor(), offset=10, limit=20))
    assert len(page) == 20
    assert many == one == 1
    counted, n = statements_sent(db, selects_only=True, fn=lambda s: case_transfer.count(s, cli_actor()))
    assert (counted, n) == (1, 33)
    read, first = statements_sent(db, selects_only=True, fn=lambda s: case_transfer.first_screen(s, cli_actor()))
    assert read == 2 and (first.total, first.pending, len(first.rows)) == (33, 33, 33)  # the counts, then the page


def test_pages_put_together_are_the_whole_list_in_order(db):
    uuid, no = _case(db)
    asked = _requests(db, uuid, no, 7, date(2026, 3, 1))
    _decision(db, asked[0], uuid, False, date(2026, 3, 20))  # the oldest request was refused
    _decision(db, "r" * 32, uuid, True, date(2026, 4, 1))  # a case received here: no request
    actor = cli_actor()
    with db.read() as s:
        whole = case_transfer.listing(s, actor)
        paged = [r for offset in range(0, 9, 3) for r in case_transfer.listing(s, actor, offset=offset, limit=3)]
        total = case_transfer.count(s, actor)
        pending = case_transfer.count(s, actor, pending_only=True)
        pending_rows = case_transfer.listing(s, actor, pending_only=True)
        first = case_transfer.first_screen(s, actor, 5)
    assert [r.uuid for r in paged] == [r.uuid for r in whole] and total == len(whole) == 8
    assert [r.requested_on for r in whole[:7]] == [f"2026-03-0{d}" for d in range(7, 0, -1)]
    refused, received = whole[6], whole[7]
    assert (refused.status, refused.refusal, refused.decided_on) == (case_transfer.REFUSED, "不同意", "2026-03-20")
    assert (received.uuid, received.status_label, received.new_case_no) == ("r" * 32, "已接收", "（2026）新号")
    assert (received.reason, received.requested_on, received.by_name, received.case_no) == ("", "", "", no)
    assert whole[0].from_name == "北山街道" and whole[0].to_name == "西溪街道"
    assert whole[0].status == case_transfer.PENDING and whole[0].decided_on is None and whole[0].refusal == ""
    assert pending == len(pending_rows) == 6 and all(r.status == case_transfer.PENDING for r in pending_rows)
    assert (first.total, first.pending, [r.uuid for r in first.rows]) == (8, 6, [r.uuid for r in whole[:5]])
