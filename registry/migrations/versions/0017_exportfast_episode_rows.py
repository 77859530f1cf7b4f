"""the tally index's episodes carry the building's name and the opening record's kind,
level and label number, with an index in the full-row export's order holding every column
it reads: the export is one index-ordered scan, with no join and no sort

Revision ID: exportfast_episode_rows
Revises: quotapdf_progress
Create Date: 2026-12-05 21:30:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'exportfast_episode_rows'
down_revision = 'quotapdf_progress'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tally_episodes') as batch:
        batch.add_column(
            sa.Column(
                'building_name',
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default='',
            )
        )
        for name, length in (('kind', 16), ('level', 32), ('label_number', 64)):
            batch.add_column(
                sa.Column(
                    name,
                    sqlmodel.sql.sqltypes.AutoString(length=length),
                    nullable=False,
                    server_default='',
                )
            )
    with op.batch_alter_table('tally_episodes') as batch:
        batch.create_index(
            'ix_tally_episodes_rows',
            [
                'target',
                'start_on',
                'building_id',
                'record_id',
                'horizon_on',
                'end_on',
                'area_m2',
                'district_code',
                'building_type',
                'kind',
                'level',
                'label_number',
                'building_name',
            ],
            unique=False,
        )
    # The index recounted, its copies filled: the newest revision that changes what counts
    # (records_review_notice: the counting date of labels) or what the index stores (this
    # one) recounts, as the recount uses the live counting code and the index's live columns.
    from registry.services.tally.index import rebuild

    rebuild(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('tally_episodes') as batch:
        batch.drop_index('ix_tally_episodes_rows')
        batch.drop_column('label_number')
        batch.drop_column('level')
        batch.drop_column('kind')
        batch.drop_column('building_name')
