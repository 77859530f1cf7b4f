"""the audit log drops its key to users: an event names its actor by id and by name as they
were, users are never deleted (deactivated; the services refuse a delete), and the key was
checked for every event, 200,000 at once in a city's import (issue 23)

Revision ID: audit_actor_unkeyed
Revises: derived_index_keys
Create Date: 2026-12-06 20:15:00
"""

from alembic import op


revision = 'audit_actor_unkeyed'
down_revision = 'derived_index_keys'
branch_labels = None
depends_on = None

# The key was made unnamed (0001): PostgreSQL named it so; SQLite, which names none, gets
# this name from the convention while its table is copied without it.
_KEYS = {'fk': '%(table_name)s_%(column_0_name)s_fkey'}


def upgrade() -> None:
    with op.batch_alter_table('audit_events', naming_convention=_KEYS) as batch:
        batch.drop_constraint('audit_events_actor_id_fkey', type_='foreignkey')


def downgrade() -> None:
    with op.batch_alter_table('audit_events', naming_convention=_KEYS) as batch:
        batch.create_foreign_key('audit_events_actor_id_fkey', 'users', ['actor_id'], ['id'])
