"""Case numbers stay unique and gapless per committee and year, whatever the order of intake."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests import casekit
from xihu_desk.services import cases, committees
from xihu_desk.store.case_models import MediationCase

intakes = st.lists(
    st.tuples(st.sampled_from([0, 1]), st.sampled_from([2024, 2025, 2026]), st.booleans()),
    min_size=1, max_size=25,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=intakes)
def test_numbers_unique_and_gapless(template_node, tmp_path_factory, plan):
    import shutil

    from xihu_desk.paths import DataDir
    from xihu_desk.store import migrate

    root = tmp_path_factory.mktemp("numbers") / "data"
    shutil.copytree(template_node, root)  # a fresh node for every generated example
    db = migrate.open_database(DataDir(root)).db
    try:
        head = casekit.head_actor(db)
        with db.write() as s:
            second = next((c for c in committees.list_committees(s) if c.short_name == "曙光"), None)
            if second is None:
                second = committees.create_committee(s, casekit.cli_like(), committees.CommitteeCommand(
                    "北山街道曙光社区人民调解委员会", "曙光", "330106002", "community"))
        roster = casekit.roster(db, head, names=("郑调解",))
        committee_ids = [casekit.committee_uuid(db), second.uuid]
        for which, year, bad in plan:
            cmd = casekit.intake(db, roster, committee_uuid=committee_ids[which], accepted_on=date(year, 6, 1))
            if bad:  # a refused intake must not use up a number
                cmd = casekit.intake(db, roster, committee_uuid=committee_ids[which], accepted_on=date(year, 6, 1), summary=" ")
            try:
                with db.write() as s:
                    cases.open_case(s, head, cmd)
            except Exception as exc:
                assert bad, exc
        with db.read() as s:
            rows = s.execute(select(MediationCase.committee_uuid, MediationCase.year, MediationCase.seq, MediationCase.case_no)).all()
        seqs = defaultdict(list)
        for committee, year, seq, _no in rows:
            seqs[(committee, year)].append(seq)
        for found in seqs.values():
            assert sorted(found) == list(range(1, len(found) + 1))
        assert len({r.case_no for r in rows}) == len(rows)
        expected = defaultdict(int)
        for which, year, bad in plan:
            if not bad:
                expected[(committee_ids[which], year)] += 1
        assert {k: len(v) for k, v in seqs.items()} == dict(expected)
    finally:
        db.dispose()
