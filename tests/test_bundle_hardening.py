"""A broken or malicious child cannot crash, flood or poison its parent (issue 12), and a bundle's
plaintext never leaves the data folder (issue 11).

Every hostile bundle here is made with the project's own bundle code and the township's real
signing key: a real export is opened with the district's key, one thing is changed, and it is
signed and encrypted again, exactly as a compromised township could.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import struct
import tracemalloc
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import func, select

from tests import casekit
from xihu_desk.domain import ids, record_checks
from xihu_desk.paths import DataDir
from xihu_desk.services.attachment_vault import vault
from xihu_desk.services import attachments, cases, demo, exchange, node, settings
from xihu_desk.services.context import cli_actor
from xihu_desk.services.exchange import importing
from xihu_desk.store import migrate
from xihu_desk.store.case_models import Attachment, MediationCase
from xihu_desk.store.models import Node as NodeRow
from xihu_desk.store.sync_models import BundleIn, Quarantine
from xihu_desk.sync import container
from xihu_desk.sync.container import BundleRefused


# ---------------------------------------------------------------- two nodes and one real bundle


@dataclass
class World:
    township: Path
    district: Path  # pristine: enrolled, nothing imported; each test works on a copy
    bundle: Path
    township_id: str
    sign_private: bytes
    sign_public: bytes
    district_enc_private: bytes
    district_enc_public: bytes
    attachment_sha: str


@pytest.fixture(scope="module")
def world(template_node: Path, tmp_path_factory: pytest.TempPathFactory) -> World:
    base = tmp_path_factory.mktemp("hardening")
    township = DataDir(base / "township")
    shutil.copytree(template_node, township.root)
    t = migrate.open_database(township).db
    with t.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=7, cases=12, today=date(2026, 11, 20)))
    head = casekit.head_actor(t)
    scan = base / "scan.jpg"
    scan.write_bytes(b"\xff\xd8 a scanned ID card " * 100)
    with t.write() as s:
        case = s.scalar(select(MediationCase).where(MediationCase.status.in_(("accepted", "mediating")))
                        .order_by(MediationCase.uuid).limit(1))
    if case is None:  # the demo may have closed every one of a dozen cases: open one to attach to
        team = casekit.roster(t, head)
        with t.write() as s:
            case = s.get_one(MediationCase, cases.open_case(s, head, casekit.intake(t, team)).uuid)
    with t.write() as s:
        attachments.add_attachment(s, head, township.root, case.uuid, "id_proof", scan)
    district = DataDir(base / "district")
    d = migrate.open_database(district).db
    with d.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    with t.read() as s:
        tk = exchange.export_key(s, cli_actor())
        me = s.get(NodeRow, 1)
        township_id, sign_private, sign_public = me.node_id, me.sign_private, me.sign_public
    with d.read() as s:
        dk = exchange.export_key(s, cli_actor())
        them = s.get(NodeRow, 1)
        enc_private, enc_public = them.enc_private, them.enc_public
    with d.write() as s:
        exchange.enrol(s, cli_actor(), tk)
    with t.write() as s:
        exchange.enrol(s, cli_actor(), dk)
    out = base / "usb"
    out.mkdir()
    bundle = exchange.export_bundle(township, t, cli_actor(), out).file
    t.dispose()
    d.dispose()
    return World(township.root, district.root, bundle, township_id, sign_private, sign_public, enc_private,
                 enc_public, hashlib.sha256(scan.read_bytes()).hexdigest())


class District:
    def __init__(self, root: Path):
        self.data = DataDir(root)
        self.db = migrate.open_database(self.data).db

    def import_(self, path: Path, **kw: Any) -> exchange.ImportResult:
        return exchange.import_bundle(self.data, self.db, cli_actor(), path, **kw)

    def count(self, model: Any) -> int:
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0

    def has_case(self, uuid: str) -> bool:
        with self.db.read() as s:
            return s.get(MediationCase, uuid) is not None


@pytest.fixture
def district(world: World, tmp_path: Path) -> District:
    root = tmp_path / "district"
    shutil.copytree(world.district, root)
    d = District(root)
    yield d
    d.db.dispose()


def _open(world: World, path: Path, work: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and the members of a bundle, opened with the district's key."""
    with path.open("rb") as f:
        body, _sig, _size = container._frame(f)
        offset = f.tell()
    manifest = json.loads(body)
    opened = container.OpenedBundle(manifest, container.sha256_file(path), offset)
    inner = work / "opened.zip"
    container.decrypt_payload(path, opened, world.district_enc_private, inner)
    with zipfile.ZipFile(inner) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    inner.unlink()
    return manifest, members


def rebuild(world: World, work: Path, name: str, mutate: Callable[[dict[str, bytes]], None] | None = None,
            members_in_manifest: dict[str, str] | None = None, **changes: Any) -> Path:
    """The real bundle with its members changed by ``mutate``, signed by the township again."""
    manifest, members = _open(world, world.bundle, work)
    if mutate is not None:
        mutate(members)
    inner = work / f"{name}.zip"
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    manifest = {k: v for k, v in manifest.items() if k not in ("format", "key", "payload_sha256", "payload_size")}
    manifest.update(bundle_id=ids.new_uuid(),
                    members=members_in_manifest or {m: hashlib.sha256(d).hexdigest() for m, d in members.items()})
    manifest.update(changes)
    out = work / f"{name}.xdb"
    container.write_bundle(out, manifest, inner, container.Sender(world.township_id, world.sign_private),
                           world.district_enc_public)
    inner.unlink()
    return out


def _lines(members: dict[str, bytes], kind: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in members[f"records/{kind}.jsonl"].splitlines() if line.strip()]


def _put(members: dict[str, bytes], kind: str, docs: list[Any], raw: dict[int, bytes] | None = None,
         ascii_only: bool = False) -> None:
    lines = [json.dumps(d, ensure_ascii=ascii_only).encode() for d in docs]
    for i, line in (raw or {}).items():
        lines[i] = line
    members[f"records/{kind}.jsonl"] = b"\n".join(lines) + b"\n"


def _leaf(members: dict[str, bytes], kind: str, want: Callable[[dict[str, Any]], bool] = lambda d: True) -> int:
    """The index of a record of ``kind`` that no other record refers to (so only it is lost)."""
    docs = _lines(members, kind)
    others = b"".join(data for name, data in members.items() if name != f"records/{kind}.jsonl")
    for i, doc in enumerate(docs):
        uuid = (doc["case"] if kind == "case" else doc)["uuid"]
        if uuid.encode() not in others and want(doc):
            return i
    raise AssertionError(f"no unreferenced {kind}")


def _printable(text: str) -> bool:
    return not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or 0xD800 <= ord(ch) <= 0xDFFF for ch in text)


# ---------------------------------------------------------------- 1. temporary files stay in the data folder


def test_import_and_export_keep_their_temporary_files_in_the_data_folder(world, district, tmp_path, monkeypatch):
    import tempfile

    system_tmp = tmp_path / "system-temp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    seen: list[Path] = []
    real = container.decrypt_payload

    def watching(path, opened, key, target):  # noqa: ANN001, ANN202
        seen.append(Path(target))
        assert list(system_tmp.iterdir()) == []
        return real(path, opened, key, target)

    monkeypatch.setattr(container, "decrypt_payload", watching)
    got = district.import_(world.bundle)
    assert got.result == "applied"
    assert seen and all(p.is_relative_to(district.data.root / "tmp") for p in seen)
    assert list(system_tmp.iterdir()) == [] and not (district.data.root / "tmp").exists()

    # A failure in the middle of the import leaves nothing behind either.
    def boom(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise KeyboardInterrupt

    again = rebuild(world, tmp_path, "again", sequence=2, prev_sha256=container.sha256_file(world.bundle))
    monkeypatch.setattr(importing, "apply_all", boom)
    with pytest.raises(KeyboardInterrupt):
        district.import_(again)
    assert list(system_tmp.iterdir()) == [] and not (district.data.root / "tmp").exists()
    monkeypatch.undo()

    # What a killed import left is removed by the next one; a folder still in use is not touched.
    stale = district.data.root / "tmp" / "import-999999-deadbeef"
    stale.mkdir(parents=True)
    (stale / "payload.zip").write_bytes(b"plaintext names")
    (stale / ".owner").write_bytes(b"")
    assert district.import_(again).result == "applied"
    assert not (district.data.root / "tmp").exists()

    # Export too: the payload is zipped and encrypted inside the township's data folder.
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    township = District(world.township)
    written: list[Path] = []
    real_write = container.write_bundle

    def writing(target, manifest, inner, sender, public, work=None):  # noqa: ANN001, ANN202
        written.append(Path(inner))
        assert list(system_tmp.iterdir()) == []
        return real_write(target, manifest, inner, sender, public, work=work)

    monkeypatch.setattr(container, "write_bundle", writing)
    out = tmp_path / "usb2"
    out.mkdir()
    try:
        exchange.export_bundle(township.data, township.db, cli_actor(), out)
    finally:
        township.db.dispose()
    assert written and written[0].is_relative_to(world.township / "tmp")
    assert not (world.township / "tmp").exists() and list(system_tmp.iterdir()) == []
    assert [p.suffix for p in out.iterdir()] == [".xdb"]


# ---------------------------------------------------------------- 2. sequence numbers


def test_a_sequence_far_ahead_is_refused_and_gaps_are_ranges_in_flat_memory(world, district, tmp_path):
    far = rebuild(world, tmp_path, "far", sequence=10_000_000)
    with pytest.raises(BundleRefused, match="序号") as refused:
        district.import_(far)
    assert "上限 1000" in refused.value.message and "\n" not in refused.value.message
    assert district.count(BundleIn) == 0 and district.count(MediationCase) == 0

    # Within the cap (raised by an administrator), a far number costs no memory and no pages.
    with district.db.write() as s:
        settings.update(s, cli_actor(), {"bundle_sequence_max_jump": 1_000_000})
    ahead = rebuild(world, tmp_path, "ahead", sequence=1_000_000)
    tracemalloc.start()
    try:
        got = district.import_(ahead)
        text, doc = got.text(), got.as_json()
        with district.db.read() as s:
            rows = exchange.peers(s, cli_actor())
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got.result == "applied"
    assert [str(g) for g in got.gaps] == ["1–999999"] and doc["gap_ranges"] == [{"from": 1, "to": 999_999}]
    # "gaps" stays a list of numbers (design.md §10), the first thousand of them.
    assert doc["gaps"] == list(range(1, 1001)) and doc["gaps_missing"] == 999_999
    assert "缺少该单位的第 1–999999 号" in text and len(text) < 5000
    assert [str(g) for g in rows[0].gaps] == ["1–999999"]
    assert peak < 40 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
    # The next bundle 10,000,000 would jump 9,000,000 past it: refused again.
    with pytest.raises(BundleRefused, match="超前"):
        district.import_(rebuild(world, tmp_path, "farther", sequence=10_000_000))


def test_the_statistics_cover_lists_missing_bundles_as_ranges(world, district, tmp_path):
    from xihu_desk.services import mediation_stats

    with district.db.write() as s:
        settings.update(s, cli_actor(), {"bundle_sequence_max_jump": 1_000_000})
    district.import_(rebuild(world, tmp_path, "ahead", sequence=1_000_000))
    tracemalloc.start()
    try:
        with district.db.read() as s:
            lines = mediation_stats.bundle_lines(s)
        text = lines[0].missing_text()
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert text == "第 1–999999 号"
    assert peak < 10 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


# ---------------------------------------------------------------- 3. every record checked before it is written


def _noise(n: int, alphabet: str) -> str:
    """Text that does not compress (a run of one character would be refused as a zip bomb)."""
    rng = random.Random(n)
    return "".join(rng.choices(alphabet, k=n))


CJK = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2000))


def _case(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda doc: doc["case"].__setitem__(field, value)


def _party_name(value: str) -> Callable[[dict[str, Any]], None]:
    return lambda doc: doc["parties"][0].__setitem__("name", value)


# name -> (kind, change to one record's document, or the raw line that replaces it)
MALFORMED: dict[str, tuple[str, Any]] = {
    "code-not-in-list": ("review_item", lambda doc: doc.__setitem__("item_type", '=HYPERLINK("http://x.cn","点此")')),
    "case-code-formula": ("case", _case("dispute_type", "=1+1")),
    "text-too-long": ("case", _case("summary", _noise(record_checks.MAX_TEXT + 1, CJK))),
    "name-too-long": ("case", _party_name("张" * 400)),
    "integer-beyond-64-bits": ("case", _case("amount_fen", 2**64)),
    "version-beyond-64-bits": ("case", _case("version", 2**70)),
    "integer-as-nan": ("case", _case("amount_fen", float("nan"))),
    "date-not-a-date": ("case", _case("accepted_on", "2026-02-30")),
    "date-in-week-form": ("case", _case("accepted_on", "2026-W09-1")),
    "date-year-zero-padded": ("case", _case("accepted_on", "0001-01-01")),
    "time-not-a-time": ("case", lambda doc: doc["records"][0].__setitem__("held_at", "昨天下午")),
    "nul-in-name": ("case", _party_name("张\x00三")),
    "escape-in-name": ("case", _party_name("\x1b[2J\x1b]0;pwned\x07张三")),
    "newline-in-name": ("case", _party_name("张三\n李四")),
    "lone-surrogate": ("case", _party_name("张\ud800三")),
    "part-of-wrong-shape": ("case", lambda doc: doc.__setitem__("mediators", 7)),
    "case-of-wrong-shape": ("case", lambda doc: doc.__setitem__("case", [1, 2])),
    "unknown-field-with-escapes": ("case", _case("\x1b]0;pwned\x07", 1)),
    "uuid-not-text": ("case", _case("uuid", {"a": 1})),
    "attachment-file-missing": ("case", lambda doc: doc["attachments"].append({
        "uuid": ids.new_uuid(), "origin_node": doc["case"]["origin_node"], "owner_node": doc["case"]["owner_node"],
        "version": 1, "updated_at": doc["case"]["updated_at"], "deleted": False, "case_uuid": doc["case"]["uuid"],
        "kind": "evidence", "file_name": "照片.jpg", "sha256": "ab" * 32, "size": 10})),
    "deep-nesting": ("case", b'{"case": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    "invalid-utf8": ("case", b'{"case": {"uuid": "\xff\xfe\xfd"}}'),
    "not-json": ("case", b'{"case": {"uuid": "12'),
    "not-an-object": ("case", b"[1, 2, 3]"),
    "huge-number-literal": ("case", b'{"case": {"amount_fen": ' + b"9" * 5000 + b"}}"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_record_is_quarantined_and_the_rest_applied(world, district, tmp_path, name):
    kind, change = MALFORMED[name]
    picked: dict[str, Any] = {}

    def mutate(members: dict[str, bytes]) -> None:
        docs = _lines(members, kind)
        needs_records = name == "time-not-a-time"
        i = _leaf(members, kind, lambda d: not needs_records or bool(d["records"]))
        picked["uuid"] = (docs[i]["case"] if kind == "case" else docs[i])["uuid"]
        picked["total"] = len(docs)
        picked["records"] = sum(len(_lines(members, n[len("records/"):-len(".jsonl")]))
                                for n in members if n.startswith("records/"))
        if isinstance(change, bytes):
            _put(members, kind, docs, raw={i: change})
        else:
            change(docs[i])
            _put(members, kind, docs, ascii_only=(name == "lone-surrogate"))

    bad = rebuild(world, tmp_path, name, mutate)
    got = district.import_(bad)
    assert got.result == "applied"
    assert got.counts["quarantined"] == 1 and got.counts["refused"] == 0, got.problems
    (problem,) = got.problems
    assert problem["kind"] == kind and problem["status"] == "quarantined"
    assert _printable(problem["label"]) and _printable(problem["reason"]) and len(problem["label"]) <= 120
    assert got.counts["accepted"] == picked["records"] - 1
    if kind == "case":
        assert not district.has_case(picked["uuid"])
        assert district.count(MediationCase) == picked["total"] - 1
    with district.db.read() as s:
        listed = list(s.scalars(select(Quarantine)))
    assert len(listed) == 1 and _printable(listed[0].label) and _printable(listed[0].reason)
    assert got.receipt is not None and got.receipt.is_file()


def test_a_record_longer_than_the_limit_is_skipped_without_being_read_whole(world, district, tmp_path, monkeypatch):
    monkeypatch.setattr(record_checks, "MAX_RECORD_BYTES", 200_000)

    def mutate(members: dict[str, bytes]) -> None:
        docs = _lines(members, "case")
        docs[_leaf(members, "case")]["case"]["summary"] = _noise(300_000, "abcdefghijklmnopqrstuvwxyz0123456789")
        _put(members, "case", docs)

    got = district.import_(rebuild(world, tmp_path, "long", mutate))
    assert got.result == "applied" and got.counts["quarantined"] == 1
    assert "过大" in got.problems[0]["reason"]


# ---------------------------------------------------------------- 4. the manifest: verified before parsed


def _framed(body: bytes, signature: bytes = b"\0" * 64, payload: bytes = b"") -> bytes:
    return (container.MAGIC + struct.pack(">I", len(body)) + body + struct.pack(">I", len(signature)) + signature
            + struct.pack(">Q", len(payload)) + payload)


def test_an_unsigned_manifest_is_never_parsed(world, district, tmp_path, monkeypatch):
    deep = tmp_path / "deep.xdb"
    deep.write_bytes(_framed(b"[" * 500_000 + b"]" * 500_000))
    parsed: list[int] = []
    real = json.loads
    monkeypatch.setattr(json, "loads", lambda *a, **k: parsed.append(1) or real(*a, **k))
    with pytest.raises(BundleRefused, match="签名"):
        district.import_(deep)
    assert parsed == []
    big = tmp_path / "big.xdb"
    big.write_bytes(container.MAGIC + struct.pack(">I", container.MAX_MANIFEST + 1))
    with pytest.raises(BundleRefused, match="过大"):
        district.import_(big)


def test_a_signed_manifest_of_the_wrong_shape_is_refused_not_crashed(world, district, tmp_path):
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(world.sign_private, password=None)
    nested = b'{"origin":"' + world.township_id.encode() + b'","x":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    deep = tmp_path / "signed-deep.xdb"
    deep.write_bytes(_framed(nested, key.sign(nested)))
    with pytest.raises(BundleRefused, match="无法解析"):
        district.import_(deep)
    for field, value in (("sequence", "7"), ("sequence", True), ("created_at", "yesterday"), ("bundle_id", "x" * 500),
                         ("children", "all"), ("members", ["records/case.jsonl"]), ("destination", None)):
        bad = rebuild(world, tmp_path, f"{field}-{len(str(value))}", **{field: value})
        with pytest.raises(BundleRefused):
            district.import_(bad)
    # Signed by the township but naming another node as its origin.
    with pytest.raises(BundleRefused, match="不符"):
        district.import_(rebuild(world, tmp_path, "origin", origin=ids.new_uuid()))
    assert district.count(MediationCase) == 0 and district.count(BundleIn) == 0


# ---------------------------------------------------------------- 5. attachments and the dry run


def test_attachment_files_must_match_their_names_belong_to_a_record_and_stay_small(world, district, tmp_path,
                                                                                   monkeypatch):
    blob = f"blobs/{world.attachment_sha}"

    def swap(members: dict[str, bytes]) -> None:
        members[blob] = b"another file altogether"

    # The content's hash is in the signed list, but the name says something else.
    with pytest.raises(BundleRefused, match="不符"):
        district.import_(rebuild(world, tmp_path, "swapped", swap))
    # A file no record refers to.
    stray = b"a file nobody listed"

    def extra(members: dict[str, bytes]) -> None:
        members[f"blobs/{hashlib.sha256(stray).hexdigest()}"] = stray

    with pytest.raises(BundleRefused, match="不属于任何一条记录"):
        district.import_(rebuild(world, tmp_path, "stray", extra))
    # Larger than any attachment may be.
    monkeypatch.setattr(container, "MAX_BLOB", 100)
    with pytest.raises(BundleRefused, match="过大"):
        district.import_(world.bundle)
    monkeypatch.undo()
    assert district.count(MediationCase) == 0
    assert not (district.data.root / "attachments").exists()
    got = district.import_(world.bundle)
    assert got.result == "applied"
    with district.db.read() as s:
        content = vault(s, district.data.root).read(world.attachment_sha)  # stored encrypted, reads back whole
    assert hashlib.sha256(content).hexdigest() == world.attachment_sha
    assert district.count(Attachment) >= 1


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir")
            for p in sorted(root.rglob("*"))}


def test_a_dry_run_writes_nothing_at_all(world, district, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    bundle = Path(shutil.copy(world.bundle, usb))
    district.db.dispose()
    before = _tree_digest(district.data.root)
    dry = district.import_(bundle, dry_run=True)
    assert dry.result == "dry-run" and dry.counts["accepted"] > 12 and dry.receipt is None
    district.db.dispose()
    assert _tree_digest(district.data.root) == before
    assert list(usb.iterdir()) == [bundle]
    assert district.import_(bundle).result == "applied"
    with district.db.read() as s:
        assert vault(s, district.data.root).has(world.attachment_sha)


def test_the_sender_keeps_back_a_record_its_parent_would_quarantine(world, tmp_path):
    """The same checks run at export: a name with a line break stays on the township's quarantine
    list with the reason, and the rest goes."""
    from xihu_desk.store.case_models import Party

    root = tmp_path / "township"
    shutil.copytree(world.township, root)
    township = District(root)
    try:
        with township.db.write() as s:
            party = s.scalars(select(Party).order_by(Party.case_uuid)).first()
            party.name, bad_case = "张三\n李四", party.case_uuid
        (tmp_path / "usb").mkdir()
        from xihu_desk.store.sync_models import BundleOut

        with township.db.write() as s:  # the township never heard back: everything goes again
            for row in s.scalars(select(BundleOut)):
                s.delete(row)
            total = s.scalar(select(func.count()).select_from(MediationCase))
        sent = exchange.export_bundle(township.data, township.db, cli_actor(), tmp_path / "usb")
    finally:
        township.db.dispose()
    assert [(k, r) for k, _label, r in sent.quarantined] == [
        ("case", "不符合报送要求（上级会拒收）：字段 name 不能含有换行或制表符")]
    assert sent.counts["case"] == total - 1
    with township.db.read() as s:
        kept = list(s.scalars(select(Quarantine).where(Quarantine.direction == "out")))
    assert [q.uuid for q in kept] == [bad_case]
