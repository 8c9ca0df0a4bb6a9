"""A child that claims a sequence number far ahead: memory and output stay flat (issue 12).

    .venv/bin/python benchmarks/hostile_sequence.py [SEQUENCE=1000000000]

A district holds a bundle numbered SEQUENCE from a township (as a database that took one before
the jump was capped would); the township's next bundle is imported, and the summary, the JSON,
the exchange page's peer list and the statistics cover are made. Each step's peak Python memory
(tracemalloc) and the length of what it prints are reported. A fresh bundle that jumps past the
cap is refused first, with its reason.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(label: str, fn):  # noqa: ANN001, ANN201
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = fn()
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"{label}: {time.perf_counter() - started:.2f} s, peak {peak / 2**20:.1f} MiB")
    return result


def main(far: int) -> None:
    from xihu_desk.domain import ids
    from xihu_desk.paths import DataDir
    from xihu_desk.services import demo, exchange, mediation_stats, node
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate
    from xihu_desk.store.models import Node as NodeRow
    from xihu_desk.store.sync_models import BundleIn
    from xihu_desk.sync import container
    from xihu_desk.sync.container import BundleRefused

    work = Path(tempfile.mkdtemp(prefix="xihu-hostile-"))
    try:
        township, district = DataDir(work / "t"), DataDir(work / "d")
        t, d = migrate.open_database(township).db, migrate.open_database(district).db
        with t.write() as s:
            node.init_node(s, cli_actor(), node.InitCommand("330106002", "township", None, "admin", "Township-key-2026"))
            demo.fill(s, cli_actor(), demo.DemoCommand(seed=3, cases=20, today=date(2026, 11, 20)))
        with d.write() as s:
            node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
        with t.read() as s:
            tk, me = exchange.export_key(s, cli_actor()), s.get(NodeRow, 1)
            sender = container.Sender(me.node_id, me.sign_private)
        with d.read() as s:
            dk, them = exchange.export_key(s, cli_actor()), s.get(NodeRow, 1)
            enc_private, enc_public = them.enc_private, them.enc_public
        with d.write() as s:
            exchange.enrol(s, cli_actor(), tk)
        with t.write() as s:
            exchange.enrol(s, cli_actor(), dk)
        (work / "usb").mkdir()
        real = exchange.export_bundle(township, t, cli_actor(), work / "usb").file

        def signed_again(sequence: int, prev: str) -> Path:
            """The real bundle renumbered and signed again with the township's key."""
            with real.open("rb") as f:
                body, _sig, _size = container._frame(f)
                offset = f.tell()
            manifest = json.loads(body)
            inner = work / "inner.zip"
            container.decrypt_payload(real, container.OpenedBundle(manifest, "", offset), enc_private, inner)
            manifest = {k: v for k, v in manifest.items() if k not in ("format", "key", "payload_sha256", "payload_size")}
            manifest.update(bundle_id=ids.new_uuid(), sequence=sequence, prev_sha256=prev)
            out = work / f"seq-{sequence}.xdb"
            container.write_bundle(out, manifest, inner, sender, enc_public)
            inner.unlink()
            return out

        try:
            measure(f"bundle {far:,} refused", lambda: exchange.import_bundle(district, d, cli_actor(), signed_again(far, "")))
        except BundleRefused as exc:
            print(f"  reason: {exc.message}")
        prev = hashlib.sha256(b"an earlier bundle").hexdigest()
        with d.write() as s:  # what a database that took such a bundle before the cap holds
            s.add(BundleIn(sender=me.node_id, sequence=far, bundle_id=ids.new_uuid(), sha256=prev, prev_sha256="",
                           created_at=datetime(2026, 11, 1), imported_at=datetime(2026, 11, 1), counts="{}",
                           receipt="[]"))
        nxt = signed_again(far + 1, prev)
        got = measure(f"import of bundle {far + 1:,}", lambda: exchange.import_bundle(district, d, cli_actor(), nxt))
        text = measure("summary text", got.text)
        doc = measure("JSON", lambda: json.dumps(got.as_json(), ensure_ascii=False))
        print(f"  summary {len(text.encode()):,} bytes, JSON {len(doc.encode()):,} bytes, gaps {doc[doc.index('gaps'):][:60]}…")
        with d.read() as s:
            peers = measure("peer list", lambda: exchange.peers(s, cli_actor()))
            lines = measure("statistics cover", lambda: mediation_stats.bundle_lines(s))
        print(f"  peer gaps {[str(g) for g in peers[0].gaps]}, cover: {lines[0].missing_text()}")
        t.dispose()
        d.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000_000)
