"""A draft agreement is the signing table's working copy: it stays on its node. Cases with drafts
export and import whole without it (a case's parts travel under the case's version, and saving a
draft is not a new version); a case replaced by a newer version from a bundle drops its draft."""

from __future__ import annotations

from sqlalchemy import func, select

from tests import casekit
from tests.test_exchange import district, pair, township  # noqa: F401 - fixtures
from xihu_desk.services import agreement_drafts, cases
from xihu_desk.services.context import cli_actor
from xihu_desk.store import aggregates, digests
from xihu_desk.store.case_models import AgreementDraft, CaseRecord, MediationCase


def _drafts(node) -> int:
    with node.db.read() as s:
        return s.scalar(select(func.count()).select_from(AgreementDraft)) or 0


def test_cases_with_drafts_travel_without_them(pair, tmp_path):  # noqa: F811
    town, dist = pair
    if not _drafts(town):  # the demo's signing table may be empty for this seed: type one
        head = casekit.head_actor(town.db)
        with town.db.write() as s:
            uuid = s.scalar(select(CaseRecord.case_uuid).join(MediationCase, MediationCase.uuid == CaseRecord.case_uuid)
                            .where(MediationCase.status == "mediating", CaseRecord.kind == "mediation").limit(1))
            agreement_drafts.save(s, head, uuid, casekit.written_agreement(effective_on=None))
    assert _drafts(town)
    with town.db.read() as s:
        doc = aggregates.case_doc(s, s.get_one(MediationCase, s.scalar(select(AgreementDraft.case_uuid).limit(1))))
    assert set(doc) == {"case", *aggregates.CASE_PARTS}  # the draft is no part of the travelling case
    out = tmp_path / "usb"
    out.mkdir()
    got = dist.import_(town.export(out).file)
    assert got.result == "applied" and got.counts.get("quarantined", 0) == 0
    assert dist.cases() == town.cases() and _drafts(dist) == 0 and _drafts(town) > 0
    with dist.db.read() as s:
        assert digests.verify(s.connection().connection.driver_connection).ok


def test_a_case_replaced_from_a_bundle_drops_its_draft(township):  # noqa: F811
    head = casekit.head_actor(township.db)
    with township.db.write() as s:
        uuid = s.scalar(select(CaseRecord.case_uuid).join(MediationCase, MediationCase.uuid == CaseRecord.case_uuid)
                        .where(MediationCase.status == "mediating", CaseRecord.kind == "mediation").limit(1))
        agreement_drafts.save(s, head, uuid, casekit.written_agreement(effective_on=None))
    with township.db.read() as s:
        case = s.get_one(MediationCase, uuid)
        doc = aggregates.case_doc(s, case)
        owner = case.owner_node
    doc["case"]["version"] += 1  # a newer version of the case, as a bundle would bring it
    with township.db.write() as s:
        results = aggregates.apply(s, "case", [doc], {owner})
    assert results[0][2] == "accepted"
    with township.db.read() as s:
        assert agreement_drafts.read(s, cli_actor(), uuid) is None
        assert cases.get_case(s, uuid).version == doc["case"]["version"]
