"""矛盾纠纷排查 (issue 18): information officers, screening rounds and 零报告, the disputes they
found with the 重点矛盾纠纷 ledger's columns. All three travel upward like the other records.

Revision ID: 0013_screening
Revises: 0012_agreement_draft
Create Date: 2026-12-03 21:35:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_screening'
down_revision = '0012_agreement_draft'
branch_labels = None
depends_on = None


def _travelling() -> list:
    return [
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('origin_node', sa.String(length=36), nullable=False),
        sa.Column('owner_node', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('info_officer',
    sa.Column('committee_uuid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    *_travelling(),
    sa.ForeignKeyConstraint(['committee_uuid'], ['committee.uuid'],
                            name=op.f('fk_info_officer_committee_uuid_committee')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_info_officer'))
    )
    op.create_index(op.f('ix_info_officer_committee_uuid'), 'info_officer', ['committee_uuid'], unique=False)
    op.create_table('screening_round',
    sa.Column('committee_uuid', sa.String(length=36), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('staff', sa.String(length=120), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=False),
    sa.Column('officer_uuid', sa.String(length=36), nullable=True),
    sa.Column('zero_report', sa.Boolean(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=True),
    sa.Column('period_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    *_travelling(),
    sa.ForeignKeyConstraint(['committee_uuid'], ['committee.uuid'],
                            name=op.f('fk_screening_round_committee_uuid_committee')),
    sa.ForeignKeyConstraint(['officer_uuid'], ['info_officer.uuid'],
                            name=op.f('fk_screening_round_officer_uuid_info_officer')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_screening_round'))
    )
    op.create_index(op.f('ix_screening_round_committee_uuid'), 'screening_round', ['committee_uuid'], unique=False)
    op.create_index(op.f('ix_screening_round_officer_uuid'), 'screening_round', ['officer_uuid'], unique=False)
    op.create_index('ix_screening_live_held', 'screening_round', ['held_on'], unique=False,
                    sqlite_where=sa.text('deleted = 0'))
    op.create_table('screened_dispute',
    sa.Column('round_uuid', sa.String(length=36), nullable=False),
    sa.Column('dispute_type', sa.String(length=8), nullable=False),
    sa.Column('applicant', sa.String(length=80), nullable=False),
    sa.Column('applicant_phone', sa.String(length=30), nullable=False),
    sa.Column('respondent', sa.String(length=80), nullable=False),
    sa.Column('respondent_phone', sa.String(length=30), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('risk', sa.String(length=8), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('case_uuid', sa.String(length=36), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('referred_to', sa.String(length=80), nullable=False),
    sa.Column('closing_note', sa.Text(), nullable=False),
    sa.Column('watched', sa.Boolean(), nullable=False),
    sa.Column('responsible', sa.String(length=40), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('next_check_on', sa.Date(), nullable=True),
    sa.Column('last_checked_on', sa.Date(), nullable=True),
    *_travelling(),
    sa.ForeignKeyConstraint(['case_uuid'], ['mediation_case.uuid'],
                            name=op.f('fk_screened_dispute_case_uuid_mediation_case')),
    sa.ForeignKeyConstraint(['round_uuid'], ['screening_round.uuid'],
                            name=op.f('fk_screened_dispute_round_uuid_screening_round')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_screened_dispute'))
    )
    op.create_index(op.f('ix_screened_dispute_case_uuid'), 'screened_dispute', ['case_uuid'], unique=False)
    op.create_index(op.f('ix_screened_dispute_round_uuid'), 'screened_dispute', ['round_uuid'], unique=False)


def downgrade() -> None:
    op.drop_table('screened_dispute')
    op.drop_table('screening_round')
    op.drop_table('info_officer')
