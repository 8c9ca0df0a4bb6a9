"""Who is acting, and when: passed to every service."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import datetime, timezone

from xihu_desk.domain.roles import Perm, Role, allowed, require


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Actor:
    """The signed-in user (GUI) or the operating-system account (command line)."""

    name: str  # written into the audit log: a username, or cli:<account>
    role: Role
    display_name: str = ""
    user_uuid: str | None = None
    now: datetime = field(default_factory=utcnow)
    all_rights: bool = False  # the command line and start-up maintenance

    def can(self, perm: Perm) -> bool:
        return self.all_rights or allowed(self.role, perm)

    def require(self, perm: Perm) -> None:
        if not self.all_rights:
            require(self.role, perm)


SYSTEM = "system"


def cli_actor(role: Role = Role.ADMIN) -> Actor:
    """The command line acts with the rights of the account that owns the data folder
    (design.md §10); what it does is logged as cli:<account>."""
    try:
        account = getpass.getuser()
    except Exception:  # no user name in the environment (service accounts)
        account = "unknown"
    return Actor(name=f"cli:{account}", role=role, display_name=f"命令行 {account}", all_rights=True)


def system_actor() -> Actor:
    return Actor(name=SYSTEM, role=Role.ADMIN, display_name="系统", all_rights=True)
