"""A legality-review item may have no 送审日期: an office's old ledger often records only the
date the materials were complete (材料齐全日期). The working-day clock runs from the day after
that date in any case; the date of submission stays unknown (NULL) instead of being invented.

``review_item.received_on`` becomes nullable. SQLite rebuilds the table for that, inside the
migration's transaction where foreign keys cannot be switched off: the pauses and attachments
that refer to the items are set aside in temporary tables first and put back after, unchanged.

Revision ID: 0008_review_received_unknown
Revises: 0003
Create Date: 2026-12-03 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008_review_received_unknown'
down_revision = '0003'
branch_labels = None
depends_on = None

LIVE = sa.text('deleted = 0')
INDEXES = (('ix_review_live_number', ['year', 'seq']), ('ix_review_live_received', ['received_on']),
           ('ix_review_live_status_due', ['status', 'due_on']),
           ('ix_review_live_type_received', ['item_type', 'received_on']))


CHILDREN = ('review_pause', 'review_attachment')


def _received(nullable: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':  # a server alters the column in place
        op.alter_column('review_item', 'received_on', existing_type=sa.Date(), nullable=nullable)
        return
    for child in CHILDREN:
        op.execute(f'CREATE TEMP TABLE _keep_{child} AS SELECT * FROM {child}')
        op.execute(f'DELETE FROM {child}')
    with op.batch_alter_table('review_item', schema=None, recreate='always') as batch_op:
        for name, _columns in INDEXES:  # partial indexes: made again below with their condition
            batch_op.drop_index(name, sqlite_where=LIVE)
        batch_op.alter_column('received_on', existing_type=sa.Date(), nullable=nullable)
    with op.batch_alter_table('review_item', schema=None) as batch_op:
        for name, columns in INDEXES:
            batch_op.create_index(name, columns, unique=False, sqlite_where=LIVE)
    for child in CHILDREN:
        op.execute(f'INSERT INTO {child} SELECT * FROM _keep_{child}')
        op.execute(f'DROP TABLE _keep_{child}')


def upgrade() -> None:
    _received(True)


def downgrade() -> None:
    # An item without a submission date takes the day its materials were complete.
    op.execute("UPDATE review_item SET received_on = complete_on WHERE received_on IS NULL")
    _received(False)
