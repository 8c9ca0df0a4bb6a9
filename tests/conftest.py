"""Test set-up: headless Qt, cheap password hashing, a template database migrated once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import auth  # noqa: E402

# Real Argon2id with small parameters keeps the suite fast; production uses the defaults.
auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))

ADMIN_PASSWORD = "Xihu-2026-Beishan"


@pytest.fixture(scope="session")
def template_node(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A township node (北山街道) made once through the real migrations and init."""
    from xihu_desk.services import node
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate

    root = tmp_path_factory.mktemp("template") / "data"
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None,
            admin_username="admin", admin_password=ADMIN_PASSWORD, admin_display_name="王管理"))
    opened.db.dispose()
    return root


@pytest.fixture
def data_dir(template_node: Path, tmp_path: Path) -> DataDir:
    """A fresh copy of the template node for one test."""
    target = tmp_path / "data"
    shutil.copytree(template_node, target)
    return DataDir(target)


@pytest.fixture
def db(data_dir: DataDir):  # noqa: ANN201
    from xihu_desk.store import migrate

    opened = migrate.open_database(data_dir)
    yield opened.db
    opened.db.dispose()


@pytest.fixture
def empty_data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "empty")
