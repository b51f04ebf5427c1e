"""peer review: share links (token hashes), peer and self grades, when automatic grades were revealed

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('peer_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loop_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['loop_id'], ['loops.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('peer_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_links_loop_id'), ['loop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_links_token_hash'), ['token_hash'], unique=True)

    op.create_table('peer_reveals',
    sa.Column('loop_id', sa.Integer(), nullable=False),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('via', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['loop_id'], ['loops.id'], ),
    sa.PrimaryKeyConstraint('loop_id')
    )
    op.create_table('peer_grades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('self_of', sa.Integer(), nullable=True),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['peer_links.id'], ),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], ),
    sa.ForeignKeyConstraint(['self_of'], ['rounds.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('self_of')
    )
    with op.batch_alter_table('peer_grades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_grades_link_id'), ['link_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peer_grades_round_id'), ['round_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('peer_grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_grades_round_id'))
        batch_op.drop_index(batch_op.f('ix_peer_grades_link_id'))

    op.drop_table('peer_grades')
    op.drop_table('peer_reveals')
    with op.batch_alter_table('peer_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_links_token_hash'))
        batch_op.drop_index(batch_op.f('ix_peer_links_loop_id'))

    op.drop_table('peer_links')
