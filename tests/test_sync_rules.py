"""The bundle protocol's rules, without a database: a bundle's place in its sender's line, the
sequence gaps, forwarding claims, the manifest's members, the receipt and the key file."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from xihu_desk.domain.errors import UserError
from xihu_desk.domain.levels import Level
from xihu_desk.sync import continuity, keys, lineage, manifest, payload, receipts, sequences
from xihu_desk.sync.container import BundleRefused
from xihu_desk.sync.continuity import Place


def test_a_bundle_is_new_a_duplicate_or_a_fork():
    place = continuity.place
    assert place("b2", "b1", held_same=None, held_prev="b1", superseded=set()) is Place.NEW
    assert place("b2", "b1", held_same=None, held_prev=None, superseded=set()) is Place.NEW  # a gap before it
    assert place("b2", "b1", held_same="b2", held_prev="b1", superseded=set()) is Place.ALREADY_IMPORTED
    assert place("b2x", "b1", held_same="b2", held_prev="b1", superseded=set()) is Place.FORK_SAME_NUMBER
    assert place("b2", "other", held_same=None, held_prev="b1", superseded=set()) is Place.FORK_NOT_JOINED
    assert place("b2", "b1", held_same="b2", held_prev="b1", superseded={"b2"}) is Place.SUPERSEDED
    assert continuity.continues_line(4, [1, 2, 3]) and not continuity.continues_line(2, [1, 3])
    assert continuity.superseded_hashes(['[[2, "id2", "h2"], [3, "id3", "h3"]]', "[]"]) == {"h2", "h3"}


def test_the_last_bundle_two_lines_share():
    assert continuity.last_shared("", 1, None) == 0  # the new line starts afresh
    assert continuity.last_shared("h4", 5, 4) == 4
    assert continuity.last_shared("h4", 5, None) is None  # follows nothing we hold
    assert continuity.last_shared("h2", 5, 2) is None  # follows a bundle further back


def test_gaps_are_ranges_and_a_far_jump_is_refused():
    assert [str(s) for s in sequences.gaps([1, 4, 9_999_999])] == ["2–3", "5–9999998"]
    assert sequences.jump_problem(3, [1], 1000, "北山街道") == ""
    assert "超前" in sequences.jump_problem(5000, [1], 1000, "北山街道")


def _claim(node_id: str, parent: str, level: str = "community", org: str = "330106002001") -> dict:
    return {"node_id": node_id, "org_code": org, "level": level, "parent": parent, "fingerprint": "F"}


def test_forwarding_claims_are_judged_against_what_is_known():
    m = {"children": [_claim("c2", "c1", "", "330106002002"),  # names a parent claimed later in the list
                      _claim("c1", "t", "township"),  # a township below a township: refused
                      _claim("x", "t", "community", "330106009001"),  # outside the sender's area
                      _claim("ours", "t"),  # already placed elsewhere
                      _claim("lost", "nobody")]}
    claims = lineage.claims_of(m, "t")
    verdict = lineage.judge(claims, "t", {"t": "township"},
                            known_elsewhere=lambda n: "是本单位直接登记的单位" if n == "ours" else "",
                            outside=lambda org: "" if org.startswith("330106002") else "不在辖区内")
    assert [c.node_id for c in verdict.accepted] == []
    assert {c.node_id: why for c, why in verdict.refused} == {
        "c1": "层级不符", "x": "不在辖区内", "ours": "是本单位直接登记的单位"}
    assert {c.node_id for c in verdict.orphans} == {"c2", "lost"}

    good = lineage.claims_of({"children": [_claim("c2", "c1", ""), _claim("c1", "d", "township")]}, "d")
    verdict = lineage.judge(good, "d", {"d": "district"}, known_elsewhere=lambda n: "", outside=lambda org: "")
    assert [(c.node_id, c.level) for c in verdict.accepted] == [("c1", "township"), ("c2", "community")]
    assert lineage.directly_below(Level.COMMUNITY, Level.TOWNSHIP)
    assert not lineage.directly_below(Level.COMMUNITY, Level.DISTRICT)


def test_members_are_checked_against_the_manifest():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("records/case.jsonl", b'{"a": 1}\n')
    with zipfile.ZipFile(buf) as zf:
        members = manifest.member_digests(zf)
        manifest.verify_members(zf, {"members": members})
        with pytest.raises(BundleRefused, match="校验值"):
            manifest.verify_members(zf, {"members": {"records/case.jsonl": "0" * 64}})
        with pytest.raises(BundleRefused, match="不一致"):
            manifest.verify_members(zf, {"members": {**members, "records/mediator.jsonl": "0" * 64}})
    assert manifest.file_name("330106002", "330106", 7, datetime(2026, 11, 20)) == "XD_330106002_to_330106_0007_20261120.xdb"


def test_attachment_names_of_a_case_document_whatever_its_shape():
    doc = {"case": {"uuid": "u", "case_no": "（2026）北山人调字第1号"},
           "attachments": [{"sha256": "a" * 64, "deleted": False, "file_name": "照片.jpg"}, "junk", {"sha256": 5}]}
    assert payload.blob_names(doc) == {"a" * 64}
    assert payload.blob_names({"attachments": "junk"}) == set()
    assert payload.missing_blob(doc, lambda sha: True) == ""
    assert "照片.jpg" in payload.missing_blob(doc, lambda sha: False)
    assert payload.label("case", [doc], "u") == "（2026）北山人调字第1号"


def test_a_receipt_is_signed_and_read_back(tmp_path: Path):
    key = Ed25519PrivateKey.generate()
    doc = receipts.document(receiver="r", sender="s", manifest={"bundle_id": "b", "sequence": 3}, bundle_sha256="h",
                            records=[["case", "u", 2, "accepted", ""], ["case", "v", 1, "refused", "无权"]],
                            made_at="2026-11-20T10:00:00")
    path = receipts.write(doc, key, tmp_path / "r.json")
    signed = receipts.read(path)
    from cryptography.hazmat.primitives import serialization

    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signed.verify(public)
    taken, not_taken = receipts.tally(signed.doc["records"])
    assert taken == [("case", "u", 2)] and not_taken[0]["reason"] == "无权"
    tampered = json.loads(path.read_text(encoding="utf-8"))
    tampered["receipt"]["records"][1][3] = "accepted"
    path.write_text(json.dumps(tampered), encoding="utf-8")
    with pytest.raises(UserError, match="签名无效"):
        receipts.read(path).verify(public)
    with pytest.raises(UserError, match="格式不对"):
        receipts.tally([["case", "u"]])


def test_a_key_file_is_checked_before_enrolment():
    pair = keys.generate()
    doc = keys.key_document(node_id="n", org_code="330106002", org_name="北山街道", level="township",
                            parent_code="330106", sign_public=pair.sign_public, enc_public=pair.enc_public)
    got = keys.read_key_document(doc)
    assert got.level is Level.TOWNSHIP and got.fingerprint == pair.fingerprint
    with pytest.raises(UserError, match="指纹"):
        keys.read_key_document({**doc, "fingerprint": "0000"})
    with pytest.raises(UserError, match="不是西湖司法所工作台"):
        keys.read_key_document({**doc, "format": "other"})
