"""Corrections, reopening and voiding of cases (issue 14): ``case_history`` holds each change made
after the fact (who, when, what, before and after, why) and travels with its case;
``mediation_case`` gains the void reason and date and the case a new one was opened from.

Revision ID: 0010_case_history
Revises: 0009
Create Date: 2026-12-03 18:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010_case_history'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_history',
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('case_version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('field_label', sa.String(length=40), nullable=False),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_name', sa.String(length=80), nullable=False),
    sa.Column('by_account', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_uuid'], ['mediation_case.uuid'], name=op.f('fk_case_history_case_uuid_mediation_case')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_case_history'))
    )
    with op.batch_alter_table('case_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_history_case_uuid'), ['case_uuid'], unique=False)
    # Plain columns added in place (no table rebuild: the list's partial indexes stay as they are).
    op.add_column('mediation_case', sa.Column('void_reason', sa.Text(), nullable=False, server_default=''))
    op.add_column('mediation_case', sa.Column('voided_on', sa.Date(), nullable=True))
    op.add_column('mediation_case', sa.Column('linked_from', sa.String(length=36), nullable=True))
    op.create_index(op.f('ix_mediation_case_linked_from'), 'mediation_case', ['linked_from'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_mediation_case_linked_from'), table_name='mediation_case')
    for column in ('linked_from', 'voided_on', 'void_reason'):  # SQLite 3.35+ drops a plain column in place
        op.drop_column('mediation_case', column)
    with op.batch_alter_table('case_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_history_case_uuid'))
    op.drop_table('case_history')
