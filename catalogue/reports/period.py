"""Report periods: a month ``2026-10``, a quarter ``2026-Q3`` or a year ``2026``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from catalogue.errors import ValidationError

PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in naive UTC, and the label it was written as."""

    label: str
    start: datetime
    end: datetime

    @property
    def title_vi(self) -> str:
        year = self.start.year
        if "-Q" in self.label:
            return f"Quý {self.label.rsplit('Q', 1)[1]} năm {year}"
        if "-" in self.label:
            return f"Tháng {self.start.month} năm {year}"
        return f"Năm {year}"


def parse_period(text: str) -> Period:
    """Parse ``2026-10``, ``2026-Q3`` or ``2026``; anything else is a ValidationError."""
    match = PATTERN.match(text.strip())
    if match is None:
        raise ValidationError({"period": [
            f"{text!r}: expected a month (2026-10), a quarter (2026-Q3) or a year (2026)"]})
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValidationError({"period": [f"{text!r}: month must be 01-12"]})
        start = datetime(year, month, 1)
        end = datetime(year + month // 12, month % 12 + 1, 1)
    elif match["quarter"]:
        first = (int(match["quarter"]) - 1) * 3 + 1
        start = datetime(year, first, 1)
        end = datetime(year + 1, 1, 1) if first == 10 else datetime(year, first + 3, 1)
    else:
        start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    return Period(text.strip(), start, end)
