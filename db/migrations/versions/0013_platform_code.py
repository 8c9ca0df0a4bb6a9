"""The provincial platform's case code (平台案件编号) on each case, unique when present, and the
months reconciled with the platform's export (issue 19). Existing cases get NULL: no row is
rewritten, so their record digests still hold.

Revision ID: 0013_platform_code
Revises: 0012_agreement_draft
Create Date: 2026-12-03 21:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_platform_code'
down_revision = '0012_agreement_draft'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('mediation_case', sa.Column('platform_code', sa.String(length=40), nullable=True))
    op.create_index(op.f('ix_mediation_case_platform_code'), 'mediation_case', ['platform_code'], unique=True)
    op.create_table('platform_month',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('reconciled_at', sa.DateTime(), nullable=False),
    sa.Column('reconciled_by', sa.String(length=80), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('only_here', sa.Integer(), nullable=False),
    sa.Column('only_platform', sa.Integer(), nullable=False),
    sa.Column('mismatched', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_platform_month'))
    )


def downgrade() -> None:
    op.drop_table('platform_month')
    op.drop_index(op.f('ix_mediation_case_platform_code'), table_name='mediation_case')
    op.drop_column('mediation_case', 'platform_code')
