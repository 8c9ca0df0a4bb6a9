#!/usr/bin/env python3
"""Set up Xihu Desk on this machine, then open it or run its tests.

    python3 bootstrap.py            set up, then open the application
    python3 bootstrap.py test       set up, check xihu_desk/ with ruff and mypy, then run the whole
                                    test suite headless on SQLite, then again against a PostgreSQL
                                    server it starts in a temporary folder and stops at the end
                                    (tests/pg_server.py; skipped, saying why, when PostgreSQL is
                                    neither installed nor installable); a failed check stops first
    python3 bootstrap.py test --db sqlite|postgresql
                                    the suite on that backend only
    python3 bootstrap.py package    build the installers this machine can build (packaging/README.md):
                                    Linux: dist/xihu-desk/ and the .deb; Windows: the setup .exe

Set-up: on Debian/UOS/Kylin, the system libraries Qt needs and a Chinese UI font are installed
with apt when running as root, or the one command that does it is printed; then a virtual
environment in .venv gets the app and its pinned dependencies (again only when pyproject.toml
changed). Works the same on Windows (py bootstrap.py), where Qt needs nothing from the system.
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# Shared libraries Qt's wheel links against (tech-notes.md §2) and the packages that ship them.
QT_LIBS = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    # for a real X display (xcb platform plugin)
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}
CJK_FONT_PACKAGE = "fonts-wqy-microhei"
# Command-line tools the tests use (pdftotext, pdffonts, pdftoppm check the printed documents).
TEST_TOOLS = {"pdftotext": "poppler-utils"}


def say(text: str) -> None:
    print(f"[xihu-desk setup] {text}", flush=True)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _have_library(name: str) -> bool:
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    except OSError:
        out = ""
    if name in out:
        return True
    return any(Path(d, name).exists() for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"))


CJK_FONT_NAMES = ("wqy", "NotoSansCJK", "NotoSerifCJK", "SourceHan", "uming", "ukai", "DroidSansFallback")


def _have_cjk_font() -> bool:
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
        return bool(out.strip())
    # fc-list is in the "fontconfig" package, which a minimal system may lack: look for the files.
    folders = [Path("/usr/share/fonts"), Path.home() / ".fonts", Path.home() / ".local/share/fonts"]
    return any(any(n.lower() in f.name.lower() for n in CJK_FONT_NAMES)
               for folder in folders if folder.is_dir() for f in folder.rglob("*") if f.is_file())


def missing_system_packages(test: bool = False) -> list[str]:
    need = sorted({pkg for lib, pkg in QT_LIBS.items() if not _have_library(lib)})
    if test:
        need += [pkg for tool, pkg in TEST_TOOLS.items() if not shutil.which(tool)]
    if not _have_cjk_font():
        need.append(CJK_FONT_PACKAGE)
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        need.append(f"python{sys.version_info.major}.{sys.version_info.minor}-venv")
    return need


def ensure_system(test: bool = False) -> None:
    if not sys.platform.startswith("linux"):
        return
    need = missing_system_packages(test)
    if not need:
        return
    line = "apt-get install -y --no-install-recommends " + " ".join(need)
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if is_root and shutil.which("apt-get"):
        say(f"installing system packages: {' '.join(need)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *need],
                       check=True, env=env, stdout=subprocess.DEVNULL)
    else:
        say("these system packages are missing; install them once, as root:")
        print(f"    sudo {line}", flush=True)
        if any(p.endswith("-venv") for p in need):
            sys.exit(1)


def ensure_venv() -> None:
    digest = hashlib.sha1((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]
    stamp = VENV / f".installed-{digest}"
    if stamp.exists():
        return
    if not venv_python().exists():
        say("creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing Xihu Desk and its dependencies (first time: about a minute)")
    py = str(venv_python())
    subprocess.run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"], check=True)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def _package_requirements(qt_line: str) -> list[str]:
    """The pinned dependencies of pyproject.toml; `--qt compat` swaps the PySide6 pins for the
    line with wheels for older glibc (packaging/qt-compat-<arch>.txt)."""
    import platform
    import tomllib

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    if qt_line == "compat":
        arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
        lines = (ROOT / "packaging" / f"qt-compat-{arch}.txt").read_text(encoding="utf-8").splitlines()
        qt = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        pins = [pin for pin in pins if not pin.lower().startswith("pyside6")] + qt
    return pins


def package(rest: list[str]) -> int:
    """Build with PyInstaller (packaging/xihu-desk.spec) in its own virtual environment under
    build/, then the .deb (Linux) or the Inno Setup installer (Windows)."""
    import argparse
    import time

    parser = argparse.ArgumentParser(prog="bootstrap.py package")
    parser.add_argument("--qt", choices=("current", "compat"), default="current",
                        help="compat: the PySide6 line for glibc 2.28+ (packaging/old_glibc.py uses it)")
    args = parser.parse_args(rest)
    started = time.monotonic()
    pins = _package_requirements(args.qt)
    build_reqs = (ROOT / "packaging" / "requirements-build.txt").read_text(encoding="utf-8")
    venv_dir = ROOT / "build" / f"package-venv-{args.qt}"
    py = venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    digest = hashlib.sha1(("\n".join(pins) + build_reqs).encode()).hexdigest()[:12]
    stamp = venv_dir / f".installed-{digest}"
    if not stamp.exists():
        if not py.exists():
            say(f"creating the build environment in {venv_dir.relative_to(ROOT)}")
            venv.EnvBuilder(with_pip=True).create(venv_dir)
        say("installing PyInstaller and the pinned dependencies into it")
        subprocess.run([str(py), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *pins, "-r",
                        str(ROOT / "packaging" / "requirements-build.txt")], check=True)
        for old in venv_dir.glob(".installed-*"):
            old.unlink()
        stamp.touch()
    dist = ROOT / "dist"
    shutil.rmtree(dist / "xihu-desk", ignore_errors=True)
    say("freezing the program with PyInstaller (a few minutes)")
    subprocess.run([str(py), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(ROOT / "build" / "pyinstaller"),
                    str(ROOT / "packaging" / "xihu-desk.spec")], check=True, cwd=ROOT)
    folder = dist / "xihu-desk"
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())
    say(f"{folder.relative_to(ROOT)}/: {size / 2**20:.0f} MB")
    if sys.platform.startswith("linux"):
        subprocess.run([str(py), str(ROOT / "packaging" / "make_deb.py"), "--dist", str(dist)], check=True)
    elif os.name == "nt":
        iscc = shutil.which("ISCC") or next((str(p) for p in (
            Path(os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)"), "Inno Setup 6", "ISCC.exe"),  # noqa: SIM112 - Windows spells it so
            Path(os.environ.get("LOCALAPPDATA", ""), "Programs", "Inno Setup 6", "ISCC.exe")) if p.is_file()), None)
        if not iscc:
            say("Inno Setup 6 is not installed (ISCC.exe not found): the folder is built, the installer not.")
            return 1
        import tomllib

        version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
        subprocess.run([iscc, "/Q", f"/DAppVersion={version}", str(ROOT / "packaging" / "xihu-desk.iss")], check=True)
    say(f"done in {time.monotonic() - started:.0f} s; results in {dist}")
    return 0


# Static checks `bootstrap.py test` runs before the tests (settings in pyproject.toml): a failure
# stops there, so a defect ruff or mypy can see costs seconds, not a whole test run.
STATIC_CHECKS = (("ruff", ["-m", "ruff", "check", "xihu_desk"]),
                 ("ruff format", ["-m", "ruff", "format", "--check", "xihu_desk"]),
                 ("mypy", ["-m", "mypy", "xihu_desk"]))


def static_checks() -> int:
    """Run ruff and mypy from the virtual environment; 0 when both pass, else the failing exit code."""
    import time

    for name, args in STATIC_CHECKS:
        started = time.monotonic()
        code = subprocess.run([str(venv_python()), *args], cwd=ROOT, check=False).returncode
        if code:
            say(f"static check failed: {name} (exit {code}); the lines above say where. The tests were not run.")
            return code
        say(f"{name}: clean ({time.monotonic() - started:.1f} s)")
    return 0


def _pop_db(rest: list[str]) -> tuple[str, list[str]]:
    """`test --db sqlite|postgresql` (or --db=…): run on that backend only; "both" when not given."""
    out, db = [], "both"
    it = iter(rest)
    for arg in it:
        if arg == "--db":
            db = next(it, "both")
        elif arg.startswith("--db="):
            db = arg.split("=", 1)[1]
        else:
            out.append(arg)
    return {"postgres": "postgresql"}.get(db, db), out


def _spread(rest: list[str]) -> list[str]:
    """Every core (pytest-xdist, at most 4), unless the caller chose: each worker has its own nodes,
    its own QApplication and, on PostgreSQL, its own template and databases (tests/pg_server.py)."""
    cores = min(os.cpu_count() or 1, 4)
    chosen = any(a.startswith(("-n", "--numprocesses", "--pdb")) for a in rest)
    return ["-n", str(cores)] if cores > 1 and not chosen else []


def _pytest(label: str, rest: list[str], env: dict[str, str]) -> int:
    import time

    started = time.monotonic()
    code = subprocess.run([str(venv_python()), "-m", "pytest", "-q", *_spread(rest), *rest],
                          cwd=ROOT, env=env, check=False).returncode
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    say(f"{label} suite: {'passed' if code == 0 else f'FAILED (exit {code})'} in {minutes} min {seconds:02d} s")
    return code


def run_tests(db: str, rest: list[str]) -> int:
    """The suite on SQLite, on PostgreSQL, or (the default, and what .ci/run does) both in turn.

    Both: the PostgreSQL run follows even when the SQLite run failed, so one CI run on a fresh
    clone reports every failure of both backends (the two share most tests, and the setup of a
    rerun costs minutes); the exit code is the first failure's. With no PostgreSQL server programs
    and no way to install them, one line says the PostgreSQL run was skipped and the exit code is
    the SQLite run's."""
    if db not in ("both", "sqlite", "postgresql"):
        say(f"unknown --db {db}: use sqlite or postgresql (neither: both, one after the other).")
        return 2
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("XIHU_DESK_TEST_PG", None)  # the SQLite run never reaches a server a caller set up
    codes = []
    if db in ("both", "sqlite"):
        codes.append(_pytest("SQLite", rest, env))
    if db in ("both", "postgresql"):
        server = postgres_server()
        if server is not None:
            say(f"PostgreSQL test server on port {server.port} (folder {server.folder})")
            env["XIHU_DESK_TEST_PG"] = server.url  # tests/conftest.py gives each test its own database
            try:
                codes.append(_pytest("PostgreSQL", rest, env))
            finally:
                server.stop()
    return next((c for c in codes if c), 0)


def postgres_server():  # tests/pg_server.Server, or None with the reason said
    """A throwaway PostgreSQL server for the suite; apt installs postgresql first when it can."""
    sys.path.insert(0, str(ROOT))
    from tests import pg_server

    if pg_server.bin_dir() is None and sys.platform.startswith("linux"):
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
        if is_root and shutil.which("apt-get"):
            say("installing system package: postgresql")
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            try:
                subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
                subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
                               check=True, env=env, stdout=subprocess.DEVNULL)
            except (subprocess.CalledProcessError, OSError) as exc:
                say(f"PostgreSQL tests skipped: apt-get could not install postgresql ({exc}).")
                return None
    if pg_server.bin_dir() is None:
        say("PostgreSQL tests skipped: no PostgreSQL server programs here (install: sudo apt-get install postgresql).")
        return None
    try:
        return pg_server.Server().start()
    except (RuntimeError, OSError) as exc:
        say(f"PostgreSQL tests skipped: the test server could not start ({exc}).")
        return None


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under whatever python3 the machine has
        say(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
        return 1
    mode = argv[0] if argv and argv[0] in ("run", "test") else "run"
    rest = argv[1:] if argv and argv[0] in ("run", "test") else argv
    if argv and argv[0] == "package":
        try:
            ensure_system()
            return package(argv[1:])
        except (subprocess.CalledProcessError, OSError) as exc:
            say(f"packaging failed ({exc}); the messages above say why.")
            return 1
    try:
        ensure_system(test=mode == "test")
        ensure_venv()
    except (subprocess.CalledProcessError, OSError) as exc:
        say(f"set-up failed ({exc}); the messages above say why. Fix that and run the same command again.")
        return 1
    py = str(venv_python())
    if mode == "test":
        failed = static_checks()
        if failed:
            return failed
        return run_tests(*_pop_db(rest))
    return subprocess.run([py, "-m", "xihu_desk", *(rest or ["gui"])], cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
