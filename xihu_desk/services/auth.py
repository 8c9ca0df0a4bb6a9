"""Passwords (Argon2id, rehashed when parameters change), login with lockout.

Sign-in says the same thing, and takes the same time, whether or not the user name exists: an
unknown or disabled name is checked against a dummy Argon2 hash, counts its failures and locks like
a real account (in memory, for this process). On a database opened read-only, where nothing can be
written, real accounts count their failures in the same memory, so the lockout still holds.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock, passwords
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Role
from xihu_desk.services import audit, settings
from xihu_desk.services.context import Actor
from xihu_desk.store.models import User
from xihu_desk.store.uow import Database

# argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
_dummy: tuple[PasswordHasher, str] | None = None


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


def _dummy_hash() -> str:
    """A hash made with the current parameters of a random secret nobody knows: checking a
    password against it costs what checking a real account costs."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(24)))
    return _dummy[1]


def check_new_password(session: Session, password: str, username: str) -> None:
    passwords.check_strength(password, username, settings.get(session, "password_min_length"))


class _FailureMemory:
    """Failed sign-ins kept in memory for the life of the process, by database and user name: for
    names that do not exist (so they answer like real ones) and for every name while the database
    is read-only. Bounded, so a flood of invented names cannot grow it without end."""

    LIMIT = 2000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, str], tuple[int, datetime | None]] = OrderedDict()

    def locked_until(self, key: tuple[str, str], now: datetime) -> datetime | None:
        with self._lock:
            _count, until = self._entries.get(key, (0, None))
            return until if until and until > now else None

    def fail(self, key: tuple[str, str], now: datetime, limit: int, minutes: int) -> tuple[int, datetime | None]:
        """Count one failure; return the count, or (0, until) when this one locks the name."""
        with self._lock:
            count, until = self._entries.pop(key, (0, None))
            if until and until <= now:
                count, until = 0, None
            count += 1
            if count >= limit:
                count, until = 0, now + timedelta(minutes=minutes)
            self._entries[key] = (count, until)
            while len(self._entries) > self.LIMIT:
                self._entries.popitem(last=False)
            return count, until

    def forget(self, username: str, url: str | None = None) -> None:
        with self._lock:
            for key in [k for k in self._entries if k[1] == username and url in (None, k[0])]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_memory = _FailureMemory()
_BAD = "用户名或密码不正确。"


def forget_failures(username: str) -> None:
    """An administrator unlocked the account or set its password."""
    _memory.forget(username.strip())


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = int((until - now).total_seconds() // 60) + 1
    return f"该账户因多次输入错误密码已锁定，请 {minutes} 分钟后再试，或请管理员解锁。"


def _failure_message(count: int, until: datetime | None, limit: int, minutes: int) -> str:
    if until is not None:
        return f"密码连续错误 {limit} 次，账户已锁定 {minutes} 分钟。"
    return f"{_BAD}再错 {limit - count} 次账户将被锁定。"


def _limits(session: Session) -> tuple[int, int]:
    return settings.get(session, "lockout_attempts"), settings.get(session, "lockout_minutes")


def _key(session: Session, username: str) -> tuple[str, str]:
    return str(session.get_bind().engine.url), username


def _find(session: Session, username: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username, User.deleted.is_(False)))
    return user if user is not None and user.active else None


@dataclass(frozen=True)
class LoginOutcome:
    actor: Actor | None
    error: str = ""
    rehashed: bool = False


def login(session: Session, username: str, password: str, now: datetime) -> LoginOutcome:
    """Check the password; after the configured number of failures lock the account a while.

    A failure is an outcome, not an exception: the failure count and its audit event must be
    committed. ``sign_in`` below turns the outcome into a UserError after the commit.
    """
    username = username.strip()
    dummy = _dummy_hash()  # made (once) before the look-up, so both branches below pay the same
    user = _find(session, username)
    limit, minutes = _limits(session)
    if user is None:
        who = Actor(name=username or "?", role=Role.MEDIATOR, at=now)
        until = _memory.locked_until(_key(session, username), now)
        if until is not None:
            return LoginOutcome(None, _locked_message(until, now))
        password_matches(dummy, password)  # the same work as checking a real account
        count, until = _memory.fail(_key(session, username), now, limit, minutes)
        audit.record(
            session, who, "user.login_failed", "user", username, summary=f"登录失败：{username}（无此用户或已停用）"
        )
        return LoginOutcome(None, _failure_message(count, until, limit, minutes))
    actor = Actor(name=user.username, role=Role(user.role), display_name=user.display_name, user_uuid=user.uuid, at=now)
    if user.locked_until and user.locked_until > now:
        return LoginOutcome(None, _locked_message(user.locked_until, now))
    if not password_matches(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= limit:
            user.locked_until = now + timedelta(minutes=minutes)
            user.failed_logins = 0
            audit.record(
                session,
                actor,
                "user.locked",
                "user",
                user.uuid,
                summary=f"{user.username} 连续 {limit} 次密码错误，账户锁定 {minutes} 分钟",
            )
            return LoginOutcome(None, _failure_message(0, user.locked_until, limit, minutes))
        audit.record(
            session,
            actor,
            "user.login_failed",
            "user",
            user.uuid,
            summary=f"{user.username} 密码错误（第 {user.failed_logins} 次）",
        )
        return LoginOutcome(None, _failure_message(user.failed_logins, None, limit, minutes))
    rehashed = _hasher.check_needs_rehash(user.password_hash)
    if rehashed:
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, actor, "user.login", "user", user.uuid, summary=f"{user.username} 登录")
    # the signed-in actor is not fixed to the sign-in time: each later action takes the clock
    return LoginOutcome(replace(actor, at=None), rehashed=rehashed)


def sign_in(db: Database, username: str, password: str, now: datetime | None = None) -> Actor:
    """Log in as one unit of work; raise UserError (after committing the count) on failure.
    On a database opened read-only (its integrity check failed) the password is checked without
    recording anything, so an administrator can still sign in and restore a backup."""
    if db.write_blocked:
        return _sign_in_read_only(db, username, password, now or clock.utc_now())
    with db.write() as session:
        outcome = login(session, username, password, now or clock.utc_now())
    if outcome.actor is None:
        raise UserError(outcome.error)
    return outcome.actor


def _sign_in_read_only(db: Database, username: str, password: str, now: datetime) -> Actor:
    """Nothing can be written: failures are counted in memory for this process (a lock already
    stored in the database holds too), with the same messages as on a healthy database."""
    username = username.strip()
    dummy = _dummy_hash()
    with db.read() as session:
        user = _find(session, username)
        limit, minutes = _limits(session)
        until = _memory.locked_until(_key(session, username), now)
        if user is not None and user.locked_until and user.locked_until > now:
            until = max(until or now, user.locked_until)
        if until is not None:
            raise UserError(_locked_message(until, now))
        right = password_matches(user.password_hash if user is not None else dummy, password)
        if user is None or not right:
            count, until = _memory.fail(_key(session, username), now, limit, minutes)
            raise UserError(_failure_message(count, until, limit, minutes))
        url, name = _key(session, username)
        _memory.forget(name, url)  # a right password ends the count, as on a writable database
        return Actor(name=user.username, role=Role(user.role), display_name=user.display_name, user_uuid=user.uuid)
