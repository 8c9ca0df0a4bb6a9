"""A draft agreement stored for a case being mediated (issue 14, the signing table): the clauses
typed before the parties sign, kept when the form is closed and printed as 草稿; removed when the
agreement is registered. One row per case; it does not travel (a working copy, not a version).

Revision ID: 0012_agreement_draft
Revises: 0011_party_law
Create Date: 2026-12-03 19:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0012_agreement_draft'
down_revision = '0011_party_law'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreement_draft',
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('form', sa.String(length=8), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('disputed', sa.Text(), nullable=False),
    sa.Column('responsibility', sa.Text(), nullable=False),
    sa.Column('clauses', sa.Text(), nullable=False),
    sa.Column('performance_method', sa.String(length=120), nullable=False),
    sa.Column('performance_place', sa.String(length=120), nullable=False),
    sa.Column('performance_deadline', sa.Date(), nullable=True),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('performed_on_the_spot', sa.Boolean(), nullable=False),
    sa.Column('registrar', sa.String(length=40), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.Column('saved_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['case_uuid'], ['mediation_case.uuid'],
                            name=op.f('fk_agreement_draft_case_uuid_mediation_case')),
    sa.PrimaryKeyConstraint('case_uuid', name=op.f('pk_agreement_draft'))
    )


def downgrade() -> None:
    op.drop_table('agreement_draft')
