"""报出 (issue 19): a unit's submitted statistics for a period, kept as handed over, travelling
upward so the district sees which units submitted which period.

Revision ID: 0013_report_submissions
Revises: 0012_agreement_draft
Create Date: 2026-12-03 21:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_report_submissions'
down_revision = '0012_agreement_draft'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_submission',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('org_code', sa.String(length=12), nullable=False),
    sa.Column('org_name', sa.String(length=80), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by', sa.String(length=80), nullable=False),
    sa.Column('responsible', sa.String(length=40), nullable=False),
    sa.Column('preparer', sa.String(length=40), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('succeeded', sa.Integer(), nullable=False),
    sa.Column('bundles', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('workbook_sha256', sa.String(length=64), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_report_submission'))
    )
    op.create_index('ix_report_submission_period', 'report_submission', ['org_code', 'date_to', 'date_from'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_report_submission_period', table_name='report_submission')
    op.drop_table('report_submission')
