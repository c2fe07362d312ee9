"""Quality score per dataset and the link checker that feeds it (issue 9)."""

from catalogue.quality.score import (
    Criterion,
    QualityReport,
    due_date,
    is_overdue,
    last_updated,
    score_dataset,
)

__all__ = ["Criterion", "QualityReport", "due_date", "is_overdue", "last_updated",
           "score_dataset"]
