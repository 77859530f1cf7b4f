"""audit events name records "record", the one name the code uses (was "certificate")

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 21:30:00
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE audit_events SET entity = 'record' WHERE entity = 'certificate'")


def downgrade() -> None:
    op.execute("UPDATE audit_events SET entity = 'certificate' WHERE entity = 'record'")
