"""Imported Excel ledgers: the mark of a case taken from an office's old 台账 (file, sheet, row,
the ledger's own number, the values of columns without a field, the row's fingerprint).

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-28 01:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_import',
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('sheet', sa.String(length=100), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('ledger_no', sa.String(length=60), nullable=False),
    sa.Column('extra', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['case_uuid'], ['mediation_case.uuid'], name=op.f('fk_case_import_case_uuid_mediation_case')),
    sa.PrimaryKeyConstraint('case_uuid', name=op.f('pk_case_import'))
    )
    with op.batch_alter_table('case_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_import_fingerprint'), ['fingerprint'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_import_fingerprint'))
    op.drop_table('case_import')
