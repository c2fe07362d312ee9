"""revision.published_number: which versions the public saw, counted 1, 2, ... (issue 15)

Existing rows are filled conservatively: a version counts as published only when its own
snapshot was public (state active, access class open or unset, not private). Drafts, deleted,
private and shared versions stay unpublished, so none of them becomes reachable publicly.

Revision ID: 0009_revision_published
Revises: 0008_package_document
Create Date: 2026-12-07 16:40:00
"""
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009_revision_published"
down_revision: str | Sequence[str] | None = "0008_package_document"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def _fields(dialect: str) -> list[Any]:
    """The three snapshot fields that decide publicness, read in SQL (no whole snapshots)."""
    keys = ("state", "private", "access_class")
    if dialect == "sqlite":
        return [sa.func.json_extract(sa.column("snapshot"), f"$.{k}") for k in keys]
    if dialect == "postgresql":
        return [sa.literal_column(f"(snapshot::json ->> '{k}')") for k in keys]
    return [sa.column("snapshot")]


def _public(values: Sequence[Any]) -> bool:
    if len(values) == 1:  # another database: the whole snapshot
        snapshot = values[0] or {}
        values = (snapshot.get("state"), snapshot.get("private"), snapshot.get("access_class"))
    state, private, access_class = values
    return ((state or "active") == "active" and (access_class or "open") == "open"
            and str(private).lower() not in ("1", "true"))


def _rows(conn: sa.Connection) -> Iterator[tuple[str, str, bool]]:
    query = (sa.select(sa.column("id"), sa.column("dataset_id"), *_fields(conn.dialect.name))
             .select_from(sa.table("revision"))
             .order_by(sa.column("dataset_id"), sa.column("number")))
    for row in conn.execute(query):
        yield row[0], row[1], _public(row[2:])


def upgrade() -> None:
    op.add_column("revision", sa.Column("published_number", sa.Integer(), nullable=True))
    conn = op.get_bind()
    table = sa.table("revision", sa.column("id"), sa.column("published_number"))
    update = table.update().where(table.c.id == sa.bindparam("rid")).values(
        published_number=sa.bindparam("n"))
    counters: dict[str, int] = {}
    batch: list[dict[str, Any]] = []
    for rid, dataset_id, public in list(_rows(conn)):
        if not public:
            continue
        counters[dataset_id] = counters.get(dataset_id, 0) + 1
        batch.append({"rid": rid, "n": counters[dataset_id]})
        if len(batch) >= BATCH:
            conn.execute(update, batch)
            batch = []
    if batch:
        conn.execute(update, batch)
    op.create_index("ix_revision_published", "revision", ["dataset_id", "published_number"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ix_revision_published", table_name="revision")
    with op.batch_alter_table("revision") as batch_op:
        batch_op.drop_column("published_number")
