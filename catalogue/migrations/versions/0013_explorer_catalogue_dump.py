"""catalogue dumps: where the nightly JSON Lines and CSV dumps of public metadata are (issue 21)

Revision ID: 0013_explorer_catalogue_dump
Revises: 0013_cluster_exactly_once
Create Date: 2026-12-07 19:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_explorer_catalogue_dump"
down_revision: str | Sequence[str] | None = "0013_cluster_exactly_once"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_dump",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("datasets", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_dump")),
    )
    op.create_index("ix_catalogue_dump_kind_created", "catalogue_dump", ["kind", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_catalogue_dump_kind_created", table_name="catalogue_dump")
    op.drop_table("catalogue_dump")
