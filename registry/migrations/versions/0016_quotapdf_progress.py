"""the quota list document's progress while its PDF table is laid out (rows done) and the
heartbeat by which the worker's sweep finds a job whose worker went silent

Revision ID: quotapdf_progress
Revises: meterjobs_quota_documents
Create Date: 2026-12-05 04:05:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'quotapdf_progress'
down_revision = 'meterjobs_quota_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('quota_list_documents') as batch:
        batch.add_column(sa.Column('rows_done', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(
            sa.Column('heartbeat_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('quota_list_documents') as batch:
        batch.drop_column('heartbeat_at')
        batch.drop_column('rows_done')
