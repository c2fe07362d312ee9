"""upgrade tasks: a search index built before exact place boxes is rebuilt by ``init`` (issue 22)

Search documents now carry each place's bounding box (``spatial_box``); an index built before
would answer every ``ext_bbox`` search with nothing, so the upgrade notes a rebuild that
``dulieumo init`` runs (a migration cannot: the index lives outside the database on SQLite).

Revision ID: 0014_search_box_rebuild
Revises: 0013_explorer_catalogue_dump
Create Date: 2026-12-07 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_search_box_rebuild"
down_revision: str | Sequence[str] | None = "0013_explorer_catalogue_dump"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "upgrade_task",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_upgrade_task")),
    )
    op.bulk_insert(table, [{"name": "search-rebuild",
                            "reason": "search documents gained each place's bounding box"}])


def downgrade() -> None:
    op.drop_table("upgrade_task")
