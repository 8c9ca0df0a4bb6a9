"""Accounts: administrators create, change, unlock and reset; everyone changes their own password."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from xihu_desk.domain.errors import NotFound, UserError
from xihu_desk.domain.roles import Perm, Role
from xihu_desk.services import audit, auth
from xihu_desk.services.context import Actor
from xihu_desk.services.records import snapshot, stamp_changed, stamp_new
from xihu_desk.services.units import reads, writes
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import User

_AUDITED = ("username", "display_name", "role", "active", "committee_uuid", "mediator_uuid")


@dataclass(frozen=True)
class UserCommand:
    username: str
    display_name: str
    role: str
    password: str = ""
    active: bool = True
    committee_uuid: str | None = None
    mediator_uuid: str | None = None  # the roster entry of the person (调解员名册)


@dataclass(frozen=True)
class UserRow:
    uuid: str
    username: str
    display_name: str
    role: str
    role_label: str
    active: bool
    locked: bool
    last_login_at: str
    committee_uuid: str | None = None
    mediator_uuid: str | None = None
    mediator_name: str = ""


def _valid_username(name: str) -> str:
    name = name.strip()
    if not (2 <= len(name) <= 40) or any(c.isspace() for c in name):
        raise UserError("用户名须为 2–40 个字符，且不含空格。")
    return name


def _valid_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UserError(f"未知角色：{role}") from None


@reads
def list_users(session: Session, actor: Actor) -> list[UserRow]:
    actor.require(Perm.MANAGE_USERS)
    rows = session.scalars(select(User).where(User.deleted.is_(False)).order_by(User.username))
    names = dict(
        session.execute(
            select(Mediator.uuid, Mediator.name).where(
                Mediator.uuid.in_(select(User.mediator_uuid).where(User.mediator_uuid.is_not(None)))
            )
        ).all()
    )
    return [_row(u, actor, names.get(u.mediator_uuid or "", "")) for u in rows]


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(User.deleted.is_(False), User.active)) or 0


def create_user(session: Session, actor: Actor, cmd: UserCommand) -> UserRow:
    actor.require(Perm.MANAGE_USERS)
    username = _valid_username(cmd.username)
    role = _valid_role(cmd.role)
    if not cmd.display_name.strip():
        raise UserError("请填写姓名。")
    if session.scalar(select(User.uuid).where(User.username == username)):
        raise UserError(f"用户名“{username}”已存在。")
    auth.check_new_password(session, cmd.password, username)
    committee = _roster_committee(session, None, cmd)
    user = User(
        username=username,
        display_name=cmd.display_name.strip(),
        role=role.value,
        password_hash=auth.hash_password(cmd.password),
        active=cmd.active,
        failed_logins=0,
        password_changed_at=actor.now,
        committee_uuid=committee,
        mediator_uuid=cmd.mediator_uuid or None,
        uuid="",
    )
    stamp_new(session, actor, user)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.uuid,
        summary=f"新建用户 {username}（{role.label}）",
        after=snapshot(user, _AUDITED),
    )
    return _row(user, actor)


def update_user(session: Session, actor: Actor, user_uuid: str, cmd: UserCommand) -> UserRow:
    actor.require(Perm.MANAGE_USERS)
    user = _get(session, user_uuid)
    before = snapshot(user, _AUDITED)
    role = _valid_role(cmd.role)
    if not cmd.display_name.strip():
        raise UserError("请填写姓名。")
    if user.uuid == actor.user_uuid and (role is not Role(user.role) or not cmd.active):
        raise UserError("不能更改自己的角色或停用自己的账户。")
    if Role(user.role) is Role.ADMIN and (role is not Role.ADMIN or not cmd.active):
        others = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN.value, User.active, User.uuid != user.uuid, User.deleted.is_(False))
        )
        if not others:
            raise UserError("这是唯一的管理员账户，不能更改其角色或停用。")
    user.display_name = cmd.display_name.strip()
    user.role = role.value
    user.active = cmd.active
    user.committee_uuid = _roster_committee(session, user.uuid, cmd)
    user.mediator_uuid = cmd.mediator_uuid or None
    after = snapshot(user, _AUDITED)
    if after != before:
        stamp_changed(actor, user)
        audit.record(
            session,
            actor,
            "user.update",
            "user",
            user.uuid,
            summary=f"修改用户 {user.username}",
            before=before,
            after=after,
        )
    return _row(user, actor)


@writes
def set_password(
    session: Session, actor: Actor, user_uuid: str, new_password: str, old_password: str | None = None
) -> None:
    """An administrator resets anyone's password; a user changes their own with the old one."""
    user = _get(session, user_uuid)
    if user.uuid != actor.user_uuid:
        actor.require(Perm.MANAGE_USERS)
    elif not auth.password_matches(user.password_hash, old_password or ""):
        raise UserError("原密码不正确。")
    auth.check_new_password(session, new_password, user.username)
    user.password_hash = auth.hash_password(new_password)
    user.password_changed_at = actor.now
    user.failed_logins = 0
    user.locked_until = None
    auth.forget_failures(user.username)
    stamp_changed(actor, user)
    audit.record(session, actor, "user.password", "user", user.uuid, summary=f"设置用户 {user.username} 的密码")


@writes
def unlock(session: Session, actor: Actor, user_uuid: str) -> None:
    actor.require(Perm.MANAGE_USERS)
    user = _get(session, user_uuid)
    user.failed_logins = 0
    user.locked_until = None
    auth.forget_failures(user.username)
    audit.record(session, actor, "user.unlock", "user", user.uuid, summary=f"解除用户 {user.username} 的锁定")


@reads
def find_uuid(session: Session, username: str) -> str:
    """The account called ``username`` (the command line names accounts by user name)."""
    uuid = session.scalar(select(User.uuid).where(User.username == username.strip(), User.deleted.is_(False)))
    if uuid is None:
        raise NotFound(f"没有用户名为“{username.strip()}”的账户；可用 xihu-desk user list 查看全部账户。")
    return uuid


def _get(session: Session, user_uuid: str) -> User:
    user = session.get(User, user_uuid)
    if user is None or user.deleted:
        raise NotFound("找不到该用户。")
    return user


def _row(user: User, actor: Actor, mediator_name: str | None = None) -> UserRow:
    if mediator_name is None:  # one account: its roster entry's name read here
        session = object_session(user)
        m = session.get(Mediator, user.mediator_uuid) if session is not None and user.mediator_uuid else None
        mediator_name = m.name if m is not None else ""
    return UserRow(
        user.uuid,
        user.username,
        user.display_name,
        user.role,
        Role(user.role).label,
        user.active,
        bool(user.locked_until and user.locked_until > actor.now),
        user.last_login_at.isoformat(sep=" ", timespec="minutes") if user.last_login_at else "",
        user.committee_uuid,
        user.mediator_uuid,
        mediator_name,
    )


def user_committee(session: Session, actor: Actor, user_uuid: str) -> str | None:
    """The committee a user belongs to, so the user form can show it (UserRow does not carry it)
    and saving the form keeps it."""
    actor.require(Perm.MANAGE_USERS)
    user = session.get(User, user_uuid)
    if user is None or user.deleted:
        raise NotFound("找不到该用户。")
    return user.committee_uuid


def _roster_committee(session: Session, user_uuid: str | None, cmd: UserCommand) -> str | None:
    """Check the roster entry an account is linked to and give the account's committee: the one
    chosen, else the roster entry's (the committee a mediator's new case is preselected with)."""
    if not cmd.mediator_uuid:
        return cmd.committee_uuid
    m = session.get(Mediator, cmd.mediator_uuid)
    if m is None or m.deleted:
        raise UserError("所选调解员不在调解员名册中，请重新选择。")
    taken = session.scalar(
        select(User.username).where(
            User.mediator_uuid == cmd.mediator_uuid,
            User.deleted.is_(False),
            User.active,
            User.uuid != (user_uuid or ""),
        )
    )
    if taken and cmd.active:
        raise UserError(f"调解员“{m.name}”已关联账户“{taken}”，一名调解员只能关联一个在用账户。")
    return cmd.committee_uuid or m.committee_uuid


@reads
def own_roster_entry(session: Session, actor: Actor) -> tuple[str, str, str | None] | None:
    """The signed-in person's roster entry (uuid, name, the account's committee), or None for an
    account not linked (the 所长, the administrator: they see every case)."""
    if not actor.user_uuid:
        return None
    user = session.get(User, actor.user_uuid)
    if user is None or not user.mediator_uuid:
        return None
    m = session.get(Mediator, user.mediator_uuid)
    if m is None or m.deleted:
        return None
    return m.uuid, m.name, user.committee_uuid or m.committee_uuid


@writes
def link_roster(session: Session, actor: Actor, user_uuid: str, mediator_uuid: str | None) -> UserRow:
    """Link an account to its person's roster entry, or unlink it (None)."""
    actor.require(Perm.MANAGE_USERS)
    user = _get(session, user_uuid)
    cmd = UserCommand(
        user.username,
        user.display_name,
        user.role,
        active=user.active,
        committee_uuid=user.committee_uuid,
        mediator_uuid=mediator_uuid,
    )
    return update_user(session, actor, user_uuid, cmd)
