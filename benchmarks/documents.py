"""Printing speed: the agreement and a 50-page case file, beside plain reportlab measured in the
same run (the same font, the same paragraphs, no tables, checks, footer or QR code).

    .venv/bin/python benchmarks/documents.py

Targets (issue 4): an agreement builds in < 300 ms including the font registration; a 50-page
case file in < 3 s. "Cold" runs in a fresh process (font registration, template parsing and the
first use of cn2an included; imports reported apart); "warm" is the best of five in one process.
The data is made here: a demo node for a real case, then that case's file grown to 50 pages.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"agreement": 300, "casefile-50": 3000}

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import {imports}
t1 = time.perf_counter()
case = json.loads(open(sys.argv[1], encoding="utf-8").read())
t2 = time.perf_counter()
{build}
t3 = time.perf_counter()
print(json.dumps({{"import_ms": (t1 - t0) * 1000, "build_ms": (t3 - t2) * 1000, "pages": pages}}))
"""

APP = ("xihu_desk.documents as documents",
       "built = documents.build(sys.argv[2], case, documents.Stamp('A06B-F78P-4007-05DB-G6MW-ZVQE'))\n"
       "pages = built.pages")

BASELINE = ("benchmarks.documents as bench", "pages = bench.plain(case, sys.argv[2])")


def plain(case: dict, kind: str) -> int:
    """The same words with bare reportlab: register the TTF, one style, Paragraphs only."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    if "Base" not in pdfmetrics.getRegisteredFontNames():  # once per process, as the app does
        pdfmetrics.registerFont(TTFont("Base", str(ROOT / "resources/fonts/NotoSerifSC-Regular.ttf")))
    style = ParagraphStyle("b", fontName="Base", fontSize=14, leading=25, wordWrap="CJK")
    words = [p["name"] for p in case["parties"]] + [case["summary"]]
    a = case.get("agreement") or {}
    words += [a.get("facts") or "", *a.get("clauses", []), a.get("performance_method") or ""]
    story = [Paragraph(w, style) for w in words if w]
    if kind == "casefile":
        for r in case["records"]:
            story += [PageBreak(), Paragraph(r["place"], style)] + [Paragraph(x, style) for x in r["body"].splitlines()]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4)
    doc.build(story)
    return doc.page


def make_cases(folder: Path) -> tuple[Path, Path]:
    """A written agreement from a demo node, and its case file grown to about 50 pages."""
    from argon2 import PasswordHasher

    from xihu_desk.paths import DataDir
    from xihu_desk.services import auth, case_queries, demo, node
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate
    from xihu_desk.store.case_list import CaseFilter

    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    today = date(2026, 11, 27)
    opened = migrate.open_database(DataDir(folder / "data"))
    actor = cli_actor()
    with opened.db.write() as s:
        node.init_node(s, actor, node.InitCommand(org_code="330106002", level="township", parent_code=None,
                                                  admin_username="admin", admin_password="Bench-2026-Print",
                                                  admin_display_name="基准"))
        demo.fill(s, actor, demo.DemoCommand(cases=40, seed=3, today=today))
        case = None
        for row in case_queries.list_cases(s, actor, CaseFilter(status="filed"), today, 0, 100):
            d = case_queries.case_detail(s, actor, row.uuid)
            if d["agreement"] and d["agreement"]["form"] == "written" and d["agreement"]["amount"]:
                case = d
                break
    opened.db.dispose()
    assert case is not None
    case["retention_label"] = "定期30年"
    agreement = folder / "agreement.json"
    agreement.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    # Grow the file: sixteen sessions with a long account each (two to three pages a record).
    body = "\n".join(f"问：请陈述第{i}个争议事项的经过。\n答：" + "双方对该事项的经过各执一词，经调解员逐项核对现场照片、收据和证人陈述，"
                     "认定事实如下，双方均表示认可并同意在此基础上继续协商。" * 3 for i in range(1, 8))
    start = datetime.fromisoformat(case["records"][0]["held_at"])
    case["records"] = [{**case["records"][0], "uuid": f"r{i}", "held_at": (start + timedelta(hours=i)).isoformat(timespec="minutes"),
                        "body": body} for i in range(16)]
    big = folder / "casefile.json"
    big.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return agreement, big


def cold(which: tuple[str, str], data: Path, kind: str) -> dict:
    code = CHILD.format(imports=which[0], build=which[1])
    done = subprocess.run([sys.executable, "-c", code, str(data), kind], capture_output=True, text=True, cwd=ROOT,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def warm(fn, runs: int = 5) -> tuple[float, float]:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp(prefix="xihu-print-bench-"))
    try:
        agreement, big = make_cases(folder)
        from xihu_desk import documents

        stamp = documents.Stamp("A06B-F78P-4007-05DB-G6MW-ZVQE")
        print(f"{'step':34} {'app ms':>9} {'baseline ms':>12} {'ratio':>6} {'pages':>6}  target")
        for name, path, kind in (("agreement", agreement, "agreement"), ("casefile-50", big, "casefile")):
            c_app = min((cold(APP, path, kind) for _ in range(3)), key=lambda r: r["build_ms"])
            c_base = min((cold(BASELINE, path, kind) for _ in range(3)), key=lambda r: r["build_ms"])
            case = json.loads(path.read_text(encoding="utf-8"))
            w_app = warm(lambda: documents.build(kind, case, stamp))  # noqa: B023
            w_base = warm(lambda: plain(case, kind))  # noqa: B023
            pages = documents.build(kind, case, stamp).pages
            target = TARGETS[name]
            ok = "ok" if c_app["build_ms"] < target else "SLOW"
            print(f"{name + ' cold (fonts, templates)':34} {c_app['build_ms']:9.0f} {c_base['build_ms']:12.0f} "
                  f"{c_app['build_ms'] / c_base['build_ms']:6.2f} {pages:6d}  < {target} ms {ok}")
            print(f"{name + ' warm (best of 5)':34} {w_app[0]:9.0f} {w_base[0]:12.0f} {w_app[0] / w_base[0]:6.2f} {pages:6d}")
            print(f"{'  imports (apart from the above)':34} {c_app['import_ms']:9.0f} {c_base['import_ms']:12.0f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
