"""Does every pinned dependency have a wheel for every target the installers are built for?

    python3 packaging/check_wheels.py [--target NAME ...] [--keep DIR]

For each target, `pip download --only-binary :all:` of the pinned dependencies of pyproject.toml
(with the build's Qt line substituted where the target uses another) and everything they pull in,
for CPython 3.11 on that platform, into a temporary folder. A missing wheel (a source-only release,
a platform tag the target's glibc cannot load) fails the target and names the package. Office PCs
install offline, so nothing may need compiling there. Takes a few minutes (about 1 GB is fetched);
not part of the test suite.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manylinux(arch: str, glibc_minor: int) -> list[str]:
    """Every platform tag a system of glibc 2.<glibc_minor> accepts, newest first."""
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(glibc_minor, 16, -1)]
    return tags + [f"manylinux2014_{arch}"] + ([f"manylinux2010_{arch}", f"manylinux1_{arch}"] if arch == "x86_64" else [])


# name: (platform tags, Qt line file or None for pyproject.toml's own pins)
TARGETS: dict[str, tuple[list[str], str | None]] = {
    "windows-x64": (["win_amd64"], None),
    "linux-x64 (glibc 2.34+, the Debian 12 build)": (manylinux("x86_64", 36), None),
    "linux-x64-compat (glibc 2.28+, UOS V20 / Kylin V10)": (manylinux("x86_64", 28), "qt-compat-x86_64.txt"),
    "linux-arm64-compat (glibc 2.31+, Kylin V10 arm64)": (manylinux("aarch64", 31), "qt-compat-aarch64.txt"),
}


def pins(qt_file: str | None) -> list[str]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    if qt_file:
        lines = (ROOT / "packaging" / qt_file).read_text(encoding="utf-8").splitlines()
        deps = [d for d in deps if not d.lower().startswith("pyside6")]
        deps += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return deps


def check(name: str, platforms: list[str], requirements: list[str], folder: Path) -> bool:
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--only-binary", ":all:", "--python-version", "3.11",
           "--implementation", "cp", "--abi", "cp311", "--abi", "abi3", "--abi", "none", "-d", str(folder)]
    for tag in platforms:
        cmd += ["--platform", tag]
    done = subprocess.run(cmd + requirements, capture_output=True, text=True, check=False)
    wheels = sorted(p.name for p in folder.glob("*.whl"))
    if done.returncode != 0:
        reason = [line for line in done.stderr.splitlines() if "ERROR" in line] or done.stderr.splitlines()[-3:]
        print(f"FAIL {name}: " + " / ".join(reason))
        return False
    size = sum(p.stat().st_size for p in folder.glob("*.whl")) / 2**20
    print(f"ok   {name}: {len(wheels)} wheels, {size:.0f} MB")
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="pinned dependencies have wheels for every target")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), help="only these targets")
    parser.add_argument("--keep", help="download into DIR/<target> and keep the wheels (an offline cache)")
    args = parser.parse_args(argv)
    results = []
    for name in args.target or TARGETS:
        platforms, qt_file = TARGETS[name]
        if args.keep:
            folder = Path(args.keep) / name.split()[0]
            folder.mkdir(parents=True, exist_ok=True)
            results.append(check(name, platforms, pins(qt_file), folder))
        else:
            with tempfile.TemporaryDirectory(prefix="xihu-wheels-") as tmp:
                results.append(check(name, platforms, pins(qt_file), Path(tmp)))
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
