"""tally_documents.locale holds a whole locale name (zh_Hans_CN, 10 characters): the column
was sized for "zh", which PostgreSQL refuses to truncate

Revision ID: tally_document_locale
Revises: validity_rules_heated_area
Create Date: 2026-12-05 00:30:00
"""

from alembic import op
import sqlmodel


revision = 'tally_document_locale'
down_revision = 'validity_rules_heated_area'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tally_documents') as batch:
        batch.alter_column(
            'locale',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=8),
            type_=sqlmodel.sql.sqltypes.AutoString(length=16),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('tally_documents') as batch:
        batch.alter_column(
            'locale',
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=16),
            type_=sqlmodel.sql.sqltypes.AutoString(length=8),
            existing_nullable=False,
        )
