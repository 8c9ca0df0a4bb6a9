"""排查 list at volume (issue 15): the rounds that count (not deleted, not voided) by date, so the
list's count is a walk of this small index instead of every round's row (17 ms at 100,000
rounds) and its newest-first page needs no look at voided rounds.

Revision ID: 0016_screening_current
Revises: 0015_screening_void
Create Date: 2026-12-04 05:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0016_screening_current'
down_revision = '0015_screening_void'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_screening_current_held', 'screening_round', ['held_on'], unique=False,
                    sqlite_where=sa.text('deleted = 0 AND voided_on IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_screening_current_held', table_name='screening_round')
