"""the audit log keeps the indexes its queries read (building_id, import_id) and drops
those none reads (at, entity, entity_id): each is paid by every audited write, 200,000 at
once in a city's import

Revision ID: audit_unread_indexes
Revises: exportfast_episode_rows
Create Date: 2026-12-06 12:30:00
"""

from alembic import op


revision = 'audit_unread_indexes'
down_revision = 'exportfast_episode_rows'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events') as batch:
        batch.drop_index('ix_audit_events_at')
        batch.drop_index('ix_audit_events_entity')
        batch.drop_index('ix_audit_events_entity_id')


def downgrade() -> None:
    with op.batch_alter_table('audit_events') as batch:
        batch.create_index('ix_audit_events_entity_id', ['entity_id'], unique=False)
        batch.create_index('ix_audit_events_entity', ['entity'], unique=False)
        batch.create_index('ix_audit_events_at', ['at'], unique=False)
