"""Names sort in pinyin order: ``mediator.name_key`` and ``committee.name_key`` hold the text a
list sorts by (the name's pinyin with tones, then the name; domain/names.py), written with the
name, so SQL sorts and pages by it. Existing rows are given their key here; versions are left as
they were (the key follows from the name, it is not new content).

Revision ID: 0008_name_sort_keys
Revises: 0005
Create Date: 2026-12-03 17:20:00
"""

from alembic import op
import sqlalchemy as sa

from xihu_desk.domain.names import person_key, sort_key


revision = '0008_name_sort_keys'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = (('mediator', person_key), ('committee', sort_key))


def upgrade() -> None:
    conn = op.get_bind()
    for table, key in TABLES:
        op.add_column(table, sa.Column('name_key', sa.String(length=400), nullable=False, server_default=''))
        rows = conn.execute(sa.text(f'SELECT uuid, name FROM {table}')).all()
        if rows:
            conn.execute(sa.text(f'UPDATE {table} SET name_key = :k WHERE uuid = :u'),
                         [{'k': key(name or ''), 'u': uuid} for uuid, name in rows])


def downgrade() -> None:
    for table, _key in TABLES:  # SQLite 3.35+ drops a plain column in place (no table rebuild)
        op.drop_column(table, 'name_key')
