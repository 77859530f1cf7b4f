"""buildings index their parcel and platform code only where they have one: both are looked
up by value and empty for most buildings (an imported one has neither), whose entries each
import paid for (issue 23)

Revision ID: sparse_building_indexes
Revises: audit_actor_unkeyed
Create Date: 2026-12-06 19:50:00
"""

import sqlalchemy as sa
from alembic import op


revision = 'sparse_building_indexes'
down_revision = 'audit_actor_unkeyed'
branch_labels = None
depends_on = None

_COLUMNS = ('parcel_id', 'platform_code')


def upgrade() -> None:
    for column in _COLUMNS:
        op.drop_index(f'ix_buildings_{column}', table_name='buildings')
        op.create_index(
            f'ix_buildings_{column}',
            'buildings',
            [column],
            unique=False,
            sqlite_where=sa.text(f'{column} IS NOT NULL'),
            postgresql_where=sa.text(f'{column} IS NOT NULL'),
        )


def downgrade() -> None:
    for column in _COLUMNS:
        op.drop_index(f'ix_buildings_{column}', table_name='buildings')
        op.create_index(f'ix_buildings_{column}', 'buildings', [column], unique=False)
