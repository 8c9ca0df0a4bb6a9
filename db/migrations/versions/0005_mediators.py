"""The mediator roster's profile and logs, grading rule sets, assessments and grade history
(人民调解员等级评定, domain.md §1.2 and §4).

Adds the profile columns to ``mediator`` (education, political status, legal qualification,
source, appointment end, 备案, status, the grade's scheme and date, note) and the tables of the
appointments, training log, awards/complaints/discipline/escalations, rule sets, applications
with their steps, and the grade history.

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-28 09:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('grading_rule_set',
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reference_version', sa.String(length=40), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_grading_rule_set')),
    sa.UniqueConstraint('code', name=op.f('uq_grading_rule_set_code'))
    )
    op.create_table('grading_application',
    sa.Column('mediator_uuid', sa.String(length=36), nullable=False),
    sa.Column('committee_uuid', sa.String(length=36), nullable=False),
    sa.Column('rule_set_code', sa.String(length=30), nullable=False),
    sa.Column('rules', sa.Text(), nullable=False),
    sa.Column('level_code', sa.String(length=12), nullable=False),
    sa.Column('level_name', sa.String(length=20), nullable=False),
    sa.Column('window_from', sa.Date(), nullable=False),
    sa.Column('window_to', sa.Date(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('evaluation', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('granted_level', sa.String(length=12), nullable=False),
    sa.Column('granted_name', sa.String(length=20), nullable=False),
    sa.Column('decision_no', sa.String(length=60), nullable=False),
    sa.Column('notice_from', sa.Date(), nullable=True),
    sa.Column('notice_to', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['committee_uuid'], ['committee.uuid'], name=op.f('fk_grading_application_committee_uuid_committee')),
    sa.ForeignKeyConstraint(['mediator_uuid'], ['mediator.uuid'], name=op.f('fk_grading_application_mediator_uuid_mediator')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_grading_application'))
    )
    with op.batch_alter_table('grading_application', schema=None) as batch_op:
        batch_op.create_index('ix_grading_application_mediator', ['mediator_uuid', 'applied_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_grading_application_status'), ['status'], unique=False)

    op.create_table('mediator_appointment',
    sa.Column('mediator_uuid', sa.String(length=36), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('committee_name', sa.String(length=60), nullable=False),
    sa.Column('note', sa.String(length=120), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['mediator_uuid'], ['mediator.uuid'], name=op.f('fk_mediator_appointment_mediator_uuid_mediator')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_mediator_appointment'))
    )
    with op.batch_alter_table('mediator_appointment', schema=None) as batch_op:
        batch_op.create_index('ix_mediator_appointment_mediator', ['mediator_uuid', 'start_on'], unique=False)

    op.create_table('mediator_event',
    sa.Column('mediator_uuid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('issuer', sa.String(length=80), nullable=False),
    sa.Column('art15', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('case_uuid', sa.String(length=36), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_uuid'], ['mediation_case.uuid'], name=op.f('fk_mediator_event_case_uuid_mediation_case')),
    sa.ForeignKeyConstraint(['mediator_uuid'], ['mediator.uuid'], name=op.f('fk_mediator_event_mediator_uuid_mediator')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_mediator_event'))
    )
    with op.batch_alter_table('mediator_event', schema=None) as batch_op:
        batch_op.create_index('ix_mediator_event_mediator', ['mediator_uuid', 'kind', 'occurred_on'], unique=False)

    op.create_table('mediator_training',
    sa.Column('mediator_uuid', sa.String(length=36), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=120), nullable=False),
    sa.Column('tenth_hours', sa.Integer(), nullable=False),
    sa.Column('organiser', sa.String(length=80), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['mediator_uuid'], ['mediator.uuid'], name=op.f('fk_mediator_training_mediator_uuid_mediator')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_mediator_training'))
    )
    with op.batch_alter_table('mediator_training', schema=None) as batch_op:
        batch_op.create_index('ix_mediator_training_mediator', ['mediator_uuid', 'held_on'], unique=False)

    op.create_table('grading_step',
    sa.Column('application_uuid', sa.String(length=36), nullable=False),
    sa.Column('step', sa.String(length=12), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('document_no', sa.String(length=60), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('actor_name', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['application_uuid'], ['grading_application.uuid'], name=op.f('fk_grading_step_application_uuid_grading_application')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_grading_step'))
    )
    with op.batch_alter_table('grading_step', schema=None) as batch_op:
        batch_op.create_index('ix_grading_step_application', ['application_uuid', 'at'], unique=False)

    op.create_table('mediator_grade',
    sa.Column('mediator_uuid', sa.String(length=36), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('previous', sa.String(length=20), nullable=False),
    sa.Column('rule_set_code', sa.String(length=30), nullable=False),
    sa.Column('level_code', sa.String(length=12), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('application_uuid', sa.String(length=36), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('origin_node', sa.String(length=36), nullable=False),
    sa.Column('owner_node', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['application_uuid'], ['grading_application.uuid'], name=op.f('fk_mediator_grade_application_uuid_grading_application')),
    sa.ForeignKeyConstraint(['mediator_uuid'], ['mediator.uuid'], name=op.f('fk_mediator_grade_mediator_uuid_mediator')),
    sa.PrimaryKeyConstraint('uuid', name=op.f('pk_mediator_grade'))
    )
    with op.batch_alter_table('mediator_grade', schema=None) as batch_op:
        batch_op.create_index('ix_mediator_grade_mediator', ['mediator_uuid', 'effective_on'], unique=False)

    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('education', sa.String(length=12), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('political_status', sa.String(length=12), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('legal_qualification', sa.String(length=16), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('appointment_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('registered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('registration_no', sa.String(length=40), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('status', sa.String(length=12), nullable=False, server_default=sa.text("'serving'")))
        batch_op.add_column(sa.Column('grade_rule_set', sa.String(length=30), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('grade_level', sa.String(length=12), nullable=False, server_default=sa.text("''")))
        batch_op.add_column(sa.Column('graded_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=sa.text("''")))
    # A mediator already marked inactive has left the roster.
    op.execute(sa.text("UPDATE mediator SET status = 'left' WHERE NOT active"))


def downgrade() -> None:
    with op.batch_alter_table('mediator', schema=None) as batch_op:
        batch_op.drop_column('note')
        batch_op.drop_column('graded_on')
        batch_op.drop_column('grade_level')
        batch_op.drop_column('grade_rule_set')
        batch_op.drop_column('status')
        batch_op.drop_column('registration_no')
        batch_op.drop_column('registered_on')
        batch_op.drop_column('appointment_end')
        batch_op.drop_column('source')
        batch_op.drop_column('legal_qualification')
        batch_op.drop_column('political_status')
        batch_op.drop_column('education')

    with op.batch_alter_table('mediator_grade', schema=None) as batch_op:
        batch_op.drop_index('ix_mediator_grade_mediator')

    op.drop_table('mediator_grade')
    with op.batch_alter_table('grading_step', schema=None) as batch_op:
        batch_op.drop_index('ix_grading_step_application')

    op.drop_table('grading_step')
    with op.batch_alter_table('mediator_training', schema=None) as batch_op:
        batch_op.drop_index('ix_mediator_training_mediator')

    op.drop_table('mediator_training')
    with op.batch_alter_table('mediator_event', schema=None) as batch_op:
        batch_op.drop_index('ix_mediator_event_mediator')

    op.drop_table('mediator_event')
    with op.batch_alter_table('mediator_appointment', schema=None) as batch_op:
        batch_op.drop_index('ix_mediator_appointment_mediator')

    op.drop_table('mediator_appointment')
    with op.batch_alter_table('grading_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grading_application_status'))
        batch_op.drop_index('ix_grading_application_mediator')

    op.drop_table('grading_application')
    op.drop_table('grading_rule_set')
