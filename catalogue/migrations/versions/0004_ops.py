"""operations: notices, usage counters, restore log

Revision ID: 0004_ops
Revises: 0001_core
Create Date: 2026-11-21 22:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_ops"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("announced_at", sa.DateTime(), nullable=False),
        sa.Column("announced_by", sa.String(length=200), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
    )
    op.create_index(op.f("ix_notice_announced_at"), "notice", ["announced_at"])
    op.create_index(op.f("ix_notice_ends_at"), "notice", ["ends_at"])
    op.create_table(
        "usage_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "name", "subject", name=op.f("pk_usage_daily")),
    )
    op.create_table(
        "restore_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("restored_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("backup_name", sa.String(length=200), nullable=False),
        sa.Column("backup_path", sa.String(length=1000), nullable=False),
        sa.Column("backup_created_at", sa.DateTime(), nullable=True),
        sa.Column("safety_backup", sa.String(length=1000), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restore_log")),
    )
    op.create_index(op.f("ix_restore_log_restored_at"), "restore_log", ["restored_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_restore_log_restored_at"), table_name="restore_log")
    op.drop_table("restore_log")
    op.drop_table("usage_daily")
    op.drop_index(op.f("ix_notice_ends_at"), table_name="notice")
    op.drop_index(op.f("ix_notice_announced_at"), table_name="notice")
    op.drop_table("notice")
