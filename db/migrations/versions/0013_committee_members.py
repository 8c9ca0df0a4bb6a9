"""Committees as they are (issue 18): their particulars over time (``committee_profile``: kind,
registration and 备案, seal, address, phone), their members with roles and terms
(``committee_member``, a mediator may serve several committees), and cases moved up a level or
co-mediated between committees (``case_escalation``). Each travels row by row.

Revision ID: 0013_committee_members
Revises: 0012_agreement_draft
Create Date: 2026-12-03 21:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013_committee_members'
down_revision = '0012_agreement_draft'
branch_labels = None
depends_on = None


def _travelling() -> list[sa.Column]:
    return [
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('origin_node', sa.String(length=36), nullable=False),
        sa.Column('owner_node', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('committee_profile',
    sa.Column('committee_uuid', sa.String(length=36), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('org_kind', sa.String(length=12), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('filing_no', sa.String(length=40), nullable=False),
    sa.Column('seal', sa.String(length=60), nullable=False),
    sa.Column('address', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('multi_ethnic', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    *_travelling(),
    sa.ForeignKeyConstraint(['committee_uuid'], ['committee.uuid'],
                            name=op.f('fk_committee_profile_committee_uuid_committee')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_committee_profile'))
    )
    op.create_index('ix_committee_profile_committee', 'committee_profile', ['committee_uuid', 'effective_on'])
    op.create_table('committee_member',
    sa.Column('committee_uuid', sa.String(length=36), nullable=False),
    sa.Column('mediator_uuid', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('ethnic_minority', sa.Boolean(), nullable=False),
    sa.Column('end_reason', sa.String(length=120), nullable=False),
    *_travelling(),
    sa.ForeignKeyConstraint(['committee_uuid'], ['committee.uuid'],
                            name=op.f('fk_committee_member_committee_uuid_committee')),
    sa.ForeignKeyConstraint(['mediator_uuid'], ['mediator.uuid'],
                            name=op.f('fk_committee_member_mediator_uuid_mediator')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_committee_member'))
    )
    op.create_index('ix_committee_member_committee', 'committee_member', ['committee_uuid', 'term_start'])
    op.create_index('ix_committee_member_mediator', 'committee_member', ['mediator_uuid'])
    op.create_table('case_escalation',
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('from_committee_uuid', sa.String(length=36), nullable=False),
    sa.Column('to_committee_uuid', sa.String(length=36), nullable=False),
    sa.Column('from_case_no', sa.String(length=40), nullable=False),
    sa.Column('to_case_no', sa.String(length=40), nullable=False),
    sa.Column('escalated_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_name', sa.String(length=80), nullable=False),
    *_travelling(),
    sa.ForeignKeyConstraint(['case_uuid'], ['mediation_case.uuid'],
                            name=op.f('fk_case_escalation_case_uuid_mediation_case')),
    sa.ForeignKeyConstraint(['from_committee_uuid'], ['committee.uuid'],
                            name=op.f('fk_case_escalation_from_committee_uuid_committee')),
    sa.ForeignKeyConstraint(['to_committee_uuid'], ['committee.uuid'],
                            name=op.f('fk_case_escalation_to_committee_uuid_committee')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_case_escalation'))
    )
    op.create_index('ix_case_escalation_case', 'case_escalation', ['case_uuid'])
    op.create_index('ix_case_escalation_from', 'case_escalation', ['from_committee_uuid'])
    op.create_index('ix_case_escalation_to', 'case_escalation', ['to_committee_uuid'])


def downgrade() -> None:
    for table in ('case_escalation', 'committee_member', 'committee_profile'):
        op.drop_table(table)
