"""矛盾纠纷排查 corrections (issue 18): a recorded round is corrected or voided (作废) with who,
when and why (screening_change, travels upward like the rounds); an information officer is
deactivated (停用) and reactivated with the dates, so past reports keep their officer and the
statistics count officers as of a period's end.

Revision ID: 0015_screening_void
Revises: 0013_screening
Create Date: 2026-12-04 00:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015_screening_void'
down_revision = '0013_screening'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('screening_round') as batch:
        batch.add_column(sa.Column('voided_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('void_reason', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('voided_by', sa.String(length=80), nullable=False, server_default=''))
    with op.batch_alter_table('info_officer') as batch:
        batch.add_column(sa.Column('deactivated_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('deactivation_reason', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('reactivated_on', sa.Date(), nullable=True))
    op.create_table('screening_change',
    sa.Column('round_uuid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['round_uuid'], ['screening_round.uuid'],
                            name=op.f('fk_screening_change_round_uuid_screening_round')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_screening_change'))
    )
    op.create_index(op.f('ix_screening_change_round_uuid'), 'screening_change', ['round_uuid'], unique=False)


def downgrade() -> None:
    op.drop_table('screening_change')
    with op.batch_alter_table('info_officer') as batch:
        batch.drop_column('reactivated_on')
        batch.drop_column('deactivation_reason')
        batch.drop_column('deactivated_on')
    with op.batch_alter_table('screening_round') as batch:
        batch.drop_column('voided_by')
        batch.drop_column('void_reason')
        batch.drop_column('voided_on')
