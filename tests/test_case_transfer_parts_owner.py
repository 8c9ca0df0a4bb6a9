"""A transferred case arrives whole under its new owner: every row of every part of it (parties,
records, history, attachments...) belongs to the receiving office, the history rows written on
arrival included."""

from __future__ import annotations

from sqlalchemy import select

from tests import casekit
from tests.test_case_transfer_bundles import XIXI, _case_at_a, _folder, nodes  # noqa: F401 (fixture)
from xihu_desk.services import case_transfer, exchange
from xihu_desk.services.context import cli_actor
from xihu_desk.store import aggregates


def test_every_part_of_a_received_case_is_the_receivers(nodes, tmp_path):  # noqa: F811
    a, b, district = nodes
    uuid, _no = _case_at_a(a, tmp_path)
    with a.db.write() as s:
        case_transfer.request(s, casekit.head_actor(a.db), uuid, XIXI, "当事人均居住在西溪街道")
    district.import_(a.export(_folder(tmp_path, "up")).file)
    with district.db.write() as s:
        case_transfer.accept(s, cli_actor(), case_transfer.listing(s, cli_actor())[0].uuid)
    down = exchange.export_bundle(district.data, district.db, cli_actor(), _folder(tmp_path, "down"), to=XIXI)
    got = b.import_(down.file)
    assert got.counts["refused"] == 0 and got.counts["quarantined"] == 0
    b_id = b.key()["node_id"]
    owners: dict[str, set[str]] = {}
    with b.db.read() as s:
        for part, (model, _many) in aggregates.CASE_PARTS.items():
            if hasattr(model, "owner_node"):
                found = set(s.scalars(select(model.owner_node).where(model.case_uuid == uuid)))
                if found:
                    owners[part] = found
    assert owners and all(found == {b_id} for found in owners.values()), owners
    assert {"parties", "attachments", "history"} <= set(owners)
