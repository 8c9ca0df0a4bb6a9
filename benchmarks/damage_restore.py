"""Damage the live database in many ways and act as a user would: ``check`` must answer in one
line without a traceback, ``restore`` of the newest good backup must succeed and leave a sound
database at the program's schema, with the damaged files kept (reliability.md DB-CORRUPT-01).

    .venv/bin/python benchmarks/damage_restore.py [TRIALS=200] [SEED=1]

Each trial: whole pages overwritten (from 4 KiB on), single bytes changed, the file cut short,
zero bytes, garbage, or a stale -wal left beside it. The commands run in this process through
``cli.main`` (the same code as the installed command). Prints a tally; exit 1 on any failure.
"""

from __future__ import annotations

import collections
import contextlib
import io
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xihu_desk import cli  # noqa: E402
from xihu_desk.store import dbfile, migrate  # noqa: E402


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def damage(rng: random.Random, raw: bytes) -> tuple[str, bytes]:
    b = bytearray(raw)
    kind = rng.choice(["pages", "bytes", "cut", "zero", "garbage"])
    if kind == "pages":
        start = 4096 * rng.randrange(1, len(b) // 4096)
        for i in range(start, min(len(b), start + 4096 * rng.randint(1, 4))):
            b[i] = rng.randrange(256)
    elif kind == "bytes":
        for _ in range(rng.randint(1, 64)):
            b[rng.randrange(4096, len(b))] = rng.randrange(256)
    elif kind == "cut":
        del b[rng.randrange(4096, len(b)):]
    elif kind == "zero":
        b = bytearray()
    else:
        b = bytearray(rng.randbytes(len(b) // 3))
    return kind, bytes(b)


def main() -> int:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    work = Path(tempfile.mkdtemp(prefix="xihu-damage-"))
    home = work / "node"
    password = work / "pw.txt"
    password.write_text("Damage-test-2026\n", encoding="utf-8")
    assert run("init", "--data-dir", str(home), "--org", "330106002", "--level", "township",
               "--admin", "admin", "--password-file", str(password))[0] == 0
    assert run("demo", "--data-dir", str(home), "--cases", "60")[0] == 0
    assert run("backup", "--data-dir", str(home), "-o", str(work / "good.sqlite3"))[0] == 0
    good = work / "good.sqlite3"
    sound = good.read_bytes()  # complete in one file (the live one may still have its pages in the -wal)
    tally: collections.Counter[str] = collections.Counter()
    failures = []
    for trial in range(trials):
        live = home / "xihu-desk.sqlite3"
        for p in (live, *dbfile.companions(live)):
            p.unlink(missing_ok=True)
        kind, raw = damage(rng, sound)
        live.write_bytes(raw)
        if rng.random() < 0.2:  # a -wal from before, left by a killed writer
            live.with_name(live.name + "-wal").write_bytes(rng.randbytes(40000))
            kind += "+wal"
        code, _out, err = run("check", "--data-dir", str(home))
        one_line = err.count("\n") <= 1 and "Traceback" not in err and "内部错误" not in err
        if code == 1 and one_line and "已损坏" in err:
            tally["check: damaged, one line"] += 1
        elif code in (0, 1) and one_line:
            tally["check: not detectable by SQLite (a value changed), one line"] += 1
        else:
            failures.append((trial, kind, "check", code, err[:200]))
        code, _out, err = run("restore", str(good), "--data-dir", str(home))
        health = dbfile.inspect(live, full=True)
        if code == 0 and health.state == "ok" and health.revision == migrate.head_revision():
            tally["restore: verified"] += 1
        else:
            failures.append((trial, kind, "restore", code, err[:200]))
        for folder in home.joinpath("backups").glob("damaged-*"):
            shutil.rmtree(folder)
        for extra in home.joinpath("backups").glob("*before-restore*"):
            extra.unlink()
    shutil.rmtree(work, ignore_errors=True)
    for key, n in sorted(tally.items()):
        print(f"{n:5d}  {key}")
    print(f"{len(failures):5d}  failures")
    for f in failures[:20]:
        print("   ", f)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
