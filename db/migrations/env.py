"""Alembic environment. The app passes an open connection in ``config.attributes``;
``alembic`` from a shell in a checkout works too (it opens XIHU_DESK_HOME's database)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from xihu_desk.store import schema  # noqa: F401 - registers every table on the metadata
from xihu_desk.store.base import Base


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001, ANN201
    """FTS5 tables and their shadow tables, and PostgreSQL's search indexes, are made by hand in
    migrations, not by models."""
    from xihu_desk.store.pg import SERVER_ONLY_INDEXES

    return not (type_ == "table" and name.startswith("case_fts")) and not (
        type_ == "index" and name in SERVER_ONLY_INDEXES
    )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=include_object,
        render_as_batch=True,  # SQLite can only ALTER by copying the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # pragma: no cover - developer use from a shell
    from xihu_desk.paths import DataDir
    from xihu_desk.store.engine import make_engine

    engine = make_engine(DataDir().url)
    with engine.connect() as conn:
        _run(conn)
