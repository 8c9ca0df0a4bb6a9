#!/usr/bin/env python3
"""Update the translation sources and build the binary catalogues.

    python scripts/i18n.py            lupdate + lrelease for every locale below
    python scripts/i18n.py --release  lrelease only (after a translator edited a .ts in Linguist)

lupdate reads the Python sources (self.tr / QCoreApplication.translate) and forms/*.ui; the
strings in the code are already Simplified Chinese, so zh_CN is the source catalogue a future
translation (e.g. xihu_desk_en.ts) starts from.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "translations"
LOCALES = ["zh_CN"]


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name  # the venv's pyside6-* scripts
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"找不到 {name}：请在装有 PySide6 的虚拟环境中运行本脚本。")
    return found


def sources() -> list[Path]:
    code = sorted(p for p in (ROOT / "xihu_desk").rglob("*.py") if "__pycache__" not in p.parts)
    return code + sorted((ROOT / "forms").glob("*.ui"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="只生成 .qm，不重新提取")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for locale in LOCALES:
        ts = OUT / f"xihu_desk_{locale}.ts"
        if not args.release:
            files = [str(p.relative_to(ROOT)) for p in sources()]
            subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", "-locations", "relative",
                            "-target-language", locale, *files, "-ts", str(ts.relative_to(ROOT))],
                           cwd=ROOT, check=True)
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
