"""以案定补 (issue 20): rule tables over time, approved (closed) periods and the lines they paid.

Revision ID: 0013_subsidy
Revises: 0012_agreement_draft
Create Date: 2026-12-03 22:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_subsidy'
down_revision = '0012_agreement_draft'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subsidy_rules',
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sample', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(length=40), nullable=False),
    sa.Column('loaded_at', sa.DateTime(), nullable=False),
    sa.Column('loaded_by', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_subsidy_rules'))
    )
    op.create_index(op.f('ix_subsidy_rules_valid_from'), 'subsidy_rules', ['valid_from'], unique=False)
    op.create_table('subsidy_period',
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_subsidy_period'))
    )
    op.create_table('subsidy_line',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('period_uuid', sa.String(length=36), nullable=False),
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('case_no', sa.String(length=40), nullable=False),
    sa.Column('mediator_uuid', sa.String(length=36), nullable=False),
    sa.Column('mediator_name', sa.String(length=40), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('adjustment', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['period_uuid'], ['subsidy_period.uuid'],
                            name=op.f('fk_subsidy_line_period_uuid_subsidy_period')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_line'))
    )
    op.create_index(op.f('ix_subsidy_line_case_uuid'), 'subsidy_line', ['case_uuid'], unique=False)
    op.create_index(op.f('ix_subsidy_line_mediator_uuid'), 'subsidy_line', ['mediator_uuid'], unique=False)
    op.create_index(op.f('ix_subsidy_line_period_uuid'), 'subsidy_line', ['period_uuid'], unique=False)


def downgrade() -> None:
    op.drop_table('subsidy_line')
    op.drop_table('subsidy_period')
    op.drop_index(op.f('ix_subsidy_rules_valid_from'), table_name='subsidy_rules')
    op.drop_table('subsidy_rules')
