"""测试连接 reads an office's database as the program reads it (issue 17): the node's unit through
services/node_glance (the login window's reading), the revision and emptiness through store/pg.py,
on one connection, not through a second copy of those queries."""

from __future__ import annotations

import pytest

from tests import pg_server
from tests.conftest import PG
from xihu_desk import dbserver
from xihu_desk.services import node_glance
from xihu_desk.store import pg, pg_probe


@pytest.mark.skipif(not PG, reason="needs the PostgreSQL test server (bootstrap.py test --db postgresql)")
def test_the_probe_reads_through_the_programs_readers(data_dir, monkeypatch) -> None:
    url = dbserver.normalize(pg_server.url_in(data_dir.root))
    read: list[str] = []
    glance = node_glance.glance
    monkeypatch.setattr(pg, "current_revision", lambda engine, f=pg.current_revision: read.append("revision") or f(engine))
    probe = pg_probe.probe(url, None, lambda conn: read.append("unit") or glance(conn))
    assert probe.state == pg_probe.OFFICE and probe.org_name == "北山街道" and probe.org_code == "330106002"
    assert read == ["revision", "unit"]
