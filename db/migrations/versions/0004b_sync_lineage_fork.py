"""Exchange authority and re-basing: the nodes below each child as checked here (sync_lineage), and
bundles that fork a child's line (sync_fork).

Revision ID: 0004b
Revises: 0004
Create Date: 2026-12-03 16:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004b'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_lineage',
    sa.Column('node_id', sa.String(length=36), nullable=False),
    sa.Column('via', sa.String(length=36), nullable=False),
    sa.Column('parent', sa.String(length=36), nullable=False),
    sa.Column('org_code', sa.String(length=12), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('fingerprint', sa.String(length=80), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_sync_lineage'))
    )
    with op.batch_alter_table('sync_lineage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_lineage_via'), ['via'], unique=False)

    op.create_table('sync_fork',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=36), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('prev_sha256', sa.String(length=64), nullable=False),
    sa.Column('file', sa.Text(), nullable=False),
    sa.Column('detected_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolution', sa.String(length=20), nullable=False),
    sa.Column('superseded', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_fork'))
    )
    with op.batch_alter_table('sync_fork', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_fork_sender'), ['sender'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_fork', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_fork_sender'))
    op.drop_table('sync_fork')
    with op.batch_alter_table('sync_lineage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_lineage_via'))
    op.drop_table('sync_lineage')
