"""Search on a PostgreSQL server as fast as FTS5 on SQLite (issue 17): a pg_trgm GIN index on
case_search.body serves ILIKE '%word%' for words of 3+ characters, and a text_pattern_ops index on
party.name serves the 1–2 character name prefix (LIKE 'x%') whatever the database's collation.
Nothing on SQLite, where migration 0002 made the FTS5 table.

Revision ID: 0014_pg_search
Revises: 0002
Create Date: 2026-12-03 21:45:00
"""

from alembic import op


revision = '0014_pg_search'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')  # a trusted extension: the database owner may add it
    op.execute('CREATE INDEX ix_case_search_body_trgm ON case_search USING gin (body gin_trgm_ops)')
    op.execute('CREATE INDEX ix_party_name_prefix ON party (name text_pattern_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP INDEX IF EXISTS ix_party_name_prefix')
    op.execute('DROP INDEX IF EXISTS ix_case_search_body_trgm')
