"""hiring teams: workspaces, authored questions and rubric versions, calibration sets, grades, certifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kappa_threshold', sa.Float(), nullable=False),
    sa.Column('min_gold', sa.Integer(), nullable=False),
    sa.Column('require_certification', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teams_slug'), ['slug'], unique=True)

    op.create_table('calibration_sets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('calibration_sets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_sets_team_id'), ['team_id'], unique=False)

    op.create_table('team_certifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('grader_key', sa.String(length=80), nullable=False),
    sa.Column('kappa', sa.Float(), nullable=True),
    sa.Column('ci_low', sa.Float(), nullable=True),
    sa.Column('ci_high', sa.Float(), nullable=True),
    sa.Column('n_answers', sa.Integer(), nullable=False),
    sa.Column('n_pairs', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('min_answers', sa.Integer(), nullable=False),
    sa.Column('certified', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('team_certifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_certifications_grader_key'), ['grader_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_certifications_team_id'), ['team_id'], unique=False)

    op.create_table('team_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'user_id', name='uq_team_memberships_team_user')
    )
    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_memberships_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('team_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=120), nullable=False),
    sa.Column('round', sa.String(length=32), nullable=False),
    sa.Column('rubric_id', sa.String(length=120), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'question_id', name='uq_team_questions_team_qid')
    )
    with op.batch_alter_table('team_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_questions_team_id'), ['team_id'], unique=False)

    op.create_table('team_rubrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.String(length=120), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('hash', sa.String(length=80), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'hash', name='uq_team_rubrics_team_hash')
    )
    with op.batch_alter_table('team_rubrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_rubrics_rubric_id'), ['rubric_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_rubrics_team_id'), ['team_id'], unique=False)

    op.create_table('calibration_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('set_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=120), nullable=False),
    sa.Column('round', sa.String(length=32), nullable=False),
    sa.Column('rubric_hash', sa.String(length=80), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('intended', sa.JSON(), nullable=True),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('origin', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['set_id'], ['calibration_sets.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('calibration_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_answers_set_id'), ['set_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calibration_answers_team_id'), ['team_id'], unique=False)

    op.create_table('calibration_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('grader_user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['calibration_answers.id'], ),
    sa.ForeignKeyConstraint(['grader_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id', 'grader_user_id', name='uq_calibration_assignments_pair')
    )
    with op.batch_alter_table('calibration_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calibration_assignments_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calibration_assignments_grader_user_id'), ['grader_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calibration_assignments_team_id'), ['team_id'], unique=False)

    op.create_table('team_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('grader_key', sa.String(length=80), nullable=False),
    sa.Column('grader_user_id', sa.Integer(), nullable=True),
    sa.Column('grader_kind', sa.String(length=16), nullable=False),
    sa.Column('rubric_hash', sa.String(length=80), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['calibration_answers.id'], ),
    sa.ForeignKeyConstraint(['grader_user_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('answer_id', 'grader_key', name='uq_team_grades_answer_grader')
    )
    with op.batch_alter_table('team_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_grades_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_grades_grader_key'), ['grader_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_grades_team_id'), ['team_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('team_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_grades_team_id'))
        batch_op.drop_index(batch_op.f('ix_team_grades_grader_key'))
        batch_op.drop_index(batch_op.f('ix_team_grades_answer_id'))

    op.drop_table('team_grades')
    with op.batch_alter_table('calibration_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_assignments_team_id'))
        batch_op.drop_index(batch_op.f('ix_calibration_assignments_grader_user_id'))
        batch_op.drop_index(batch_op.f('ix_calibration_assignments_answer_id'))

    op.drop_table('calibration_assignments')
    with op.batch_alter_table('calibration_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_answers_team_id'))
        batch_op.drop_index(batch_op.f('ix_calibration_answers_set_id'))

    op.drop_table('calibration_answers')
    with op.batch_alter_table('team_rubrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_rubrics_team_id'))
        batch_op.drop_index(batch_op.f('ix_team_rubrics_rubric_id'))

    op.drop_table('team_rubrics')
    with op.batch_alter_table('team_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_questions_team_id'))

    op.drop_table('team_questions')
    with op.batch_alter_table('team_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_team_memberships_team_id'))

    op.drop_table('team_memberships')
    with op.batch_alter_table('team_certifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_certifications_team_id'))
        batch_op.drop_index(batch_op.f('ix_team_certifications_grader_key'))

    op.drop_table('team_certifications')
    with op.batch_alter_table('calibration_sets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calibration_sets_team_id'))

    op.drop_table('calibration_sets')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teams_slug'))

    op.drop_table('teams')
