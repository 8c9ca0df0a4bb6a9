"""The installers' pieces agree with each other and with the program (they are built and run only
by `bootstrap.py package`, packaging/old_glibc.py and the Windows workflow, not in this suite)."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

from xihu_desk import app, paths

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_every_dependency_is_pinned_exactly():
    """check_wheels.py and both builds rely on exact pins: the same wheels on every office PC."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert deps and all("==" in dep for dep in deps)


def test_compat_qt_line_replaces_every_pyside6_pin():
    bootstrap = _load(ROOT / "bootstrap.py", "bootstrap_under_test")
    current = bootstrap._package_requirements("current")
    compat = bootstrap._package_requirements("compat")
    assert any(pin.startswith("PySide6-Pdf==6.12") for pin in current)
    qt = [pin for pin in compat if pin.lower().startswith("pyside6")]
    assert sorted(qt) == ["PySide6-Addons==6.8.3", "PySide6-Essentials==6.8.3"]  # QtPdf is in Addons in 6.8
    assert [p for p in current if not p.lower().startswith("pyside6")] == [p for p in compat if p not in qt]


def test_lowest_glibc_is_the_newest_symbol_version_asked_for(tmp_path: Path):
    make_deb = _load(PACKAGING / "make_deb.py", "make_deb_under_test")
    lib = tmp_path / "libx.so"
    lib.write_bytes(b"\x7fELF...GLIBC_2.17\x00..GLIBC_2.30\x00..GLIBC_2.2.5\x00GLIBC_PRIVATE\x00")
    assert make_deb.lowest_glibc([lib]) == "2.30"
    assert make_deb.elf_files(tmp_path) == [lib]


def test_installer_shortcuts_data_marker_and_desktop_entry_match_the_program():
    iss = (PACKAGING / "xihu-desk.iss").read_text(encoding="utf-8")
    assert f'#define AppUserModelID "{app.APP_USER_MODEL_ID}"' in iss
    assert f"XihuDesk\\{paths.MACHINE_MARKER}" in iss
    assert "PrivilegesRequired=lowest" in iss and "PrivilegesRequiredOverridesAllowed=dialog" in iss
    make_deb = _load(PACKAGING / "make_deb.py", "make_deb_under_test")
    assert make_deb.NAME == app.DESKTOP_FILE_NAME  # installed as xihu-desk.desktop
    assert "Exec=/opt/xihu-desk/XihuDesk" in make_deb.DESKTOP


def test_spec_has_the_two_known_fixes_and_both_programs():
    spec = (PACKAGING / "xihu-desk.spec").read_text(encoding="utf-8")
    assert '"pkg_resources"' in spec  # excluded: its runtime hook crashed the frozen program at start
    assert 'collect_submodules("reportlab.graphics.barcode")' in spec  # loaded by name when printing
    assert 'name="XihuDesk", console=False' in spec and 'name="xihu-desk", console=True' in spec
    assert "utf8_mode=1" in spec
    assert (ROOT / "resources/icons/xihu-desk.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
