"""a loop's own warning marks (seconds left), when the candidate sets them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 15:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('loops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warnings_at', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('loops', schema=None) as batch_op:
        batch_op.drop_column('warnings_at')
