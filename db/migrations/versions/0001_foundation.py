"""Foundation: node identity, reference org units, committees, users, settings, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _travelling() -> list[sa.Column]:
    return [
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("origin_node", sa.String(36), nullable=False),
        sa.Column("owner_node", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_setting"),
    )
    op.create_table(
        "org_unit",
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("short_name", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("parent_code", sa.String(12), nullable=False),
        sa.Column("code_year", sa.String(20), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_org_unit"),
    )
    op.create_table(
        "node",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.String(36), nullable=False),
        sa.Column("org_code", sa.String(12), nullable=False),
        sa.Column("level", sa.String(12), nullable=False),
        sa.Column("parent_code", sa.String(12), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sign_private", sa.LargeBinary(), nullable=False),
        sa.Column("sign_public", sa.LargeBinary(), nullable=False),
        sa.Column("enc_private", sa.LargeBinary(), nullable=False),
        sa.Column("enc_public", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(80), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_node_single_row"),
        sa.ForeignKeyConstraint(["org_code"], ["org_unit.code"], name="fk_node_org_code_org_unit"),
        sa.PrimaryKeyConstraint("id", name="pk_node"),
        sa.UniqueConstraint("node_id", name="uq_node_node_id"),
    )
    op.create_table(
        "committee",
        *_travelling(),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("short_name", sa.String(20), nullable=False),
        sa.Column("org_code", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.ForeignKeyConstraint(["org_code"], ["org_unit.code"], name="fk_committee_org_code_org_unit"),
        sa.PrimaryKeyConstraint("uuid", name="pk_committee"),
    )
    op.create_index("ix_committee_org_code", "committee", ["org_code"])
    op.create_table(
        "user_account",
        *_travelling(),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("display_name", sa.String(40), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("committee_uuid", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(
            ["committee_uuid"], ["committee.uuid"], name="fk_user_account_committee_uuid_committee"
        ),
        sa.PrimaryKeyConstraint("uuid", name="pk_user_account"),
        sa.UniqueConstraint("username", name="uq_user_account_username"),
    )
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(80), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_event"),
    )
    for column in ("at", "actor", "action", "entity"):
        op.create_index(f"ix_audit_event_{column}", "audit_event", [column])
    # The log is append-only through the app; the hash chain shows edits made around it.
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    for table in ("audit_event", "user_account", "committee", "node", "org_unit", "setting", "meta"):
        op.drop_table(table)
