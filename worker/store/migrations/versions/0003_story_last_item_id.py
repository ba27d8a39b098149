"""stories.last_item_id: a story's highest article id, so new copies extend it without a full re-read

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
    op.add_column('stories', sa.Column('last_item_id', sa.Integer(), nullable=True))
    op.execute("UPDATE stories SET last_item_id = "
               "(SELECT max(articles.item_id) FROM articles WHERE articles.story_id = stories.id)")


def downgrade() -> None:
    with op.batch_alter_table('stories') as batch:
        batch.drop_column('last_item_id')
