"""The login window's small reads (issue 15) say what the full services say: the node's unit and
level as node.node_info words them, nothing before init; the attachment marker is the one the
attachment service writes; and the preload after the first window maps every model."""

from __future__ import annotations

import subprocess
import sys

from xihu_desk.services import attachment_mark, attachments, node, node_glance
from xihu_desk.store import migrate


def test_the_glance_is_node_info_in_short(db):
    with db.read() as session:
        seen = node_glance.glance(session)
        full = node.node_info(session)
    assert seen == node_glance.Glance(full.org_code, full.org_name, full.level_label)
    assert seen.org_name == "北山街道" and seen.level_label == "街道（镇）司法所"


def test_no_glance_before_init(empty_data_dir):
    opened = migrate.open_database(empty_data_dir)
    try:
        with opened.db.read() as session:
            assert node_glance.glance(session) is None
    finally:
        opened.db.dispose()


def test_the_marker_is_the_attachment_services_own(tmp_path):
    assert attachment_mark.DONE_MARK == attachments.DONE_MARK
    assert not attachment_mark.may_hold_plain(tmp_path)  # no attachments folder: nothing to encrypt
    (tmp_path / "attachments").mkdir()
    assert attachment_mark.may_hold_plain(tmp_path)
    (tmp_path / "attachments" / attachments.DONE_MARK).write_text("x", encoding="utf-8")
    assert not attachment_mark.may_hold_plain(tmp_path)


def test_the_preload_maps_every_model_and_loads_the_sign_in():
    probe = (
        "import sys\n"
        "from xihu_desk.services import preload\n"
        "assert 'xihu_desk.store.case_models' not in sys.modules\n"
        "preload.after_first_window()\n"
        "from xihu_desk.store.base import Base\n"
        "print(all(m.configured for m in Base.registry.mappers), 'xihu_desk.services.auth' in sys.modules,"
        " 'xihu_desk.store.case_models' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "True", "True"], done.stderr


def test_peek_reads_without_the_orm_and_is_refused_like_a_read(data_dir):
    probe = (
        "import sys\n"
        "from xihu_desk.paths import DataDir\n"
        "from xihu_desk.services import node_glance\n"
        "from xihu_desk.store import migrate\n"
        "opened = migrate.open_database(DataDir(sys.argv[1]))\n"
        "with opened.db.peek() as conn:\n"
        "    seen = node_glance.glance(conn)\n"
        "print(seen.org_name, 'sqlalchemy.orm' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(data_dir.root)], capture_output=True, text=True,
                          timeout=120, encoding="utf-8")
    assert done.stdout.split() == ["北山街道", "False"], done.stderr


def test_peek_is_refused_when_reads_are(db):
    from xihu_desk.domain.errors import StorageError

    db.read_blocked = "数据库文件已损坏，无法读取。"
    try:
        with db.peek():
            raise AssertionError("a blocked database was read")
    except StorageError as exc:
        assert exc.message == "数据库文件已损坏，无法读取。"
    finally:
        db.read_blocked = None
