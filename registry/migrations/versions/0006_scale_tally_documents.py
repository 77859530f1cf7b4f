"""tally documents: cached tally PDFs made by the worker, and the data stamp they are valid for

Revision ID: scale_tally_documents
Revises: records_review_notice
Create Date: 2026-12-04 22:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'scale_tally_documents'
down_revision = 'records_review_notice'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tally_stamp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.execute("INSERT INTO tally_stamp (id, version) VALUES (1, 0)")
    op.create_table('tally_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('district_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True),
    sa.Column('building_type', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('template_version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('heartbeat_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('tally_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tally_documents_requested_at'), ['requested_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tally_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tally_documents_requested_at'))
    op.drop_table('tally_documents')
    op.drop_table('tally_stamp')
