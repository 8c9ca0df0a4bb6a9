"""Build the .deb on an old glibc and check it in a clean system of that glibc (Debian 11, 2.31).

    python3 packaging/old_glibc.py build [--chroots DIR]   # .deb built inside a Debian 11 chroot
    python3 packaging/old_glibc.py check [--chroots DIR]   # installed into a clean Debian 11 chroot,
                                                           # run there as a normal user
    python3 packaging/old_glibc.py all                     # both

Run as root on a Debian-based machine with debootstrap and network access to the Debian mirror and
PyPI; it takes minutes (the first time 20 to 30: the chroot, then Python 3.11 built from source).
Not part of the test suite; README (构建安装包) names it.

Why: a frozen program runs only on the glibc it was built on or newer, and the Qt of
pyproject.toml (PySide6 6.12) needs glibc 2.34. This build pins the PySide6 line with wheels for
manylinux_2_28 (packaging/qt-compat-<arch>.txt) and runs on Debian 11 and Kylin V10 (2.31); it
is checked here against Debian 11 (glibc 2.31): the Depends line of the .deb states the lowest
libc6 its binaries need (2.30 when built on Debian 11: libpython's libm and gettid symbols, and the
bullseye libraries bundled with it). UOS V20 (glibc 2.28) needs the build on a 2.28 system:
`--suite buster --mirror http://archive.debian.org/debian` where that archive is reachable.

The build uses the committed tree (git archive HEAD), so commit before building.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = "bullseye"
MIRROR = "http://deb.debian.org/debian"
# Python 3.11 as Debian 12 ships it: the source comes from the Debian archive (the same mirror).
PYTHON_SOURCE = "http://deb.debian.org/debian/pool/main/p/python3.11/python3.11_3.11.2.orig.tar.gz"
PYTHON_SHA256 = "2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849"
PYTHON_PREFIX = "/opt/python3.11"
BUILD_PACKAGES = [
    "build-essential", "ca-certificates", "curl", "git", "libssl-dev", "zlib1g-dev", "libffi-dev",
    "libsqlite3-dev", "libbz2-dev", "liblzma-dev", "uuid-dev", "libreadline-dev",
    # what Qt's wheels link against, so PyInstaller can follow their dependencies
    "libegl1", "libgl1", "libfontconfig1", "libxkbcommon0", "libxkbcommon-x11-0", "libdbus-1-3",
    "libglib2.0-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
    "libxcb-render-util0", "libxcb-shape0", "libxcb-xkb1", "libxcb-randr0", "libxcb-xinerama0",
    "libxcb-xfixes0", "libxcb-sync1", "libxcb-shm0", "libxrender1", "libx11-xcb1", "libnss3",
]
USER = "clerk"
HOST_CA = "/etc/ssl/host-ca-certificates.crt"


def say(text: str) -> None:
    print(f"[old-glibc] {text}", flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


class Chroot:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> "Chroot":
        for name in ("proc", "dev", "dev/pts", "sys"):
            target = self.path / name
            target.mkdir(parents=True, exist_ok=True)
            if not os.path.ismount(target):
                run(["mount", "--bind", f"/{name}", str(target)])
        shutil.copy2("/etc/resolv.conf", self.path / "etc/resolv.conf")
        # The host's certificate authorities (a proxy's own CA included) for pip in the chroot.
        host_ca = Path(os.environ.get("PIP_CERT") or "/etc/ssl/certs/ca-certificates.crt")
        if host_ca.is_file():
            (self.path / "etc/ssl").mkdir(parents=True, exist_ok=True)
            shutil.copy2(host_ca, self.path / HOST_CA.lstrip("/"))
        return self

    def __exit__(self, *exc) -> None:
        for name in ("sys", "dev/pts", "dev", "proc"):
            target = self.path / name
            if os.path.ismount(target):
                subprocess.run(["umount", "-l", str(target)], check=False)

    def sh(self, script: str, user: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8",
               "DEBIAN_FRONTEND": "noninteractive", "HOME": "/root"}
        if (self.path / HOST_CA.lstrip("/")).is_file():
            env["PIP_CERT"] = env["SSL_CERT_FILE"] = HOST_CA
        cmd = ["chroot", str(self.path), "/bin/sh", "-ec", script]
        if user:
            env["HOME"] = f"/home/{user}"
            cmd = ["chroot", "--userspec", f"{user}:{user}", str(self.path), "/bin/sh", "-ec", script]
        return subprocess.run(cmd, check=check, env=env)


def base(chroots: Path) -> Path:
    path = chroots / f"{SUITE}-base"
    if not (path / "etc/debian_version").exists():
        say(f"debootstrap {SUITE} into {path}")
        run(["debootstrap", "--variant=minbase", SUITE, str(path), MIRROR])
    return path


def fresh_copy(chroots: Path, name: str) -> Path:
    target = chroots / name
    if target.exists():
        for mount in ("proc", "dev/pts", "dev", "sys"):
            subprocess.run(["umount", "-l", str(target / mount)], check=False, stderr=subprocess.DEVNULL)
        shutil.rmtree(target)
    run(["cp", "-a", str(base(chroots)), str(target)])
    return target


def prepare_build(chroots: Path) -> Path:
    """The build chroot: Debian 11 with the build tools and Python 3.11 (kept between builds)."""
    path = chroots / f"{SUITE}-build"
    if not (path / PYTHON_PREFIX.lstrip("/") / "bin/python3.11").exists():
        if not (path / "etc/debian_version").exists():
            fresh_copy(chroots, path.name)
        with Chroot(path) as c:
            say("installing the build tools in the chroot")
            c.sh("apt-get update -qq && apt-get install -y -qq --no-install-recommends "
                 + " ".join(BUILD_PACKAGES) + " >/dev/null")
            say("building Python 3.11 from source (about 10 minutes on 2 cores)")
            c.sh(f"""
                mkdir -p /src && cd /src
                [ -f py.tar.gz ] || curl -fsS -o py.tar.gz {PYTHON_SOURCE}
                echo '{PYTHON_SHA256}  py.tar.gz' | sha256sum -c -
                rm -rf Python-3.11.2 && tar xzf py.tar.gz && cd Python-3.11.2
                ./configure -q --prefix={PYTHON_PREFIX} --enable-shared \
                    LDFLAGS=-Wl,-rpath,{PYTHON_PREFIX}/lib >/dev/null
                nice -n 10 make -s -j"$(nproc)" >/dev/null 2>&1
                make -s install >/dev/null 2>&1
                {PYTHON_PREFIX}/bin/python3.11 -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid'
            """)
    return path


def build(chroots: Path) -> Path:
    path = prepare_build(chroots)
    with Chroot(path) as c:
        say("building the program and the .deb in the chroot (python3.11 bootstrap.py package --qt compat)")
        src = path / "src/xihu-desk"
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True).stdout
        run(["tar", "-x", "-C", str(src)], input=archive)
        started = time.monotonic()
        c.sh(f"cd /src/xihu-desk && nice -n 10 {PYTHON_PREFIX}/bin/python3.11 bootstrap.py package --qt compat")
        say(f"built in {time.monotonic() - started:.0f} s")
    debs = sorted((src / "dist").glob("*.deb"))
    out = ROOT / "dist" / "compat"
    out.mkdir(parents=True, exist_ok=True)
    for deb in debs:
        shutil.copy2(deb, out / deb.name)
    say(f"{out / debs[-1].name} ({debs[-1].stat().st_size / 2**20:.0f} MB)")
    return out / debs[-1].name


def check(chroots: Path, deb: Path | None) -> int:
    if deb is None:
        found = sorted((ROOT / "dist" / "compat").glob("*.deb"))
        if not found:
            say("no .deb in dist/compat: run `build` first")
            return 1
        deb = found[-1]
    path = fresh_copy(chroots, f"{SUITE}-check")
    with Chroot(path) as c:
        glibc = subprocess.run(["chroot", str(path), "ldd", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        say(f"clean {SUITE} chroot, {glibc}")
        shutil.copy2(deb, path / "tmp" / deb.name)
        c.sh(f"apt-get update -qq && apt-get install -y -qq /tmp/{deb.name} >/dev/null && "
             f"useradd -m {USER}")
        say("installed; now as the normal user " + USER)
        script = (ROOT / "packaging" / "smoke.sh").read_text(encoding="utf-8")
        (path / "tmp/smoke.sh").write_text(script, encoding="utf-8")
        result = c.sh("sh /tmp/smoke.sh", user=USER, check=False)
    say("PASSED" if result.returncode == 0 else f"FAILED (exit {result.returncode})")
    return result.returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("build", "check", "all"))
    parser.add_argument("--chroots", default="/var/tmp/xihu-desk-chroots", help="where the chroots are kept")
    parser.add_argument("--deb", help="check this .deb instead of the newest in dist/compat")
    parser.add_argument("--suite", default=SUITE,
                        help="Debian release of the chroots (buster = glibc 2.28 for UOS V20, from an archive mirror)")
    parser.add_argument("--mirror", default=MIRROR, help="for buster: http://archive.debian.org/debian")
    args = parser.parse_args(argv)
    globals().update(SUITE=args.suite, MIRROR=args.mirror)
    if os.geteuid() != 0:
        say("run as root (debootstrap, chroot and mount need it)")
        return 1
    chroots = Path(args.chroots)
    chroots.mkdir(parents=True, exist_ok=True)
    deb = Path(args.deb) if args.deb else None
    if args.step in ("build", "all"):
        deb = build(chroots)
    if args.step in ("check", "all"):
        return check(chroots, deb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
