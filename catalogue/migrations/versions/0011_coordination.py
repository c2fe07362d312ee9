"""coordination: the shared signing key and schedule claims (issue 23)

Revision ID: 0011_coordination
Revises: 0010_harvest_source
Create Date: 2026-12-07 17:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_coordination"
down_revision: str | Sequence[str] | None = "0010_harvest_source"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_secret",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_site_secret")),
    )
    op.create_table(
        "schedule_claim",
        sa.Column("job", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=50), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job", "period", name=op.f("pk_schedule_claim")),
    )


def downgrade() -> None:
    op.drop_table("schedule_claim")
    op.drop_table("site_secret")
