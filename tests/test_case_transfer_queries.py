"""The district's transfer to-do (home page) and list read the requests and their decisions in a fixed
number of statements, however many requests there are (not one decision lookup a request)."""

from __future__ import annotations

from tests import casekit
from tests.statements import statements_sent
from tests.test_case_transfer_bundles import XIXI, nodes  # noqa: F401 (fixture)
from xihu_desk.services import case_transfer, cases, exchange
from xihu_desk.services.context import cli_actor


def _ask_and_send(a, district, out, n: int) -> None:
    head = casekit.head_actor(a.db)
    people = casekit.roster(a.db, head)
    for _ in range(n):
        with a.db.write() as s:
            ref = cases.open_case(s, head, casekit.intake(a.db, people))
            case_transfer.request(s, head, ref.uuid, XIXI, "当事人均居住在西溪街道")
    out.mkdir()
    got = district.import_(a.export(out).file)
    assert got.counts["refused"] == 0 and got.counts["quarantined"] == 0
    exchange.take_receipt(a.db, cli_actor(), got.receipt)


def test_the_district_reads_its_requests_in_the_same_statements_for_one_or_many(nodes, tmp_path):  # noqa: F811
    a, _b, district = nodes
    _ask_and_send(a, district, tmp_path / "one", 1)
    todo_one, todo = statements_sent(district.db, case_transfer.waiting)
    list_one, listed = statements_sent(district.db, lambda s: case_transfer.listing(s, cli_actor()))
    assert len(todo) == 1 and len(listed) == 1

    _ask_and_send(a, district, tmp_path / "more", 4)
    todo_five, todo = statements_sent(district.db, case_transfer.waiting)
    list_five, listed = statements_sent(district.db, lambda s: case_transfer.listing(s, cli_actor()))
    assert len(todo) == 5 and len(listed) == 5
    assert (todo_five, list_five) == (todo_one, list_one)
