"""Read-side indexes of stories: story_regions, story_docs (+ full-text index), alert_stories;
feeds.last_new_item_at

Filled from the existing rows: each story's regions from its JSON, its search document from its
first article, each alert's stories from its payload, each feed's last new item from its items.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 13:10:00
"""
from alembic import op
import sqlalchemy as sa

from worker.store.tables import UTCDateTime, JSONType

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('feeds', sa.Column('last_new_item_at', UTCDateTime(), nullable=True))
    op.execute("UPDATE feeds SET last_new_item_at = (SELECT max(items.fetched_at) FROM items "
               "WHERE items.feed_id = feeds.id)")
    op.create_table(
        'story_regions',
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('region_key', sa.String(200), nullable=False),
        sa.Column('country', sa.String(2)),
        sa.Column('event_time', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('story_id', 'region_key', name='pk_story_regions'),
    )
    op.create_index('ix_story_regions_region_time', 'story_regions', ['region_key', 'event_time'])
    op.create_index('ix_story_regions_country_time', 'story_regions', ['country', 'event_time'])
    op.create_table(
        'story_docs',
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('first_item_id', sa.Integer(), nullable=False),
        sa.Column('doc', sa.Text(), nullable=False, server_default=''),
        sa.Column('actors', JSONType),
        sa.PrimaryKeyConstraint('story_id', name='pk_story_docs'),
    )
    op.create_table(
        'alert_stories',
        sa.Column('alert_id', sa.String(64), nullable=False),
        sa.Column('story_id', sa.Integer(), nullable=False),
        sa.Column('severity', sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name='fk_alert_stories_alert_id_alerts',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('alert_id', 'story_id', name='pk_alert_stories'),
    )
    op.create_index('ix_alert_stories_story_id', 'alert_stories', ['story_id'])
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("CREATE INDEX ix_story_docs_fts ON story_docs USING gin (to_tsvector('simple', doc))")
    else:
        # FTS5 index of the story documents, rowid = story id, kept by story_index. Queries are
        # conjunctions of single words, so no positions are kept (detail=none: cheaper writes).
        op.execute("CREATE VIRTUAL TABLE story_fts USING fts5(doc, tokenize='unicode61 remove_diacritics 2', "
                   "detail=none, columnsize=0)")
    from worker.store import story_index

    story_index.backfill(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        op.execute('DROP TABLE IF EXISTS story_fts')
    op.drop_table('alert_stories')
    op.drop_table('story_docs')
    op.drop_table('story_regions')
    with op.batch_alter_table('feeds') as batch:
        batch.drop_column('last_new_item_at')
