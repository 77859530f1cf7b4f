"""the tally index drops its key to the record that opened an episode: its rows are derived,
written only beside the records they are made from, and `tally-index --check` recounts
them all; buildings drop the index on completion_year, which ix_buildings_prefab_share
leads with, and the one on created_by_id, which no query reads: each is paid by every row
of a city's import (issue 23)

Revision ID: derived_index_keys
Revises: index_keys_commit
Create Date: 2026-12-06 19:30:00
"""

from alembic import op


revision = 'derived_index_keys'
down_revision = 'index_keys_commit'
branch_labels = None
depends_on = None

# The key was made unnamed (0002): PostgreSQL named it so; SQLite, which names none, gets
# this name from the convention while its table is copied without it.
_KEYS = {'fk': '%(table_name)s_%(column_0_name)s_fkey'}


def upgrade() -> None:
    with op.batch_alter_table('tally_episodes', naming_convention=_KEYS) as batch:
        batch.drop_constraint('tally_episodes_record_id_fkey', type_='foreignkey')
    with op.batch_alter_table('buildings') as batch:
        batch.drop_index('ix_buildings_completion_year')
        batch.drop_index('ix_buildings_created_by_id')


def downgrade() -> None:
    with op.batch_alter_table('buildings') as batch:
        batch.create_index('ix_buildings_created_by_id', ['created_by_id'], unique=False)
        batch.create_index('ix_buildings_completion_year', ['completion_year'], unique=False)
    with op.batch_alter_table('tally_episodes', naming_convention=_KEYS) as batch:
        batch.create_foreign_key(
            'tally_episodes_record_id_fkey', 'certificates', ['record_id'], ['id']
        )
