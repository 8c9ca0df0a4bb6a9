"""An index on the closing date (issue 19): the statistics count outcomes by it, and the 更正 check
of each submitted period finds the cases closed in that period through it.

Revision ID: 0014_case_closed_on
Revises: 0013_report_submissions
Create Date: 2026-12-03 22:10:00
"""

from alembic import op


revision = '0014_case_closed_on'
down_revision = '0013_report_submissions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_case_closed_on', 'mediation_case', ['closed_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_case_closed_on', table_name='mediation_case')
