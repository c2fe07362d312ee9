"""login sessions ended by log-out, one-time codes used once, form submissions counted
in the database (issue 15)

Revision ID: 0009_login_sessions
Revises: 0009_revision_published
Create Date: 2026-12-07 16:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_login_sessions"
down_revision: str | Sequence[str] | None = "0009_revision_published"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_session_user", "login_session", ["user_id"])
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("totp_last_step")
    op.drop_index("ix_login_session_user", table_name="login_session")
    op.drop_table("login_session")
