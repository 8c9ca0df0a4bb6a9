"""Where the installed program looks: the per-machine data folder the installer can make (one node
for every Windows account of a shared PC) and the shipped files inside a frozen program."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from xihu_desk import paths


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ProgramData" / "XihuDesk"
    monkeypatch.setattr(paths, "machine_data_dir", lambda: folder)
    monkeypatch.delenv("XIHU_DESK_HOME", raising=False)
    return folder


def test_the_accounts_own_folder_without_the_installers_marker(machine: Path):
    machine.mkdir(parents=True)  # a folder alone (left by someone, or empty) does not count
    assert paths.default_data_dir() != machine


def test_the_per_machine_folder_when_the_installer_marked_it(machine: Path):
    machine.mkdir(parents=True)
    (machine / paths.MACHINE_MARKER).write_text("本机所有账户共用此数据目录\n", encoding="utf-8")
    assert paths.default_data_dir() == machine
    assert paths.DataDir().database == machine / paths.DB_FILE_NAME


def test_xihu_desk_home_still_wins(machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    machine.mkdir(parents=True)
    (machine / paths.MACHINE_MARKER).write_text("x", encoding="utf-8")
    monkeypatch.setenv("XIHU_DESK_HOME", str(tmp_path / "mine"))
    assert paths.default_data_dir() == tmp_path / "mine"


def test_per_machine_folder_is_programdata_on_windows(monkeypatch: pytest.MonkeyPatch):
    asked = []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(paths.platformdirs, "site_data_dir",
                        lambda app, appauthor=None: asked.append(app) or "C:/ProgramData/" + app)
    assert paths.machine_data_dir() == Path("C:/ProgramData/XihuDesk")
    assert asked == ["XihuDesk"]


def test_per_machine_folder_on_linux(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert paths.machine_data_dir() == Path("/var/lib/xihu-desk")


def test_frozen_program_finds_its_shipped_folders_in_its_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    bundle = tmp_path / "_internal"
    for name in ("resources", "forms", "db"):
        (bundle / name).mkdir(parents=True)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.resources_dir() == bundle / "resources"
    assert paths.forms_dir() == bundle / "forms"
    assert paths.migrations_dir() == bundle / "db" / "migrations"
