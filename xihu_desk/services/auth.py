"""Passwords (Argon2id, rehashed when parameters change), login with lockout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import passwords
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Role
from xihu_desk.services import audit, settings
from xihu_desk.services.context import Actor, utcnow
from xihu_desk.store.models import User
from xihu_desk.store.uow import Database

# argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()


def set_hasher(hasher: PasswordHasher) -> None:
    """Tests use cheaper parameters; the rehash-on-login path is what keeps real hashes current."""
    global _hasher
    _hasher = hasher


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_new_password(session: Session, password: str, username: str) -> None:
    passwords.check_strength(password, username, settings.get(session, "password_min_length"))


@dataclass(frozen=True)
class LoginOutcome:
    actor: Actor | None
    error: str = ""
    rehashed: bool = False


_BAD = "用户名或密码不正确。"


def login(session: Session, username: str, password: str, now: datetime) -> LoginOutcome:
    """Check the password; after the configured number of failures lock the account a while.

    A failure is an outcome, not an exception: the failure count and its audit event must be
    committed. ``sign_in`` below turns the outcome into a UserError after the commit.
    """
    username = username.strip()
    user = session.scalar(select(User).where(User.username == username, User.deleted.is_(False)))
    if user is None or not user.active:
        who = Actor(name=username or "?", role=Role.MEDIATOR, now=now)
        audit.record(session, who, "user.login_failed", "user", username,
                     summary=f"登录失败：{username}（无此用户或已停用）")
        return LoginOutcome(None, _BAD)
    actor = Actor(name=user.username, role=Role(user.role), display_name=user.display_name,
                  user_uuid=user.uuid, now=now)
    if user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        return LoginOutcome(None, f"该账户因多次输入错误密码已锁定，请 {minutes} 分钟后再试，或请管理员解锁。")
    if not password_matches(user.password_hash, password):
        user.failed_logins += 1
        limit = settings.get(session, "lockout_attempts")
        if user.failed_logins >= limit:
            minutes = settings.get(session, "lockout_minutes")
            user.locked_until = now + timedelta(minutes=minutes)
            user.failed_logins = 0
            audit.record(session, actor, "user.locked", "user", user.uuid,
                         summary=f"{user.username} 连续 {limit} 次密码错误，账户锁定 {minutes} 分钟")
            return LoginOutcome(None, f"密码连续错误 {limit} 次，账户已锁定 {minutes} 分钟。")
        audit.record(session, actor, "user.login_failed", "user", user.uuid,
                     summary=f"{user.username} 密码错误（第 {user.failed_logins} 次）")
        return LoginOutcome(None, f"{_BAD}再错 {limit - user.failed_logins} 次账户将被锁定。")
    rehashed = _hasher.check_needs_rehash(user.password_hash)
    if rehashed:
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, actor, "user.login", "user", user.uuid, summary=f"{user.username} 登录")
    return LoginOutcome(actor, rehashed=rehashed)


def sign_in(db: Database, username: str, password: str, now: datetime | None = None) -> Actor:
    """Log in as one unit of work; raise UserError (after committing the count) on failure.
    On a database opened read-only (its integrity check failed) the password is checked without
    recording anything, so an administrator can still sign in and restore a backup."""
    if db.write_blocked:
        return _sign_in_read_only(db, username, password, now or utcnow())
    with db.write() as session:
        outcome = login(session, username, password, now or utcnow())
    if outcome.actor is None:
        raise UserError(outcome.error)
    return outcome.actor


def _sign_in_read_only(db: Database, username: str, password: str, now: datetime) -> Actor:
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == username.strip(), User.deleted.is_(False)))
        if user is None or not user.active or not password_matches(user.password_hash, password):
            raise UserError(_BAD)
        if user.locked_until and user.locked_until > now:
            raise UserError("该账户已锁定，请稍后再试。")
        return Actor(name=user.username, role=Role(user.role), display_name=user.display_name, user_uuid=user.uuid, now=now)
