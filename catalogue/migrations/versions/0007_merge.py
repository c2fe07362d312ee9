"""Join the branches the first issues added side by side into one history.

Revision ID: 0007_merge
Revises: 0002_harvest, 0003_accounts, 0004_ops, 0005_feedback, 0006_trust
"""
from collections.abc import Sequence

revision: str = "0007_merge"
down_revision: str | Sequence[str] | None = (
    "0002_harvest", "0003_accounts", "0004_ops", "0005_feedback", "0006_trust")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
