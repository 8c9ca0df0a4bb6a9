"""Opening costs the same at fifty cases as at a million (issue 15): in one run, the time from
starting the program to the login window (offscreen, ``xihu-desk-gui --startup-check``: until the
first window is shown) and from starting a command to its first output (``case show --json``,
``case list --json``, cancelled with Ctrl-C once its first byte came, ``review list --json`` and
``mediator list --json``), each on a node of 50 cases and one of 1,000,000, with the ratio (wall time; the CPU time the command had used when its
first byte came, read from /proc on Linux; and the process's whole CPU time, both steadier on a
shared machine); then the first screen of every list on the big node beside its service query
(benchmarks/list_first_screen.py).

    .venv/bin/python benchmarks/startup.py [BIG_NODE=/tmp/kit/cases-1m] [ROUNDS=5] [LISTS_NODE=BIG_NODE]

LISTS_NODE: the node whose lists are measured, when not the big one (a node made by
benchmarks/gen_volume.py has volume in every list, not only cases).

The 50-case node is made here (init + demo --cases 50); the big one is only opened (made by
benchmarks/gen_cases.py). One warm-up start per node comes first and is reported on its own: it
runs the start-up integrity check when the node's last session did not end cleanly.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "xihu-desk")
GUI = str(BIN / "xihu-desk-gui")
PASSWORD = "Startup-bench-2026!"


def small_node(folder: Path) -> Path:
    pw = folder / "pw"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    root = folder / "n50"
    for argv in (["init", "--org", "330106002", "--level", "township", "--admin", "admin", "--password-file", str(pw)],
                 ["demo", "--cases", "50"]):
        subprocess.run([CLI, "--data-dir", str(root), *argv], check=True, capture_output=True)
    return root


def a_case_no(root: Path) -> str:
    """The newest case's number: read from the file (a big plain node), else from `case list` (an
    encrypted node, which a plain sqlite3 cannot open)."""
    try:
        conn = sqlite3.connect(f"{(root / 'xihu-desk.sqlite3').resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT case_no FROM mediation_case ORDER BY rowid DESC LIMIT 1").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        listed = subprocess.run([CLI, "--data-dir", str(root), "case", "list", "--json"], check=True,
                                capture_output=True, text=True, encoding="utf-8")
        return json.loads(listed.stdout)["cases"][-1]["case_no"]


try:  # CPU seconds of finished children: steadier than wall time on a shared machine (POSIX only)
    import resource

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime
except ImportError:

    def children_cpu() -> float:
        return float("nan")


CPU: dict[tuple[str, str], list[float]] = {}


def cpu_of(key: tuple[str, str], run, root: Path) -> float:
    before = children_cpu()
    took = run(root)
    CPU.setdefault(key, []).append(children_cpu() - before)
    return took


def cpu_so_far(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far, read from /proc (Linux;
    elsewhere nan). A process that already exited and is not yet reaped still reports its own."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime in ticks


# (probe, node) -> the CPU seconds the command had used when its first byte came
FIRST_CPU: dict[tuple[str, str], list[float]] = {}


def first_output(argv: list[str], env: dict[str, str] | None = None, key: tuple[str, str] | None = None,
                 interrupt: bool = False) -> float:
    """Seconds from starting the process to the first byte on its standard output; with ``key``,
    the CPU seconds it had used by then go to FIRST_CPU[key]. With ``interrupt`` the command is
    cancelled once its first byte came (Ctrl-C: exit 130, the session ended cleanly, so the next
    start runs no integrity check): a million cases' list need not be read to its end."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    first = proc.stdout.read(1)
    took = time.perf_counter() - start
    if key is not None:
        FIRST_CPU.setdefault(key, []).append(cpu_so_far(proc.pid))
    if interrupt and os.name == "posix":
        proc.send_signal(signal.SIGINT)
    rest = first + proc.stdout.read()
    proc.wait()
    if proc.returncode not in ((0, 130) if interrupt else (0,)) or not rest:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.read().decode('utf-8', 'replace') if proc.stderr else ''}")
    return took


def login_shown(root: Path) -> float:
    """Seconds until the login dialog's first paint, from the stamp the program prints."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen([GUI, "--data-dir", str(root), "--startup-check"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    took = time.perf_counter() - start
    proc.communicate()
    if "LoginDialog" not in line:
        raise SystemExit(f"no login window on {root}: {line}")
    # the program's own CPU seconds until the window was shown (the rest of the process's CPU time
    # is its exit): "startup-check: LoginDialog 0.48s cpu"
    SHOWN_CPU.setdefault(root, []).append(float(line.split()[-2].rstrip("s")))
    return took


SHOWN_CPU: dict[Path, list[float]] = {}


def precompile() -> None:
    """The program's bytecode, as the installed program has it (PyInstaller bundles it): a module
    edited since its last compile would otherwise be compiled from source on every start when
    PYTHONDONTWRITEBYTECODE is set, which is no start-up a user sees."""
    import compileall

    import xihu_desk

    compileall.compile_dir(str(Path(xihu_desk.__file__).parent), quiet=1)


def main() -> None:
    big = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/kit/cases-1m")
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    lists_node = Path(sys.argv[3]) if len(sys.argv) > 3 else big
    precompile()
    print(f"load average {os.getloadavg()[0]:.2f} at the start" if hasattr(os, "getloadavg") else "")
    with tempfile.TemporaryDirectory() as tmp:
        small = small_node(Path(tmp))
        nodes = {"50": small, "1M": big}
        case_nos = {root: a_case_no(root) for root in nodes.values()}  # once, outside the timed runs
        names = {root: name for name, root in nodes.items()}

        def command(*words: str):
            probe = " ".join(words[:2]) + " --json"
            return lambda root: first_output([CLI, "--data-dir", str(root), *words, "--json"], key=(probe, names[root]))

        probes = {
            "login window": lambda root: login_shown(root),
            "case show --json": lambda root: command("case", "show", case_nos[root])(root),
            # a list of reviews or of the roster prints whole too: small on both nodes
            "review list --json": command("review", "list"),
            "mediator list --json": command("mediator", "list"),
        }
        if os.name == "posix":  # cancelled after its first byte (Ctrl-C): a million lines are not read
            probes["case list --json"] = lambda root: first_output(
                [CLI, "--data-dir", str(root), "case", "list", "--json"], key=("case list --json", names[root]),
                interrupt=True)
        print(f"warm-up (a start after an unclean exit checks integrity first), {rounds} rounds each after it")
        for name, root in nodes.items():
            print(f"  {name}: first login window {login_shown(root):.2f} s")
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(rounds):  # interleaved, so load from other work falls on both sizes alike
            for probe, run in probes.items():
                for name, root in nodes.items():
                    times.setdefault((probe, name), []).append(cpu_of((probe, name), run, root))
        print(f"{'':20} {'50 cases':>10} {'1M cases':>10} {'ratio':>7}   (median s; min in brackets)"
              "   | CPU s to first output: 50, 1M, ratio | CPU s of the process: 50, 1M, ratio")
        for probe in probes:
            a, b = times[(probe, "50")], times[(probe, "1M")]
            ma, mb = statistics.median(a), statistics.median(b)
            ca, cb = statistics.median(CPU[(probe, "50")]), statistics.median(CPU[(probe, "1M")])
            if (probe, "50") in FIRST_CPU:
                fa, fb = statistics.median(FIRST_CPU[(probe, "50")]), statistics.median(FIRST_CPU[(probe, "1M")])
                first = f"{fa:.2f} {fb:.2f} {fb / fa:5.2f}×"
            else:  # the login window: its CPU until shown is the line below
                first = f"{'-':>16}"
            print(f"{probe:20} {ma:10.2f} {mb:10.2f} {mb / ma:6.2f}×   [{min(a):.2f} / {min(b):.2f}]"
                  f"   | {first} | {ca:.2f} {cb:.2f} {cb / ca:5.2f}×")
        a, b = statistics.median(SHOWN_CPU[small]), statistics.median(SHOWN_CPU[big])
        print(f"{'login: CPU to shown':20} {a:10.2f} {b:10.2f} {b / a:6.2f}×   (the program's CPU s until the window is shown)")
    # and the first screen of every list at 1M, beside its service query, in the same run
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if hasattr(os, "getloadavg"):
        print(f"load average {os.getloadavg()[0]:.2f} after the start-up rounds")
    lists = subprocess.run([sys.executable, str(Path(__file__).with_name("list_first_screen.py")), str(lists_node)],
                           capture_output=True, text=True, encoding="utf-8", env=env)
    print("\n".join(line for line in lists.stdout.splitlines() if "propagateSizeHints" not in line))


if __name__ == "__main__":
    main()
