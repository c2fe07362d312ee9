"""exactly once across machines: one dataset per source record, and the datasets written
while a search rebuild runs (issue 23)

Revision ID: 0013_cluster_exactly_once
Revises: 0012_rate_counter
Create Date: 2026-12-07 19:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_cluster_exactly_once"
down_revision: str | Sequence[str] | None = "0012_rate_counter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Records a source identified (a dataset made by hand for a source has no identifier).
HARVESTED = sa.text("harvest_source <> '' AND source_identifier <> ''")


def _detach_duplicates() -> None:
    """Harvests run at once on two machines made some records twice (issue 23). The oldest
    copy stays the source's; the others keep their content but are marked, so the index can
    be made, and the next harvest withdraws them as records no longer in the source."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, harvest_source, source_identifier FROM dataset "
        "WHERE harvest_source <> '' AND source_identifier <> '' ORDER BY harvest_source, source_identifier, "
        "metadata_created, id")).all()
    seen: set[tuple[str, str]] = set()
    for dataset_id, source, identifier in rows:
        if (source, identifier) in seen:
            marked = f"{identifier[:440]}#duplicate-{dataset_id}"
            bind.execute(sa.text("UPDATE dataset SET source_identifier = :s WHERE id = :i"),
                         {"s": marked, "i": dataset_id})
        seen.add((source, identifier))


def upgrade() -> None:
    _detach_duplicates()
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.create_index("ux_dataset_source_record",
                              ["harvest_source", "source_identifier"], unique=True,
                              postgresql_where=HARVESTED, sqlite_where=HARVESTED)
    op.create_table(
        "index_rebuild",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_index_rebuild")),
    )
    op.create_table(
        "index_rebuild_dirty",
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_index_rebuild_dirty")),
    )


def downgrade() -> None:
    op.drop_table("index_rebuild_dirty")
    op.drop_table("index_rebuild")
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.drop_index("ux_dataset_source_record")
