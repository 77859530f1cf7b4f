"""sessions that can be cut off, tokens that can be listed and revoked, login back-off

users.session_generation is stamped into every login cookie (raising it ends them all);
each user's one api_token_hash becomes a row of api_tokens; failed-login counting moves
from users (which locked the account) to login_throttles (a short, growing delay per
typed username, known or not).

Revision ID: security_sessions_tokens
Revises: 0003
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "security_sessions_tokens"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "login_throttles",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("retry_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttles_last_failure_at"), ["last_failure_at"], unique=False
        )

    # Each user's current token carries over, still valid, under a plain name (its issue
    # date was not kept; the user's creation date stands in).
    op.execute(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) "
        "SELECT id, 'token', api_token_hash, 'rgy_', created_at FROM users "
        "WHERE api_token_hash IS NOT NULL"
    )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("session_generation", server_default=None)
        batch_op.drop_column("api_token_hash")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime()))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("api_token_hash", sqlmodel.sql.sqltypes.AutoString(length=64))
        )
        batch_op.create_unique_constraint("uq_users_api_token_hash", ["api_token_hash"])
        batch_op.drop_column("session_generation")
    op.execute(
        "UPDATE users SET api_token_hash = (SELECT min(token_hash) FROM api_tokens "
        "WHERE api_tokens.user_id = users.id AND api_tokens.revoked_at IS NULL)"
    )
    op.drop_table("login_throttles")
    op.drop_table("api_tokens")
