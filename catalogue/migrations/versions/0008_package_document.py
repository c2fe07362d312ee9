"""package documents: each dataset's package dict, kept for the read path (issue 8)

Revision ID: 0008_package_document
Revises: 0007_merge
Create Date: 2026-11-22 02:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_package_document"
down_revision: str | Sequence[str] | None = "0007_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Starts empty: reads fall back to serialising, `dulieumo index rebuild` fills it.
    op.create_table(
        "package_document",
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("site_url", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dataset_id"),
    )


def downgrade() -> None:
    op.drop_table("package_document")
