"""The legality reviewer's checklist on each review item (issue 19): 主体、权限、内容、程序 and the
公平竞争审查 question where it applies, each with its answer and note, kept as JSON in one column
so it travels with the item.

Revision ID: 0014_review_checklist
Revises: 0013_review_matters
Create Date: 2026-12-03 21:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014_review_checklist'
down_revision = '0013_review_matters'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain column added in place: no table rebuild, the register's partial indexes stay.
    op.add_column('review_item', sa.Column('checklist', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    op.execute('ALTER TABLE review_item DROP COLUMN checklist')  # SQLite 3.35+, no rebuild
