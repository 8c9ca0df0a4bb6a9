"""Who is acting, and when: passed to every service."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, replace
from datetime import date, datetime

from xihu_desk.domain import clock
from xihu_desk.domain.roles import Perm, Role, allowed, require


utcnow = clock.utc_now  # the one clock (domain/clock.py), under the name callers already use


@dataclass(frozen=True)
class Actor:
    """The signed-in user (GUI) or the operating-system account (command line)."""

    name: str  # written into the audit log: a username, or cli:<account>
    role: Role
    display_name: str = ""
    user_uuid: str | None = None
    all_rights: bool = False  # the command line and start-up maintenance
    # None: the clock at each use, so a signed-in user's actions carry the time they happen (one
    # operation is pinned to one instant by clock.operation). Set: a fixed instant (stamped()).
    at: datetime | None = None

    @property
    def now(self) -> datetime:
        """This action's instant, naive UTC (audit rows, updated_at)."""
        return self.at if self.at is not None else clock.utc_now()

    @property
    def today(self) -> date:
        """This action's business date: the office's local date at ``now``."""
        return clock.local_date(self.now)

    def stamped(self, at: datetime | None = None) -> Actor:
        """The same actor fixed to one instant (default: the clock now)."""
        return replace(self, at=at if at is not None else clock.utc_now())

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
