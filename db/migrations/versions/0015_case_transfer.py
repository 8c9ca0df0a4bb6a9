"""A case transferred (移送) to another street's or town's office through the district (issue 18):
the office's request (``case_transfer``, travels up row by row) and the district's decision
(``case_transfer_decision``, travels down to both offices).

Revision ID: 0015_case_transfer
Revises: 0014_case_closed_on
Create Date: 2026-12-04 00:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015_case_transfer'
down_revision = '0014_case_closed_on'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_transfer',
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('from_case_no', sa.String(length=40), nullable=False),
    sa.Column('from_org', sa.String(length=12), nullable=False),
    sa.Column('to_org', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('by_name', sa.String(length=80), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_case_transfer'))
    )
    op.create_index('ix_case_transfer_case', 'case_transfer', ['case_uuid'])
    op.create_table('case_transfer_decision',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('from_case_no', sa.String(length=40), nullable=False),
    sa.Column('district_node', sa.String(length=36), nullable=False),
    sa.Column('from_node', sa.String(length=36), nullable=False),
    sa.Column('from_org', sa.String(length=12), nullable=False),
    sa.Column('to_node', sa.String(length=36), nullable=False),
    sa.Column('to_org', sa.String(length=12), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=80), nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.Column('new_case_no', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_transfer_decision'))
    )
    op.create_index(op.f('ix_case_transfer_decision_case_uuid'), 'case_transfer_decision', ['case_uuid'])


def downgrade() -> None:
    op.drop_index(op.f('ix_case_transfer_decision_case_uuid'), table_name='case_transfer_decision')
    op.drop_table('case_transfer_decision')
    op.drop_index('ix_case_transfer_case', table_name='case_transfer')
    op.drop_table('case_transfer')
