"""Counting a period's activity per agency (organisation) and sector (group).

Dataset activity comes from the history (each revision's snapshot names the agency and
sectors the dataset had at that moment); usage from ``usage_daily``. Harvest runs, problem
reports and data requests are counted from their tables when those exist (other issues add
them); otherwise they are reported as 0 with a note saying so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.orm import Session

from catalogue.datasets.model import Dataset, Resource, dataset_group
from catalogue.groups.model import Group
from catalogue.history.model import Revision
from catalogue.organizations.model import Organization
from catalogue.reports.period import Period
from catalogue.reports.quality import empty_quality, report_date, tally_quality
from catalogue.usage.model import UsageDaily

# Column order of every export, with the Vietnamese header (and an English one for the CLI).
MEASURES: tuple[tuple[str, str, str], ...] = (
    ("published", "Bộ dữ liệu công bố mới", "datasets published"),
    ("updated", "Bộ dữ liệu được cập nhật", "datasets updated"),
    ("withdrawn", "Bộ dữ liệu bị gỡ bỏ", "datasets withdrawn"),
    ("resources_added", "Tài nguyên thêm mới", "resources added"),
    ("downloads", "Lượt tải xuống", "downloads"),
    ("api_calls", "Lượt gọi API", "API calls"),
    ("harvest_runs", "Lượt thu thập", "harvest runs"),
    ("harvest_failures", "Lượt thu thập lỗi", "harvest failures"),
    ("validation_errors", "Lỗi kiểm tra dữ liệu", "validation errors"),
    ("problem_reports_opened", "Phản ánh sai sót mới", "problem reports opened"),
    ("problem_reports_answered", "Phản ánh sai sót đã trả lời", "problem reports answered"),
    ("data_requests_opened", "Yêu cầu dữ liệu mới", "data requests opened"),
    ("data_requests_answered", "Yêu cầu dữ liệu đã trả lời", "data requests answered"),
)
MEASURE_KEYS = tuple(m[0] for m in MEASURES)
UNATTRIBUTED = ""  # key of the row for activity no agency or sector owns

# Tables other issues add, and the columns this report understands in them.
OPTIONAL_SOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    # measure prefix: (candidate table names, what they are)
    "harvest": (("harvest_job", "harvest_run"), "harvest jobs"),
    "problem_reports": (("problem_report", "data_problem_report"), "problem reports"),
    "data_requests": (("data_request",), "data requests"),
}
TIME_COLUMNS = ("started_at", "started", "created_at", "created", "opened_at")
ANSWER_COLUMNS = ("answered_at", "resolved_at", "closed_at")
FAILED_STATES = ("failed", "error", "errored", "aborted")
ANSWERED_STATES = ("answered", "closed", "resolved", "rejected", "done")


@dataclass
class ReportRow:
    key: str  # organisation or group name; "" for unattributed
    title: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURE_KEYS, 0))
    # Average score, datasets below 50, overdue ones (catalogue.reports.quality; issue 9).
    quality: dict[str, Any] = field(default_factory=empty_quality)


@dataclass
class Report:
    period: Period
    agencies: list[ReportRow]
    sectors: list[ReportRow]
    totals: dict[str, int]
    notes: list[str] = field(default_factory=list)
    quality_totals: dict[str, Any] = field(default_factory=empty_quality)


@dataclass
class _Owners:
    """Who owns each dataset now: agency name and sector names, by id and by name."""

    org_of: dict[str, str] = field(default_factory=dict)
    groups_of: dict[str, list[str]] = field(default_factory=dict)
    id_of_name: dict[str, str] = field(default_factory=dict)
    dataset_of_resource: dict[str, str] = field(default_factory=dict)

    def dataset_for(self, subject: str) -> str | None:
        if subject in self.org_of:
            return subject
        return self.id_of_name.get(subject) or self.dataset_of_resource.get(subject)


class _Tally:
    """Counts per agency, per sector and in total, for one report."""

    def __init__(self) -> None:
        self.agency: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURE_KEYS, 0))
        self.sector: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURE_KEYS, 0))
        self.total: dict[str, int] = dict.fromkeys(MEASURE_KEYS, 0)

    def add(self, measure: str, agency: str | None, sectors: Iterable[str], n: int = 1) -> None:
        self.agency[agency or UNATTRIBUTED][measure] += n
        for sector in sectors:
            self.sector[sector][measure] += n
        self.total[measure] += n


def _owners(session: Session) -> _Owners:
    owners = _Owners()
    orgs = dict(session.execute(select(Organization.id, Organization.name)).all())
    for ds_id, name, org_id in session.execute(
            select(Dataset.id, Dataset.name, Dataset.owner_org_id)):
        owners.org_of[ds_id] = orgs.get(org_id or "", "")
        owners.id_of_name[name] = ds_id
        owners.groups_of[ds_id] = []
    for ds_id, group_name in session.execute(
            select(dataset_group.c.dataset_id, Group.name)
            .join(Group, Group.id == dataset_group.c.group_id)):
        owners.groups_of.setdefault(ds_id, []).append(group_name)
    owners.dataset_of_resource = dict(
        session.execute(select(Resource.id, Resource.dataset_id)).all())
    return owners


def _snapshot_owner(snapshot: dict[str, Any]) -> tuple[str, list[str]]:
    org = snapshot.get("organization") or {}
    return str(org.get("name") or ""), [str(g.get("name")) for g in snapshot.get("groups") or []]


def _count_history(session: Session, period: Period, tally: _Tally) -> None:
    """Published versions only (issue 15): a draft created, edited or deleted before anyone
    approved it was never published, updated or withdrawn."""
    updated: dict[str, tuple[str, list[str]]] = {}
    published: set[str] = set()
    revisions = list(session.execute(
        select(Revision.dataset_id, Revision.action, Revision.snapshot,
               Revision.published_number)
        .where(Revision.created_at >= period.start, Revision.created_at < period.end)
        .order_by(Revision.created_at, Revision.number)))
    deleted = {row[0] for row in revisions if row[1] == "dataset.delete"}
    ever_public: set[str] = set()
    if deleted:
        ever_public = set(session.scalars(select(Revision.dataset_id).where(
            Revision.dataset_id.in_(deleted), Revision.published_number.is_not(None))))
    for dataset_id, action, snapshot, public_number in revisions:
        agency, sectors = _snapshot_owner(snapshot or {})
        if action == "dataset.delete":
            if dataset_id in ever_public:
                tally.add("withdrawn", agency, sectors)
        elif public_number is None:
            continue  # a draft, a private period: nothing the public saw changed
        elif public_number == 1:
            published.add(dataset_id)
            tally.add("published", agency, sectors)
        else:
            if action == "resource.create":
                tally.add("resources_added", agency, sectors)
            updated[dataset_id] = (agency, sectors)  # counted once per dataset
    for dataset_id, (agency, sectors) in updated.items():
        if dataset_id not in published:  # filling in a new dataset is not updating it
            tally.add("updated", agency, sectors)


def _count_usage(session: Session, period: Period, owners: _Owners, tally: _Tally) -> None:
    rows = session.execute(
        select(UsageDaily.kind, UsageDaily.subject, UsageDaily.count)
        .where(UsageDaily.day >= period.start.date(), UsageDaily.day < period.end.date())
    )
    for kind, subject, count in rows:
        measure = "downloads" if kind == "download" else "api_calls"
        dataset = owners.dataset_for(subject) if subject else None
        if dataset is None:
            tally.add(measure, None, (), count)
        else:
            tally.add(measure, owners.org_of.get(dataset), owners.groups_of.get(dataset, ()),
                      count)


def _count_validation(session: Session, period: Period, owners: _Owners, tally: _Tally) -> None:
    """Resources added or changed in the period whose current validation failed."""
    rows = session.execute(
        select(Resource.dataset_id, Resource.created, Resource.last_modified)
        .where(Resource.validation_status.in_(("invalid", "error"))))
    for dataset_id, created, modified in rows:
        when = modified or created
        if period.start <= when < period.end:
            tally.add("validation_errors", owners.org_of.get(dataset_id),
                      owners.groups_of.get(dataset_id, ()))


def _first(columns: set[str], candidates: Iterable[str]) -> str | None:
    return next((c for c in candidates if c in columns), None)


def _count_optional(conn: Connection, period: Period, owners: _Owners, tally: _Tally,
                    notes: list[str]) -> None:
    """Harvest jobs, problem reports and data requests, from whichever tables exist."""
    tables = set(inspect(conn).get_table_names())
    for prefix, (candidates, what) in OPTIONAL_SOURCES.items():
        table = next((t for t in candidates if t in tables), None)
        columns = {c["name"] for c in inspect(conn).get_columns(table)} if table else set()
        when = _first(columns, TIME_COLUMNS)
        if table is None or when is None:
            notes.append(f"No {what} are recorded yet (table missing): counted as 0.")
            continue
        status = "status" if "status" in columns else None
        answered = _first(columns, ANSWER_COLUMNS)
        owner = _first(columns, ("dataset_id", "organization_id", "owner_org_id"))
        response = "response" if "response" in columns else None
        job_owner = _harvest_job_owners(conn, tables, owners) if prefix == "harvest" else {}
        key = "id" if "id" in columns else None
        chosen = [c for c in (key, when, status, answered, owner, response) if c]
        query = text(f'SELECT {", ".join(chosen)} FROM "{table}" '
                     f"WHERE {when} >= :start AND {when} < :end")
        for row in conn.execute(query, {"start": period.start, "end": period.end}).mappings():
            agency: str | None = None
            sectors: list[str] = []
            if owner == "dataset_id" and row[owner] in owners.org_of:
                agency, sectors = owners.org_of[row[owner]], owners.groups_of[row[owner]]
            elif owner and row[owner]:
                agency = _org_name(conn, str(row[owner]))
            elif key and row[key] in job_owner:
                agency = job_owner[row[key]]
            if prefix == "harvest":
                tally.add("harvest_runs", agency, sectors)
                if status and str(row[status]).lower() in FAILED_STATES:
                    tally.add("harvest_failures", agency, sectors)
            else:
                tally.add(f"{prefix}_opened", agency, sectors)
                if (answered and row[answered]) or (response and row[response]) or (
                        status and str(row[status]).lower() in ANSWERED_STATES):
                    tally.add(f"{prefix}_answered", agency, sectors)
        if owner is None and not job_owner:
            notes.append(f"{what.capitalize()} carry no agency: counted in the totals only.")


def _harvest_job_owners(conn: Connection, tables: set[str], owners: _Owners) -> dict[str, str]:
    """A harvest job's agency: the agency owning the datasets its records touched."""
    if "harvest_object" not in tables:
        return {}
    found: dict[str, str] = {}
    rows = conn.execute(text("SELECT DISTINCT job_id, dataset_id FROM harvest_object "
                             "WHERE dataset_id IS NOT NULL"))
    for job_id, dataset_id in rows:
        agency = owners.org_of.get(dataset_id)
        if agency:
            found.setdefault(job_id, agency)
    return found


def _org_name(conn: Connection, org_id: str) -> str:
    row = conn.execute(text('SELECT name FROM "organization" WHERE id = :id'),
                       {"id": org_id}).first()
    return str(row[0]) if row else org_id


def build_report(session: Session, period: Period, *, now: datetime | None = None,
                 site_url: str = "") -> Report:
    """The period's activity per agency and sector, with totals and notes on gaps, and the
    quality of what is published at the period's end (or ``now``, if earlier)."""
    owners = _owners(session)
    tally = _Tally()
    notes: list[str] = [
        "Downloads and API calls are counted per day; the current day may still be in "
        "workers' memory (written at least every `usage_flush_seconds`).",
        "A sector row counts a dataset in each sector it belongs to; totals count it once.",
    ]
    _count_history(session, period, tally)
    _count_usage(session, period, owners, tally)
    _count_validation(session, period, owners, tally)
    _count_optional(session.connection(), period, owners, tally, notes)
    quality = tally_quality(session, report_date(period.end, now), site_url)
    notes.append(f"Quality (average score, datasets below 50, overdue) is judged on the "
                 f"datasets published at {quality.as_of:%Y-%m-%d %H:%M}, from their current "
                 "metadata.")
    org_titles = dict(session.execute(select(Organization.name, Organization.title)).all())
    group_titles = dict(session.execute(select(Group.name, Group.title)).all())
    agencies = [ReportRow(name, org_titles.get(name, name), dict(tally.agency.get(name, {})) or
                          dict.fromkeys(MEASURE_KEYS, 0)) for name in sorted(org_titles)]
    if UNATTRIBUTED in tally.agency or UNATTRIBUTED in quality.agency:
        agencies.append(ReportRow(UNATTRIBUTED, "Không thuộc cơ quan nào",
                                  dict(tally.agency.get(UNATTRIBUTED, {})) or
                                  dict.fromkeys(MEASURE_KEYS, 0)))
    sectors = [ReportRow(name, group_titles.get(name, name), dict(tally.sector.get(name, {})) or
                         dict.fromkeys(MEASURE_KEYS, 0)) for name in sorted(group_titles)]
    for rows, found in ((agencies, quality.agency), (sectors, quality.sector)):
        for row in rows:
            row.quality = found.get(row.key) or empty_quality()
    return Report(period, agencies, sectors, dict(tally.total), notes, quality.total)
