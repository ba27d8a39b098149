"""feed item digests: the items a feed's last fetch listed, so the next fetch parses only new ones

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import worker.store.tables

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feed_item_digests',
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('digests', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', worker.store.tables.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], name=op.f('fk_feed_item_digests_feed_id_feeds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('feed_id', name=op.f('pk_feed_item_digests'))
    )


def downgrade() -> None:
    op.drop_table('feed_item_digests')
