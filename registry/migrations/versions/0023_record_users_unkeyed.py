"""buildings and records drop their keys to users (who entered, submitted and approved
them): users are never deleted (deactivated; the services refuse a delete) and the services
write only the acting user's id there, while the four checks were paid by every row of a
city's import (issue 23: storing 100,000 records, the three on records about 2.3 s of 5.4 s)

Revision ID: record_users_unkeyed
Revises: sparse_building_indexes
Create Date: 2026-12-06 21:45:00
"""

from alembic import op


revision = 'record_users_unkeyed'
down_revision = 'sparse_building_indexes'
branch_labels = None
depends_on = None

# Keys made unnamed (0001): PostgreSQL named them so; SQLite, which names none, gets these
# names from the convention while its tables are copied without them.
_KEYS = {'fk': '%(table_name)s_%(column_0_name)s_fkey'}
_RECORD_KEYS = (
    ('certificates_created_by_id_fkey', 'created_by_id'),
    ('certificates_approved_by_id_fkey', 'approved_by_id'),
    ('fk_certificates_submitted_by_id_users', 'submitted_by_id'),  # named (0005)
)


def upgrade() -> None:
    with op.batch_alter_table('buildings', naming_convention=_KEYS) as batch:
        batch.drop_constraint('buildings_created_by_id_fkey', type_='foreignkey')
    with op.batch_alter_table('certificates', naming_convention=_KEYS) as batch:
        for name, _column in _RECORD_KEYS:
            batch.drop_constraint(name, type_='foreignkey')


def downgrade() -> None:
    with op.batch_alter_table('certificates', naming_convention=_KEYS) as batch:
        for name, column in _RECORD_KEYS:
            batch.create_foreign_key(name, 'users', [column], ['id'])
    with op.batch_alter_table('buildings', naming_convention=_KEYS) as batch:
        batch.create_foreign_key('buildings_created_by_id_fkey', 'users', ['created_by_id'], ['id'])
