"""The procedure a case follows: 简易程序 (simple: a dispute settled on the spot, recorded on the
oral-agreement register) or the ordinary one (issue 14). Cases already present are ordinary.
It needs only 0002; it follows 0009 so that the list of heads a bundle names stays short.
No case row is rewritten: the digests of existing cases cover the columns they were made over.

Revision ID: 0010_case_procedure
Revises: 0009
Create Date: 2026-12-03 18:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010_case_procedure'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mediation_case') as batch:
        batch.add_column(sa.Column('procedure', sa.String(length=10), server_default='ordinary', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('mediation_case') as batch:
        batch.drop_column('procedure')
