"""the quota list's PDF and XLSX as jobs (issue 23): a row per year, filter, format and
language with its state and, once made, its cached file and the data digest it holds

Revision ID: meterjobs_quota_documents
Revises: residential_demands
Create Date: 2026-12-05 03:30:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'meterjobs_quota_documents'
down_revision = 'residential_demands'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quota_list_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('fmt', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('district_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
    sa.Column('building_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('band', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('quota_list_documents')
