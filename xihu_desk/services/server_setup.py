"""First run on an office's PostgreSQL database (issue 17): the server's address as typed, the
connection test, and switching this desk to the server -- its password kept (store/pg_secret.py),
its address saved where the command line reads it too (database.json), the database opened
(schema made in an empty one, upgraded in an office's older one, backed up first).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from xihu_desk import dbserver
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import node_glance
from xihu_desk.store import migrate, pg_probe, pg_secret

# for the wizard: gui/ reaches store/ only through services
from xihu_desk.store.migrate import OpenResult as OpenResult
from xihu_desk.store.pg_probe import EMPTY as EMPTY
from xihu_desk.store.pg_probe import OFFICE as OFFICE
from xihu_desk.store.pg_probe import SCHEMA_ONLY as SCHEMA_ONLY
from xihu_desk.store.pg_probe import Probe as Probe

DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerForm:
    host: str
    port: str
    database: str
    user: str
    password: str

    def url(self) -> str:
        """The normalised URL (no password) or a UserError naming the field to correct."""
        host, database, user = self.host.strip(), self.database.strip(), self.user.strip()
        if not host:
            raise UserError("请填写服务器地址（如 192.168.1.10）。")
        if any(c in host for c in " /@?#"):
            raise UserError(f"服务器地址不正确：{host}。请只写地址或计算机名，如 192.168.1.10。")
        port = self.port.strip() or str(DEFAULT_PORT)
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise UserError(f"端口应为 1–65535 之间的数字（PostgreSQL 默认 5432）：{port}")
        if not database:
            raise UserError("请填写数据库名（如 xihu）。")
        if not user:
            raise UserError("请填写数据库用户名（如 xihu）。")
        netloc_host = f"[{host}]" if ":" in host else host  # an IPv6 address
        return dbserver.normalize(
            f"postgresql://{quote(user, safe='')}@{netloc_host}:{int(port)}/{quote(database, safe='')}"
        )


def test_connection(form: ServerForm) -> Probe:
    return pg_probe.probe(form.url(), form.password or None, node_glance.glance)


@dataclass(frozen=True)
class Switched:
    opened: migrate.OpenResult
    probe: pg_probe.Probe
    kept_in: str  # pg_secret.KEYRING / FILE, or "" when no password was typed


def use_server(data: DataDir, form: ServerForm) -> Switched:
    """Switch this desk to the server: tested again, password kept, database.json written, the
    database opened. Nothing is saved when any step fails (the desk stays on its own file)."""
    url = form.url()
    probe = pg_probe.probe(url, form.password or None, node_glance.glance)
    kept_in = pg_secret.remember(url, form.password) if form.password else ""
    if form.password:
        dbserver.use_password(url, form.password)
    dbserver.save_setting(data.root, dbserver.display(url))
    try:
        opened = migrate.open_database(data)
    except Exception:
        dbserver.save_setting(data.root, None)  # back to this PC's file: the next start is not stuck
        raise
    return Switched(opened, probe, kept_in)
