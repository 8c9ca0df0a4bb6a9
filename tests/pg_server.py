"""A throwaway PostgreSQL server for the test suite (``bootstrap.py test --db postgresql``).

Standard library only: bootstrap.py imports it before the virtual environment exists. The server
lives in a temporary folder (data, unix socket, log), listens on a free localhost port with
``trust`` authentication (nobody else can reach it), and is stopped and removed at the end.
PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` account (made by
Debian's package) or ``nobody``, through runuser.

``Server(role=(name, password), tls=True, tls_only=(db, ...))`` is the office's server the wizard
meets instead: the role (owning empty databases: one of its name and the ``tls_only`` ones) logs in
over TCP with scram-sha-256; the server offers TLS with a self-signed certificate made in its
folder, and refuses unencrypted connections to the ``tls_only`` databases.
The superuser keeps ``trust`` for the suite's own set-up.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER = "xihu_test"
ENV = "XIHU_DESK_TEST_PG"  # the admin URL the tests read (tests/conftest.py)


def bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's versioned folders, newest first."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (base / "initdb").exists():
            return base
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> list[str]:
    """The prefix that runs a command as a non-root account (empty when not root)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    raise RuntimeError("以 root 运行时需要 postgres 或 nobody 账户来运行测试用的 PostgreSQL。")


class Server:
    def __init__(self, role: tuple[str, str] | None = None, tls: bool = False, tls_only: tuple[str, ...] = ()) -> None:
        self.bin = bin_dir()
        if self.bin is None:
            raise RuntimeError("没有找到 PostgreSQL 的 initdb（请安装 postgresql 软件包）。")
        self.folder = Path(tempfile.mkdtemp(prefix="xihu-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.prefix = _run_as()
        self.role, self.tls, self.tls_only = role, tls or bool(tls_only), tls_only

    def role_url(self, database: str) -> str:
        """The role's URL for ``database`` (no password: it is given apart, as the program does)."""
        assert self.role
        return f"postgresql://{self.role[0]}@127.0.0.1:{self.port}/{database}"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _call(self, *argv: str) -> None:
        done = subprocess.run([*self.prefix, *argv], capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} 失败：{done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> Server:
        if self.prefix:  # the server's account must own its folder
            account = self.prefix[2]
            shutil.chown(self.folder, user=account)
        self._call(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        if self.role:
            self._office_hba()
        if self.tls:
            options += f" -c ssl=on -c ssl_cert_file={self._certificate()} -c ssl_key_file={self.folder / 'server.key'}"
        self._call(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                   "-l", str(self.folder / "server.log"), "-w", "start")
        if self.role:
            import psycopg
            from psycopg import sql

            with psycopg.connect(self.url, autocommit=True) as conn:  # CREATE ROLE takes no parameters
                conn.execute("SET password_encryption = 'scram-sha-256'")
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(self.role[0]), sql.Literal(self.role[1])))
                for name in (self.role[0], *self.tls_only):
                    conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(name), sql.Identifier(self.role[0])))
        return self

    def _office_hba(self) -> None:
        """The superuser as before; the role by password (scram-sha-256), over TLS only to ``tls_only``."""
        lines = ["local all all trust", f"host all {SUPERUSER} 127.0.0.1/32 trust"]
        lines += [f"hostnossl {name} all 127.0.0.1/32 reject" for name in self.tls_only]
        lines.append("host all all 127.0.0.1/32 scram-sha-256")
        (self.data / "pg_hba.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _certificate(self) -> Path:
        """A self-signed certificate for 127.0.0.1 and its key (the key readable by the server only)."""
        import datetime
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                               critical=False)
                .sign(key, hashes.SHA256()))
        cert_file, key_file = self.folder / "server.crt", self.folder / "server.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        key_file.chmod(0o600)  # the server refuses a key others may read
        if self.prefix:
            for f in (cert_file, key_file):
                shutil.chown(f, user=self.prefix[2])
        return cert_file

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run([*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                            "-w", "stop"], capture_output=True, cwd=self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)


if __name__ == "__main__":  # a manual session: start, print the URL, stop on Enter
    server = Server().start()
    print(server.url)
    try:
        sys.stdin.readline()
    finally:
        server.stop()


# ---------------------------------------------------------------- per-test databases (conftest.py)

_count = 0
# Databases are named t<pid><token>_<n>: pytest-xdist workers share one server, and a worker's pid
# is unique while it lives; the random token keeps a restarted worker that happens to get a dead
# one's pid off the databases that one left behind.
_TOKEN = os.urandom(2).hex()


def _admin(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _url_of(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _next_name() -> str:
    global _count
    _count += 1
    return f"t{os.getpid()}{_TOKEN}_{_count}"


def _name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?")[0]


def create_database(admin_url: str, template: str | None = None) -> str:
    """A new database (a copy of ``template`` when given); its URL."""
    name = _next_name()
    with _admin(admin_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return _url_of(admin_url, name)


def drop_database(admin_url: str, url: str) -> None:
    name = _name(url)
    with _admin(admin_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# What a test may have changed besides rows (tests that tamper drop audit_event's triggers): a
# database whose shape differs from a fresh copy's is dropped, not reused.
SHAPE = (
    "SELECT string_agg(x, ',' ORDER BY x) FROM ("
    " SELECT 'c:' || c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) AS x"
    " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped"
    " UNION ALL SELECT 't:' || t.tgname || '@' || c.relname || ':' || t.tgenabled::text FROM pg_trigger t"
    " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND NOT t.tgisinternal"
    " UNION ALL SELECT 'i:' || indexdef FROM pg_indexes WHERE schemaname = 'public'"
    " UNION ALL SELECT 'f:' || p.proname || ':' || md5(p.prosrc) FROM pg_proc p"
    " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public') s"
)


class Pool:
    """Databases copied from a template once, then reset for the next test: CREATE DATABASE costs
    seconds on a busy machine (it checkpoints), putting the template's rows back a fraction of that.
    Each copy keeps the template's rows in a schema of its own (``pristine``); resetting empties
    every table, copies them back and sets the sequences after them (triggers off meanwhile)."""

    def __init__(self, admin_url: str, template_url: str):
        self.admin_url = admin_url
        self.template = template_url.rsplit("/", 1)[1]
        self.free: list[str] = []
        self.tables: list[str] = []
        self.shape = ""  # columns, triggers, indexes, functions of a fresh copy (SHAPE)
        self.sequences: list[tuple[str, str, str]] = []  # (sequence, table, column)

    def take(self) -> str:
        # A database given back is reused only a few tests later: a background task a GUI test
        # left running may still reach it meanwhile (on SQLite its file is still there too).
        while len(self.free) > 2:
            reused = self._reset(self.free.pop(0))
            if reused:
                return reused
        url = create_database(self.admin_url, template=self.template)
        with _admin(url) as conn:
            self.tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
            self.shape = conn.execute(SHAPE).fetchone()[0]
            conn.execute("CREATE SCHEMA pristine")
            for t in self.tables:
                conn.execute(f'CREATE TABLE pristine."{t}" AS TABLE public."{t}"')
            self.sequences = [tuple(r) for r in conn.execute(
                "SELECT s.relname, t.relname, a.attname FROM pg_depend d "
                "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid "
                "AND a.attnum = d.refobjsubid JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE n.nspname = 'public'")]
        return url

    def give(self, url: str) -> None:
        self.free.append(url)

    def _reset(self, url: str) -> str | None:
        """``url`` back to the template's rows under a new name; None (and dropped) if that fails."""
        try:
            with _admin(url) as conn, conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")  # no triggers, no FK checks
                if conn.execute(SHAPE).fetchone()[0] != self.shape:  # a test dropped a trigger, added a column…
                    raise RuntimeError("schema changed")
                for t in self.tables:  # DELETE, not TRUNCATE: a truncate makes new files, slow on a busy disk
                    conn.execute(f'DELETE FROM public."{t}"')
                    conn.execute(f'INSERT INTO public."{t}" SELECT * FROM pristine."{t}"')
                for seq, table, column in self.sequences:
                    conn.execute(f'SELECT setval(\'public."{seq}"\', '
                                 f'coalesce((SELECT max("{column}") FROM public."{table}"), 0) + 1, false)')
            # a new name: what the program keeps per database URL in memory starts afresh too
            fresh = _next_name()
            with _admin(self.admin_url) as conn:
                conn.execute(f'ALTER DATABASE "{_name(url)}" RENAME TO "{fresh}"')
        except Exception:
            drop_database(self.admin_url, url)
            return None
        return _url_of(self.admin_url, fresh)


def copy_database(admin_url: str, url: str) -> str:
    """A new database copied from ``url`` (nobody may be connected to it meanwhile)."""
    return create_database(admin_url, template=_name(url))


def point_at(root: Path, url: str) -> None:
    """Make the data folder ``root`` use the database ``url`` (the desktop program's setting file)."""
    import json

    root.mkdir(parents=True, exist_ok=True)
    (root / "database.json").write_text(json.dumps({"url": url}), encoding="utf-8")


def url_in(root: Path) -> str | None:
    import json

    settings = root / "database.json"
    return json.loads(settings.read_text(encoding="utf-8"))["url"] if settings.is_file() else None
