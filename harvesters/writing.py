"""Write staged records through the service layer, many to a transaction (issue 16 item 10).

A record is staged first (``importer.stage_record``: download, validate, screen; reads only),
then written here: the publishing gate decides, and the dataset is created, updated, queued
for review or held, with its harvest object. The runner hands over up to ``WRITE_BATCH``
staged records at a time; they are written in one transaction, each inside its own
savepoint, so one record that fails rolls back alone (its harvest object says why) and every
dataset is still either fully old or fully new. One transaction instead of one per record
spares a commit, a lock of the audit chain, the lookups of agency, groups and tags and the
reload of the package documents per record; it holds the database's write lock only for the
writing, never while files download or validate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from catalogue.classification import may_change_automatically
from catalogue.context import UnitOfWork
from catalogue.database import lock_for_writing
from catalogue.datasets.model import Dataset
from catalogue.datasets.serialize import package_dict
from catalogue.datasets.service import create_dataset, update_dataset
from catalogue.errors import ValidationError
from catalogue.harvest.model import HarvestObject
from catalogue.organizations.service import get_organization
from catalogue.privacy.gate import is_hold
from catalogue.publishing.gate import (
    SOURCE_HOLD_PREFIX,
    Decision,
    Held,
    Pending,
    decide,
    screen_of,
    source_principal,
)
from catalogue.review.service import hold_harvested, pending_changes, submit_harvested
from catalogue.validation import build_datapackage, check_datapackage
from harvesters.base import RecordError, SourceRecord
from harvesters.importer import (
    ImportContext,
    Staged,
    Unchanged,
    _object,
    _unique_name,
    find_dataset,
)
from harvesters.rights import HELD_PREFIX

log = logging.getLogger(__name__)
WRITE_BATCH = 50  # staged records written per transaction
# A write is one record's: what the gate or the service layer refuses fails that record only.
WRITE_ERRORS = (RecordError, ValidationError, OSError, ValueError)


@dataclass(frozen=True)
class Written:
    """A record's outcome, and the dataset to reindex once the transaction commits."""

    outcome: str
    dataset_id: str | None = None
    # An unchanged record's dataset: not reindexed, except when a failed batch is written
    # again, since the batch may have committed it before failing (below, in flush).
    unchanged_id: str | None = None
    # A published record's data package descriptor, checked by the job's workers while the
    # batch goes on: the problems join its harvest object's log before the commit.
    descriptor: dict[str, Any] | None = None
    harvest_object: HarvestObject | None = None


Write = Callable[[UnitOfWork], Written]


def write_staged(ctx: ImportContext, uow: UnitOfWork, staged: Staged | Unchanged) -> Written:
    """Write one staged record in ``uow`` (the caller commits): ask the publishing gate, then
    create, update, queue or hold through the service layer, and add its harvest object."""
    record = staged.record
    if isinstance(staged, Unchanged):
        existing = uow.session.get(Dataset, staged.dataset_id)
        if existing is None:
            raise RecordError("its dataset was removed while the harvest ran")
        return _unchanged(ctx, uow, record, existing)
    data, log = staged.data, list(staged.log)
    existing = find_dataset(uow, ctx.source.name, record.identifier)
    if existing is not None and existing.content_hash == staged.digest \
            and existing.state != "deleted":
        # The source listed this record twice: the first copy was written in this batch.
        return _unchanged(ctx, uow, record, existing)
    message = f"harvest job {ctx.job_id}"
    if existing is not None and not may_change_automatically(existing.access_class,
                                                             data["access_class"]):
        # A class a person set stays: a re-harvest may close data, never open it.
        log.append(f"access class kept at {existing.access_class} "
                   f"(the source says {data['access_class']})")
        data = {k: v for k, v in data.items() if k != "access_class"}
    decision = _decide(ctx, uow, record, existing, data, staged)
    if isinstance(decision, Held):
        data = {**data, "name": existing.name if existing is not None else _unique_name(
            uow, record.name or record.title, ctx.source.name)}
        queued = hold_harvested(uow, data, source=ctx.source.name, held=decision)
        held = find_dataset(uow, ctx.source.name, record.identifier)
        # None: the published version already says this (an admin released it).
        outcome = "unchanged" if queued is None and existing is not None else "held"
        uow.session.add(_object(
            ctx, record.identifier, outcome,
            stage=("privacy" if decision.personal_data else "review")
            if outcome == "held" else "",
            dataset_id=held.id if held is not None else None,
            reason=decision.message()
            + (f"\nreview item {queued.id}" if queued is not None else ""), log=log))
        return Written(outcome, held.id if held is not None else None)
    if isinstance(decision, Pending):
        return _queue_for_review(ctx, uow, record, existing, data, message, log)
    if existing is None:
        data = {**data, "name": _unique_name(uow, record.name or record.title,
                                             ctx.source.name)}
        dataset = create_dataset(uow, data, message=message, trusted=True)
        outcome = "new"
    else:
        data = {**data, "name": existing.name}
        dataset = update_dataset(uow, existing.id, data, message=message, trusted=True)
        outcome = "updated"
    descriptor = build_datapackage(
        uow.package(dataset.id) or package_dict(dataset, ctx.catalogue.site_url))
    if ctx.check_descriptor is None:
        log += _descriptor_lines(check_datapackage(descriptor))
    written = _object(ctx, record.identifier, outcome, dataset_id=dataset.id,
                      stage="validate" if staged.checks else "", reason=staged.checks, log=log)
    uow.session.add(written)
    if ctx.check_descriptor is None:
        return Written(outcome, dataset.id)
    return Written(outcome, dataset.id, descriptor=descriptor, harvest_object=written)


def _descriptor_lines(problems: list[str]) -> list[str]:
    return [f"data package descriptor: {p}" for p in problems]


def _decide(ctx: ImportContext, uow: UnitOfWork, record: SourceRecord, existing: Dataset | None,
            data: dict[str, object], staged: Staged) -> Decision:
    """Ask the publishing gate, as every door does (issue 15): the source acts as its agency's
    admin with ``publish = "auto"``, as an editor with ``"review"``; personal data in the files
    or metadata, and the record's own hold reasons, hold it."""
    org_id = get_organization(uow.session, str(data["owner_org"])).id
    before = package_dict(existing, ctx.catalogue.site_url) if existing is not None else None
    return decide(source_principal(ctx.source.name, org_id,
                                   publishes=ctx.source.publish == "auto"),
                  org_id=org_id, before=before, after=data,
                  screen=screen_of(staged.findings, staged.where),
                  # Unknown licences, access rights that are not public: set by the mapping.
                  hold_reasons=getattr(record, "hold_reasons", ()))


def _queue_for_review(ctx: ImportContext, uow: UnitOfWork, record: SourceRecord,
                      existing: Dataset | None, data: dict[str, object], message: str,
                      log: list[str]) -> Written:
    """``publish = "review"``: the change waits in the agency's review queue (issue 7);
    the public keeps seeing the published version until an admin approves."""
    data = {**data, "name": existing.name if existing is not None else _unique_name(
        uow, record.name or record.title, ctx.source.name)}
    item = submit_harvested(uow, data, source=ctx.source.name, message=message)
    queued = find_dataset(uow, ctx.source.name, record.identifier)
    if item is None:
        outcome = "unchanged"
    else:
        outcome = "new" if existing is None else "updated"
        log.append(f"waiting for review: review item {item.id}")
    uow.session.add(_object(ctx, record.identifier, outcome,
                            dataset_id=queued.id if queued is not None else None, log=log))
    return Written(outcome, queued.id if queued is not None else None)


# ---- issue 16 (map16): held records -------------------------------------------------------
def _open_hold(uow: UnitOfWork, dataset: Dataset) -> str:
    """The message of a review item holding this dataset (personal data, licence, access),
    or "" when nothing holds it."""
    for item in pending_changes(uow.session, dataset.id):
        if is_hold(item.message) or (item.message or "").startswith(
                (HELD_PREFIX, SOURCE_HOLD_PREFIX)):
            return item.message or ""
    return ""


def _unchanged(ctx: ImportContext, uow: UnitOfWork, record: SourceRecord,
               existing: Dataset) -> Written:
    """An unchanged record: "held" while a hold still waits for review (a held record is
    never reported "unchanged"), else "unchanged"."""
    # A published dataset whose record carries no hold reason has nothing held for this
    # content (a held change would have a different hash): skip the query (bench/harvest.py).
    waiting = _open_hold(uow, existing) if existing.state != "active" or record.hold_reasons \
        else ""
    outcome = "held" if waiting else "unchanged"
    uow.session.add(_object(ctx, record.identifier, outcome, dataset_id=existing.id,
                            stage="review" if waiting else "", reason=waiting))
    return Written(outcome, unchanged_id=existing.id)


# ---- the batch ----------------------------------------------------------------------------
@dataclass
class WriteBatch:
    """Writes waiting for their transaction: ``add`` them, ``flush`` writes them all."""

    ctx: ImportContext
    counts: dict[str, int]
    size: int = WRITE_BATCH
    waiting: list[tuple[str, Write]] = field(default_factory=list)

    def add(self, identifier: str, write: Write) -> None:
        """Queue one record's write; the batch is written once it is full."""
        self.waiting.append((identifier, write))
        if len(self.waiting) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Write what waits, each record in its own savepoint, and commit once."""
        if not self.waiting:
            return
        waiting, self.waiting = self.waiting, []
        try:
            outcomes = self._write(waiting)
        except SQLAlchemyError:
            # The batch's transaction itself failed (a lock waited out, a lost connection):
            # each record again in its own, as before batching, so one cannot sink the rest.
            log.warning("harvest %s: a batch of %d records failed to commit; writing them "
                        "one at a time", self.ctx.source.name, len(waiting), exc_info=True)
            outcomes = []
            for one in waiting:
                try:
                    again = self._write([one])
                except SQLAlchemyError as exc:
                    again = self._write([(one[0], failed(
                        self.ctx, one[0], "import", _reason(exc)))])
                # Records found "unchanged" now are reindexed too. Batches take SQLite's write
                # lock first (lock_for_writing), so a failed one commits nothing; before that,
                # pysqlite released an outermost savepoint as a commit and the demo left four
                # datasets out of search. Kept as a cheap guard: reindexing costs little.
                outcomes += [replace(w, dataset_id=w.dataset_id or w.unchanged_id)
                             for w in again]
        for written in outcomes:
            if written.outcome:
                self.counts[written.outcome] += 1
            if written.dataset_id is not None:
                self.ctx.touched.append(written.dataset_id)

    def _write(self, waiting: list[tuple[str, Write]]) -> list[Written]:
        ctx = self.ctx
        outcomes: list[Written] = []
        with ctx.catalogue.unit(ctx.actor) as uow:
            # A savepoint opens SQLite's transaction deferred: take the write lock first, or a
            # datastore load marking a table active between our reads and writes would make
            # the batch fail with "database is locked".
            lock_for_writing(uow.session)
            checking: list[tuple[Written, Future[list[str]] | None]] = []
            for identifier, write in waiting:
                savepoint = uow.session.begin_nested()
                try:
                    written = write(uow)
                    uow.session.flush()
                    savepoint.commit()
                except Exception as exc:  # noqa: BLE001 - one record must not end the job
                    savepoint.rollback()
                    if not isinstance(exc, WRITE_ERRORS):
                        log.exception("harvest %s: record %s", ctx.source.name, identifier)
                    written = failed(ctx, identifier, "import", _reason(exc))(uow)
                if written.descriptor is not None and ctx.check_descriptor is not None:
                    checking.append((written, ctx.check_descriptor(written.descriptor)))
                outcomes.append(written)
            for written, future in checking:
                _add_descriptor_problems(written, future)
            uow.commit()
        return outcomes



def _add_descriptor_problems(written: Written, future: Future[list[str]] | None) -> None:
    """The descriptor check's problems, at the end of the record's log as when checked in
    place; checked here when the workers could not (their pool stopped)."""
    assert written.descriptor is not None and written.harvest_object is not None
    try:
        problems = future.result() if future is not None else None
    except Exception:  # noqa: BLE001 - a worker lost: the check is pure, run it here
        log.warning("a data package descriptor check failed in a worker; checked here",
                    exc_info=True)
        problems = None
    if problems is None:
        problems = check_datapackage(written.descriptor)
    if problems:
        harvest_object = written.harvest_object
        harvest_object.log = [*(harvest_object.log or []), *_descriptor_lines(problems)]


def failed(ctx: ImportContext, identifier: str, stage: str, reason: str) -> Write:
    """The write of a record that failed: its harvest object, with the stage and reason."""
    def write(uow: UnitOfWork) -> Written:
        uow.session.add(_object(ctx, identifier, "failed", stage=stage, reason=reason))
        return Written("failed")
    return write


def failure_reason(exc: Exception) -> str:
    """What a failed record's report says: the fields a validation refused, or the error."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.errors.items())
    return str(exc) or type(exc).__name__


def _reason(exc: Exception) -> str:
    return failure_reason(exc) if isinstance(exc, WRITE_ERRORS) else \
        f"unexpected {type(exc).__name__}: {exc}"
