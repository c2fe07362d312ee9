"""feedback: problem reports and data requests

Revision ID: 0005_feedback
Revises: 0001_core
Create Date: 2026-11-21 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_feedback"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "problem_report",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("dataset_name", sa.String(length=100), nullable=False),
        sa.Column("resource_id", sa.String(length=36), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=True),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"],
                                name=op.f("fk_problem_report_organization_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problem_report")),
        sa.UniqueConstraint("token", name=op.f("uq_problem_report_token")),
    )
    op.create_index(op.f("ix_problem_report_dataset_id"), "problem_report", ["dataset_id"])
    op.create_index(op.f("ix_problem_report_organization_id"), "problem_report",
                    ["organization_id"])
    op.create_index(op.f("ix_problem_report_status"), "problem_report", ["status"])
    op.create_index(op.f("ix_problem_report_created_at"), "problem_report", ["created_at"])
    op.create_table(
        "data_request",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organization_id", sa.String(length=36), nullable=True),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("dataset_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"],
                                name=op.f("fk_data_request_organization_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_request")),
    )
    op.create_index(op.f("ix_data_request_organization_id"), "data_request", ["organization_id"])
    op.create_index(op.f("ix_data_request_status"), "data_request", ["status"])
    op.create_index(op.f("ix_data_request_created_at"), "data_request", ["created_at"])


def downgrade() -> None:
    op.drop_table("data_request")
    op.drop_table("problem_report")
