"""the tally index keeps its key to the record that opened an episode and drops its keys to
buildings, which that key and the records' own key to their building already imply; the
records drop their index on status, which ix_certificates_status_kind leads with: each is
paid by every row of a city's import

Revision ID: index_keys_commit
Revises: audit_unread_indexes
Create Date: 2026-12-06 18:00:00
"""

from alembic import op


revision = 'index_keys_commit'
down_revision = 'audit_unread_indexes'
branch_labels = None
depends_on = None

# The keys were made unnamed (0002): PostgreSQL named them so; SQLite, which names none,
# gets these names from the convention while its table is copied without them.
_KEYS = {'fk': '%(table_name)s_%(column_0_name)s_fkey'}
_TABLES = ('tally_episodes', 'tally_horizons')


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, naming_convention=_KEYS) as batch:
            batch.drop_constraint(f'{table}_building_id_fkey', type_='foreignkey')
    with op.batch_alter_table('certificates') as batch:
        batch.drop_index('ix_certificates_status')


def downgrade() -> None:
    with op.batch_alter_table('certificates') as batch:
        batch.create_index('ix_certificates_status', ['status'], unique=False)
    for table in _TABLES:
        with op.batch_alter_table(table, naming_convention=_KEYS) as batch:
            batch.create_foreign_key(
                f'{table}_building_id_fkey', 'buildings', ['building_id'], ['id']
            )
