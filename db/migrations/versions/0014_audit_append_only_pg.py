"""The audit log is append-only on PostgreSQL too (issue 17): triggers refuse UPDATE, DELETE and
TRUNCATE on audit_event, as 0001's triggers do on SQLite. The hash chain still shows an edit made
by someone who switched the triggers off (``check`` names the first row that no longer holds).

Revision ID: 0014_audit_append_only_pg
Revises: 0012_agreement_draft
Create Date: 2026-12-03 21:45:00
"""

from alembic import op

revision = "0014_audit_append_only_pg"
down_revision = "0012_agreement_draft"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has had its triggers since 0001
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit log is append-only' USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
