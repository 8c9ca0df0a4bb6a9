"""The mediator's text of a typical-case write-up (issue 20): the 案例评析 and an own title, one row
per case, kept on this node.

Revision ID: 0013_typical_writeup
Revises: 0012_agreement_draft
Create Date: 2026-12-03 21:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_typical_writeup'
down_revision = '0012_agreement_draft'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('typical_writeup',
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('analysis', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.Column('saved_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['case_uuid'], ['mediation_case.uuid'],
                            name=op.f('fk_typical_writeup_case_uuid_mediation_case')),
    sa.PrimaryKeyConstraint('case_uuid', name=op.f('pk_typical_writeup'))
    )


def downgrade() -> None:
    op.drop_table('typical_writeup')
