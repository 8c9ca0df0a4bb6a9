"""Wrap the frozen one-folder program (dist/xihu-desk/) into a .deb for Debian, UOS and Kylin.

    python3 packaging/make_deb.py [--dist dist]

Standard library only, plus dpkg-deb (and dpkg -S to name the system packages the program's
libraries need). The package installs the folder to /opt/xihu-desk, the command `xihu-desk` in
/usr/bin, a desktop entry in the Office menu (the file name xihu-desk.desktop is the program's
desktop-file name, so the window belongs to its entry) and the icon. Its Depends line is worked
out from the build: the lowest libc6 every binary in the folder runs with, and the distribution
packages that provide the shared libraries the folder does not carry itself.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "xihu-desk"
INSTALL_DIR = Path("opt") / NAME
DESKTOP = """[Desktop Entry]
Type=Application
Name=Xihu Desk
Name[zh_CN]=西湖司法所工作台
GenericName[zh_CN]=人民调解工作台
Comment[zh_CN]=人民调解案件、调解员名册、合法性审查、文书打印与统计报表
Exec=/opt/xihu-desk/XihuDesk
Icon=xihu-desk
Terminal=false
Categories=Office;
StartupWMClass=XihuDesk
StartupNotify=true
"""
# Shown to people who open the package in the distribution's installer.
DESCRIPTION = """西湖司法所工作台 Xihu Desk
 人民调解案件从受理到立卷归档、调解员名册、合法性审查台账、文书打印、统计报表与数据交换。
 全部离线工作，数据保存在本机。命令行：xihu-desk --help
"""
GLIBC = re.compile(rb"GLIBC_2\.(\d+)(?:\.\d+)?\x00")
# Always needed, though nothing links it: the font configuration Qt reads at run time.
ALWAYS = ["fontconfig"]


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and _is_elf(p)]


def lowest_glibc(files: list[Path]) -> str:
    """The newest GLIBC_2.x symbol version any binary asks for: the oldest libc it runs with."""
    newest = 0
    for path in files:
        for match in GLIBC.finditer(path.read_bytes()):
            newest = max(newest, int(match.group(1)))
    return f"2.{newest}"


def system_libraries(folder: Path, files: list[Path]) -> set[str]:
    """Shared libraries the binaries load from the system (ldd, with the folder's own first)."""
    own = {p.name for p in folder.rglob("*.so*")}
    env = dict(os.environ, LD_LIBRARY_PATH=str(folder / "_internal"))
    found: set[str] = set()
    for path in files:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env, check=False).stdout
        for line in out.splitlines():
            parts = line.strip().split(" => ")
            if len(parts) == 2 and parts[0] not in own and parts[1].startswith("/"):
                found.add(parts[1].split(" (")[0])
    return found


def packages_for(libraries: set[str]) -> list[str]:
    names: set[str] = set()
    for lib in sorted(libraries):
        real = str(Path(lib).resolve())
        for candidate in (lib, real, real.replace("/usr/lib/", "/lib/"), real.replace("/lib/", "/usr/lib/", 1)):
            out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=False)
            if out.returncode == 0:
                names.add(out.stdout.split(":")[0].strip())
                break
    names.discard("libc6")
    return sorted(names)


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def build(dist: Path) -> Path:
    app = dist / NAME
    if not (app / "XihuDesk").is_file():
        raise SystemExit(f"{app} has no XihuDesk: build the program first (python3 bootstrap.py package)")
    stage = ROOT / "build" / "deb"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(app, stage / INSTALL_DIR, symlinks=True)
    (stage / "usr/bin").mkdir(parents=True)
    os.symlink(f"/{INSTALL_DIR}/xihu-desk", stage / "usr/bin/xihu-desk")
    apps = stage / "usr/share/applications"
    apps.mkdir(parents=True)
    (apps / f"{NAME}.desktop").write_text(DESKTOP, encoding="utf-8")
    icons = stage / "usr/share/icons/hicolor/256x256/apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "resources/icons/xihu-desk.png", icons / f"{NAME}.png")

    files = elf_files(stage / INSTALL_DIR)
    glibc = lowest_glibc(files)
    depends = [f"libc6 (>= {glibc})", *packages_for(system_libraries(stage / INSTALL_DIR, files)), *ALWAYS]
    size_kb = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    arch = architecture()
    control = (
        f"Package: {NAME}\nVersion: {version()}\nArchitecture: {arch}\n"
        "Maintainer: 西湖区司法局 <xihu-desk@localhost>\nSection: misc\nPriority: optional\n"
        f"Installed-Size: {size_kb}\nDepends: {', '.join(dict.fromkeys(depends))}\n"
        "Recommends: fonts-wqy-microhei | fonts-noto-cjk\n"
        f"Description: {DESCRIPTION}"
    )
    (stage / "DEBIAN").mkdir()
    (stage / "DEBIAN/control").write_text(control, encoding="utf-8")
    # Menus and icon caches are refreshed by the distribution's triggers; nothing else to do.
    out = dist / f"{NAME}_{version()}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(stage), str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    print(f"glibc {glibc} or newer; Depends: {', '.join(dict.fromkeys(depends))}")
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Build the .deb from dist/xihu-desk/")
    parser.add_argument("--dist", default=str(ROOT / "dist"))
    args = parser.parse_args(argv)
    if not shutil.which("dpkg-deb"):
        print("dpkg-deb is missing: the .deb is built on Debian, UOS or Kylin.", file=sys.stderr)
        return 1
    out = build(Path(args.dist))
    print(f"{out} ({out.stat().st_size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
