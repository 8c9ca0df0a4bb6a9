"""A digest of every case as the app wrote it, so that edits outside the app show in check
(issue 12, “The audit chain proves more”). Cases already present are digested here.
It needs only 0002; it follows 0006 so that the list of heads a bundle names stays short.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-03 16:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('record_digest',
    sa.Column('case_uuid', sa.String(length=36), nullable=False),
    sa.Column('digest', sa.String(length=48), nullable=False),
    sa.PrimaryKeyConstraint('case_uuid', name=op.f('pk_record_digest'))
    )
    from xihu_desk.store import digests

    digests.rebuild(op.get_bind().connection.driver_connection)


def downgrade() -> None:
    op.drop_table('record_digest')
