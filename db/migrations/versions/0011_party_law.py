"""Parties as the law sees them and accounts that are people on the roster (issue 14):
a party's legal representative (法定代理人: the name stays in ``guardian``; relation, ID number and
contact added), the 16–17 own-income tick with its reason, a 送达地址 and special-group tags; a
failed case's routes told (告知的其他途径) and its referral (转介: legal aid or the court); an
account's roster entry (user_account.mediator_uuid).
Every new column has a default, so no case row is rewritten and existing digests stay valid.

Revision ID: 0011_party_law
Revises: 0010_case_procedure
Create Date: 2026-12-03 19:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011_party_law'
down_revision = '0010_case_procedure'
branch_labels = None
depends_on = None

_PARTY = (
    ('rep_relation', 20), ('rep_id_number', 40), ('rep_phone', 30), ('acts_alone_reason', 120),
    ('service_address', 120), ('tags', 60),
)
_CASE = (('told_routes', 60), ('referral_to', 12), ('referral_body', 80))


def upgrade() -> None:
    with op.batch_alter_table('party') as batch:
        for name, length in _PARTY:
            batch.add_column(sa.Column(name, sa.String(length=length), server_default='', nullable=False))
        batch.add_column(sa.Column('acts_alone', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('mediation_case') as batch:
        for name, length in _CASE:
            batch.add_column(sa.Column(name, sa.String(length=length), server_default='', nullable=False))
        batch.add_column(sa.Column('referral_note', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('mediator_uuid', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('mediator_uuid')
    with op.batch_alter_table('mediation_case') as batch:
        for name in ('referral_note', *(n for n, _ in _CASE)):
            batch.drop_column(name)
    with op.batch_alter_table('party') as batch:
        for name in ('acts_alone', *(n for n, _ in _PARTY)):
            batch.drop_column(name)
