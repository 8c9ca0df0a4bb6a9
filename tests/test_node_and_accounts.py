"""init, node show, login with lockout and rehash, user management, audit chain."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tests import anydb
from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain.errors import PermissionDenied, UserError
from xihu_desk.domain.roles import Role
from xihu_desk.services import audit, auth, committees, node, users
from xihu_desk.services.context import Actor, cli_actor, utcnow
from xihu_desk.store import migrate
from xihu_desk.store.models import AuditEvent, Committee, Node, User


def _init(db, **overrides):
    cmd = dict(org_code="330106009", level="township", parent_code=None, admin_username="boss",
               admin_password="Strong-pass-2026")
    cmd.update(overrides)
    with db.write() as s:
        return node.init_node(s, cli_actor(), node.InitCommand(**cmd))


def test_init_makes_identity_keys_admin_and_own_committee(empty_data_dir):
    db = migrate.open_database(empty_data_dir).db
    info = _init(db)
    assert info.org_name == "留下街道" and info.parent_code == "330106" and info.level == "township"
    assert len(info.key_fingerprint.split()) == 16
    with db.read() as s:
        n = s.get(Node, 1)
        assert n.sign_private.startswith(b"-----BEGIN PRIVATE KEY") and len(n.enc_public) == 32
        admin = s.scalar(select(User).where(User.username == "boss"))
        assert admin.role == "admin" and admin.password_hash.startswith("$argon2id$")
        assert s.scalar(select(Committee.name)) == "留下街道人民调解委员会"
        actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
        assert actions == ["node.init", "user.create", "committee.create"]
        assert all(a.startswith("cli:") for a in s.scalars(select(AuditEvent.actor)))
    db.dispose()


def test_second_init_refuses_and_changes_nothing(db):
    with db.read() as s:
        before = (s.scalar(select(func.count()).select_from(AuditEvent)), node.node_info(s))
    with pytest.raises(UserError, match="已初始化"):
        _init(db)
    with db.read() as s:
        assert (s.scalar(select(func.count()).select_from(AuditEvent)), node.node_info(s)) == before


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"org_code": "330106001"}, "不在西湖区单位列表"),
        ({"admin_password": "short1A"}, "至少"),
        ({"admin_password": "boss-Pass-2026"}, "用户名"),
        ({"level": "province"}, "未知的层级"),
        ({"level": "district"}, "不能作为"),
        ({"org_code": "330106", "level": "district", "parent_code": "330106002"}, "最上级"),
        ({"level": "community", "parent_code": "330106002"}, "所在街道"),
    ],
)
def test_init_refuses_bad_input_and_leaves_the_database_empty(empty_data_dir, overrides, fragment):
    db = migrate.open_database(empty_data_dir).db
    with pytest.raises(UserError, match=fragment):
        _init(db, **overrides)
    with db.read() as s:
        assert s.get(Node, 1) is None
        assert s.scalar(select(func.count()).select_from(User)) == 0
    db.dispose()


def test_community_point_parent_defaults_to_its_street(empty_data_dir):
    db = migrate.open_database(empty_data_dir).db
    info = _init(db, level="community", org_code="330106109")
    assert info.parent_code == "330106109" and info.parent_name == "三墩镇"
    db.dispose()


def test_login_lockout_after_five_failures_then_expiry(db):
    now = utcnow()
    for attempt in range(1, 5):
        with pytest.raises(UserError, match=f"再错 {5 - attempt} 次"):
            auth.sign_in(db, "admin", "wrong", now)
    with pytest.raises(UserError, match="已锁定 15 分钟"):
        auth.sign_in(db, "admin", "wrong", now)
    # Even the right password is refused while locked.
    with pytest.raises(UserError, match="已锁定"):
        auth.sign_in(db, "admin", ADMIN_PASSWORD, now + timedelta(minutes=14))
    actor = auth.sign_in(db, "admin", ADMIN_PASSWORD, now + timedelta(minutes=16))
    assert actor.role is Role.ADMIN and actor.name == "admin"
    with db.read() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("user.%")).order_by(AuditEvent.seq)))
        assert actions[-6:] == ["user.login_failed"] * 4 + ["user.locked", "user.login"]
        assert s.scalar(select(User.failed_logins).where(User.username == "admin")) == 0


def test_unknown_user_gets_the_same_message(db):
    with pytest.raises(UserError, match="用户名或密码不正确"):
        auth.sign_in(db, "nobody", "whatever")


def test_hash_is_upgraded_when_parameters_change(db):
    original = auth._hasher
    try:
        auth.set_hasher(PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
        auth.sign_in(db, "admin", ADMIN_PASSWORD)
        with db.read() as s:
            stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
        assert "m=2048,t=2,p=1" in stored
    finally:
        auth.set_hasher(original)
    auth.sign_in(db, "admin", ADMIN_PASSWORD)  # still verifies under the old parameters


def test_admin_manages_users_and_roles_are_enforced_in_services(db):
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        row = users.create_user(s, admin, users.UserCommand("li", "李调解", "mediator", "Mediate-2026"))
    mediator = auth.sign_in(db, "li", "Mediate-2026")
    with db.write() as s, pytest.raises(PermissionDenied):
        users.create_user(s, mediator, users.UserCommand("zhao", "赵", "mediator", "Mediate-2026"))
    with db.read() as s, pytest.raises(PermissionDenied):
        audit.list_events(s, mediator, audit.AuditFilter())
    with db.write() as s:
        users.set_password(s, mediator, row.uuid, "Changed-2027", old_password="Mediate-2026")
    with db.write() as s, pytest.raises(UserError, match="原密码"):
        users.set_password(s, mediator, row.uuid, "Changed-2028", old_password="nope")
    with db.write() as s, pytest.raises(UserError, match="唯一的管理员"):
        users.update_user(s, Actor("cli:x", Role.ADMIN, all_rights=True), admin.user_uuid,
                          users.UserCommand("admin", "王管理", "mediator"))
    with db.write() as s, pytest.raises(UserError, match="已存在"):
        users.create_user(s, admin, users.UserCommand("li", "另一个李", "mediator", "Mediate-2026"))


def test_committee_rules(db):
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s, pytest.raises(UserError, match="人民调解委员会"):
        committees.create_committee(s, admin, committees.CommitteeCommand("北山街道调解组", "北山", "330106002", "street"))
    with db.write() as s:
        committees.create_committee(s, admin, committees.CommitteeCommand(
            "北山街道曙光社区人民调解委员会", "曙光", "330106002", "community"))
    with db.read() as s:
        names = [c.name for c in committees.list_committees(s)]
    assert "北山街道曙光社区人民调解委员会" in names


def test_audit_log_is_append_only_through_the_app(db):
    # SQLite's trigger aborts (IntegrityError); PostgreSQL's raises insufficient_privilege (ProgrammingError)
    with db.write() as s, pytest.raises(DBAPIError, match="append-only"):
        s.execute(text("UPDATE audit_event SET summary = 'x' WHERE seq = 1"))
    with db.write() as s, pytest.raises(DBAPIError, match="append-only"):
        s.execute(text("DELETE FROM audit_event WHERE seq = 1"))
    if anydb.is_pg(db):
        with db.write() as s, pytest.raises(DBAPIError, match="append-only"):
            s.execute(text("TRUNCATE audit_event"))


def test_tampering_around_the_triggers_is_detected(data_dir, db):
    auth.sign_in(db, "admin", ADMIN_PASSWORD)
    auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.read() as s:
        assert audit.verify_chain(s).ok
    anydb.execute(data_dir, "UPDATE audit_event SET summary = '无事发生' WHERE seq = 4", no_audit_guard=True)
    with db.read() as s:
        report = audit.verify_chain(s)
    assert report.first_broken == 4 and "修改" in report.reason


def test_deleted_audit_row_is_detected(data_dir, db):
    auth.sign_in(db, "admin", ADMIN_PASSWORD)
    anydb.execute(data_dir, "DELETE FROM audit_event WHERE seq = 2", no_audit_guard=True)
    with db.read() as s:
        report = audit.verify_chain(s)
    assert report.first_broken == 2 and "缺失" in report.reason


def test_audit_list_pages_by_keyset_and_filters(db):
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    for _ in range(3):
        auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.read() as s:
        first = audit.list_events(s, admin, audit.AuditFilter(), limit=2)
        second = audit.list_events(s, admin, audit.AuditFilter(), before_seq=first[-1].seq, limit=2)
        logins = audit.count_events(s, admin, audit.AuditFilter(action="user.login"))
        assert "admin" in audit.known_actors(s, admin)
    assert [r.seq for r in first] == sorted((r.seq for r in first), reverse=True)
    assert second[0].seq == first[-1].seq - 1
    assert logins == 4
