"""harvest jobs and objects

Revision ID: 0002_harvest
Revises: 0001_core
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_harvest"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "harvest_job",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("source_type", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started", sa.DateTime(), nullable=False),
        sa.Column("finished", sa.DateTime(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("attention", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_job")),
    )
    op.create_index("ix_harvest_job_source_started", "harvest_job", ["source", "started"])
    op.create_table(
        "harvest_object",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=500), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("log", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["harvest_job.id"],
                                name=op.f("fk_harvest_object_job_id_harvest_job"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_object")),
    )
    op.create_index(op.f("ix_harvest_object_job_id"), "harvest_object", ["job_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_harvest_object_job_id"), table_name="harvest_object")
    op.drop_table("harvest_object")
    op.drop_index("ix_harvest_job_source_started", table_name="harvest_job")
    op.drop_table("harvest_job")
