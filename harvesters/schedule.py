"""When a source is due: ``manual``, ``hourly``, ``daily``, ``weekly`` or a 5-field cron line.

Times are naive UTC datetimes from the injected clock, so schedules are testable without
sleeping.
"""

from __future__ import annotations

from datetime import datetime, timedelta

PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
CRON_NAMES = ("minute", "hour", "day of month", "month", "day of week")
# A cron line matches at least once in this window unless it names an impossible date.
CRON_HORIZON = timedelta(days=366 * 4)


def _cron_field(text: str, low: int, high: int) -> set[int]:
    """The values of one cron field: ``*``, ``a``, ``a-b``, ``*/n``, ``a-b/n``, lists of those."""
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"step must be at least 1 in {part!r}")
        if body == "*":
            start, end = low, high
        elif "-" in body:
            start, end = (int(x) for x in body.split("-", 1))
        else:
            start = end = int(body)
            if step_text:
                end = high
        if not (low <= start <= end <= high):
            raise ValueError(f"{part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def parse_cron(line: str) -> list[set[int]]:
    fields = line.split()
    if len(fields) != 5:
        raise ValueError("a cron line has 5 fields: minute hour day-of-month month day-of-week")
    parsed = []
    for text, (low, high), name in zip(fields, CRON_RANGES, CRON_NAMES, strict=True):
        try:
            parsed.append(_cron_field(text, low, high))
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    if 7 in parsed[4]:
        parsed[4].add(0)  # both 0 and 7 mean Sunday
    return parsed


def check_schedule(text: str) -> str | None:
    """What is wrong with a schedule, or None."""
    if text in ("manual", *PERIODS):
        return None
    try:
        parse_cron(text)
    except ValueError as exc:
        return (f"expected manual, hourly, daily, weekly or a cron line "
                f"('m h dom mon dow'): {exc}")
    return None


def _cron_matches(fields: list[set[int]], moment: datetime) -> bool:
    minutes, hours, days, months, weekdays = fields
    cron_weekday = (moment.weekday() + 1) % 7  # cron: 0 = Sunday
    day_ok = moment.day in days and cron_weekday in weekdays
    if len(days) < 31 and len(weekdays) < 7:
        # Cron's rule: when both day fields are restricted, either may match.
        day_ok = moment.day in days or cron_weekday in weekdays
    return (moment.minute in minutes and moment.hour in hours and moment.month in months
            and day_ok)


def last_cron_time(line: str, now: datetime) -> datetime | None:
    """The latest minute at or before ``now`` matching the cron line (None if none in years)."""
    fields = parse_cron(line)
    moment = now.replace(second=0, microsecond=0)
    limit = now - CRON_HORIZON
    while moment > limit:
        if moment.month not in fields[3]:
            moment = moment.replace(day=1, hour=0, minute=0) - timedelta(minutes=1)
            continue
        if not _cron_matches(fields, moment.replace(hour=min(fields[1]), minute=min(fields[0]))) \
                and not _cron_matches(fields, moment):
            day_start = moment.replace(hour=0, minute=0)
            if not any(_cron_matches(fields, day_start.replace(hour=h, minute=min(fields[0])))
                       for h in fields[1]):
                moment = day_start - timedelta(minutes=1)
                continue
        if moment.hour not in fields[1]:
            moment = moment.replace(minute=0) - timedelta(minutes=1)
            continue
        if _cron_matches(fields, moment):
            return moment
        moment -= timedelta(minutes=1)
    return None


def is_due(schedule: str, last_started: datetime | None, now: datetime) -> bool:
    """Whether a source with this schedule, last run at ``last_started``, should run now."""
    if schedule == "manual":
        return False
    if last_started is None:
        return True
    if schedule in PERIODS:
        return now - last_started >= PERIODS[schedule]
    latest = last_cron_time(schedule, now)
    return latest is not None and latest > last_started
