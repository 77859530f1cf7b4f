"""each tally document remembers the public base URL of the request that asked for it, so
the worker's PDF carries QR codes and links to the host its reader used

Revision ID: output_tally_base_url
Revises: saving_reference_parameters
Create Date: 2026-12-05 00:05:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'output_tally_base_url'
down_revision = 'saving_reference_parameters'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tally_documents', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'public_base_url',
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default='',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('tally_documents', schema=None) as batch_op:
        batch_op.drop_column('public_base_url')
