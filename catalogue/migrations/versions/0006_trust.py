"""trust and reuse: Law on Data classification columns, subscriptions, link checks (issue 9)

Revision ID: 0006_trust
Revises: 0001_core
Create Date: 2026-11-21 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_trust"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing datasets were published as open data, hence the server defaults.
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.add_column(sa.Column("access_class", sa.String(length=20), nullable=False,
                                      server_default="open"))
        batch_op.add_column(sa.Column("importance", sa.String(length=20), nullable=False,
                                      server_default="other"))
        batch_op.create_index("ix_dataset_access_class", ["access_class"], unique=False)

    op.create_table(
        "subscription",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("target_type", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(), nullable=True),
        sa.Column("last_digest_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription")),
        sa.UniqueConstraint("email", "target_type", "target_id",
                            name=op.f("uq_subscription_email")),
        sa.UniqueConstraint("token", name=op.f("uq_subscription_token")),
    )
    with op.batch_alter_table("subscription", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscription_email"), ["email"], unique=False)

    op.create_table(
        "subscription_notification",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_name", sa.String(length=100), nullable=False),
        sa.Column("dataset_title", sa.String(length=500), nullable=False),
        sa.Column("detail", sa.String(length=1000), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("created", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["subscription_id"], ["subscription.id"],
                                name=op.f("fk_subscription_notification_subscription_id_"
                                          "subscription"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_notification")),
    )
    with op.batch_alter_table("subscription_notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscription_notification_dataset_id"),
                              ["dataset_id"], unique=False)
        batch_op.create_index("ix_subscription_notification_pending",
                              ["subscription_id", "sent_at"], unique=False)

    op.create_table(
        "link_check",
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_check_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_link_check")),
    )
    with op.batch_alter_table("link_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_check_next_check_at"), ["next_check_at"],
                              unique=False)

    op.create_table(
        "overdue_reminder",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("due", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overdue_reminder")),
        sa.UniqueConstraint("dataset_id", "due", name=op.f("uq_overdue_reminder_dataset_id")),
    )
    with op.batch_alter_table("overdue_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overdue_reminder_organization_id"),
                              ["organization_id"], unique=False)


def downgrade() -> None:
    op.drop_table("overdue_reminder")
    op.drop_table("link_check")
    op.drop_table("subscription_notification")
    op.drop_table("subscription")
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.drop_index("ix_dataset_access_class")
        batch_op.drop_column("importance")
        batch_op.drop_column("access_class")
