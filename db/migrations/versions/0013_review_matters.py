"""The office's list of meeting items (会议议题) and contracts (合同), imported from Excel so that
items that needed a legality review and got none are flagged (issue 19). A local table: it does
not travel.

Revision ID: 0013_review_matters
Revises: 0008_review_received_unknown
Create Date: 2026-12-03 21:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_review_matters'
down_revision = '0008_review_received_unknown'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_matter',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_key', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=80), nullable=False),
    sa.Column('matter_on', sa.Date(), nullable=False),
    sa.Column('meeting', sa.String(length=80), nullable=False),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('review_no', sa.String(length=60), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('imported_by', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_review_matter'))
    )
    with op.batch_alter_table('review_matter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_matter_matter_on'), ['matter_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_matter_title_key'), ['title_key'], unique=False)


def downgrade() -> None:
    op.drop_table('review_matter')
