"""quota_list_documents record the template version a file was made with, as the tally's
documents do: a file made by older code or words is made again, not served

Revision ID: quota_document_version
Revises: record_users_unkeyed
Create Date: 2026-12-07 04:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = 'quota_document_version'
down_revision = 'record_users_unkeyed'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The files made before it have no version: each is made again when next asked for.
    with op.batch_alter_table('quota_list_documents') as batch:
        batch.add_column(
            sa.Column(
                'template_version',
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default='',
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('quota_list_documents') as batch:
        batch.drop_column('template_version')
