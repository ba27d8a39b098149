"""stories.first_item_id: a story's first article, so new copies extend the row without a full re-read

Existing stories keep NULL: their regions lack the first-mention order the extension merges by,
so each is recomputed from its articles the next time a batch touches it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('stories', sa.Column('first_item_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('stories') as batch:
        batch.drop_column('first_item_id')
