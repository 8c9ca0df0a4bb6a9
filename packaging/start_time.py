"""Time from start to the login window: the frozen program against the development venv, in one run.

    python3 packaging/start_time.py [--frozen dist/xihu-desk/XihuDesk] [--venv .venv] [--runs 5]

Makes a node in a temporary data folder (with the venv's command line), then starts each program
offscreen with --startup-check (it exits as soon as its first window is shown) in turns, and prints
the median wall time from start to exit of each. Start-up is the first window plus exit; the
programs share the machine's load, so only the difference between them and its order of size count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "LoginDialog" not in done.stdout:
        raise SystemExit(f"{cmd[0]} did not reach the login window: {done.stdout}{done.stderr}")
    return elapsed, done.stdout.strip()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", default=str(ROOT / "dist/xihu-desk/XihuDesk"))
    parser.add_argument("--venv", default=str(ROOT / ".venv"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    bindir = Path(args.venv) / ("Scripts" if os.name == "nt" else "bin")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory(prefix="xihu-start-") as tmp:
        data = Path(tmp) / "d"
        (Path(tmp) / "pw.txt").write_text("Start-Time-2026!\n", encoding="utf-8")
        subprocess.run([str(bindir / "xihu-desk"), "--data-dir", str(data), "init", "--org", "330106002",
                        "--level", "township", "--admin", "wang", "--password-file", str(Path(tmp) / "pw.txt")],
                       check=True, capture_output=True)
        programs = {"frozen": [args.frozen], "venv": [str(bindir / "xihu-desk-gui")]}
        times: dict[str, list[float]] = {name: [] for name in programs}
        for _ in range(args.runs):
            for name, cmd in programs.items():
                elapsed, _ = timed([*cmd, "--data-dir", str(data), "--startup-check"], env)
                times[name].append(elapsed)
    for name, values in times.items():
        print(f"{name:7s} start to login window and exit: median {statistics.median(values):.2f} s "
              f"(min {min(values):.2f}, max {max(values):.2f}, {len(values)} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
