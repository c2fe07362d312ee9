"""Appending to the audit log, checking its chain, and exporting it.

Entries are written in the caller's transaction, so an event and the change it describes
commit (or roll back) together.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from catalogue.audit.model import AuditEntry
from catalogue.clock import Clock

if TYPE_CHECKING:
    from catalogue.context import UnitOfWork

GENESIS = "0" * 64
_APPENDED = "audit.appended"  # session.info key: (transaction, the entry it last appended)
CSV_COLUMNS = ("seq", "at", "actor", "action", "target", "ip", "details", "prev_hash", "hash")


def _canonical(details: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(details or {}), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str, target: str,
               ip: str, details: str) -> str:
    """The chained hash of one entry (the fields in a fixed order, as canonical JSON)."""
    body = json.dumps([prev_hash, seq, at.isoformat(timespec="microseconds"), actor, action,
                       target, ip, details], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _tail(session: Session) -> AuditEntry | None:
    """The last entry, read once this transaction is the only appender (so the new entry
    follows it: concurrent writers queue instead of failing on the unique ``seq``).

    Once this transaction has appended, it holds the lock until it ends, so its own last
    entry is the tail: a batch of writes (a harvest's) locks and reads once, not per entry.
    """
    held = session.info.get(_APPENDED)
    if held is not None:
        transaction, entry = held
        if transaction is session.get_transaction() and inspect(entry).persistent:
            return entry  # type: ignore[no-any-return]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(727071)"))
    elif dialect == "sqlite":
        # A write that matches no row takes SQLite's write lock (waiting out the busy
        # timeout) before the tail is read; the append-only triggers fire per row, so none.
        session.execute(text("DELETE FROM audit_entry WHERE 0"))
    return session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()


def record(session: Session, clock: Clock, actor: str, action: str, target: str,
           ip: str | None = None, details: Mapping[str, Any] | None = None) -> AuditEntry:
    """Append an event; it commits with the caller's transaction.

    ``action`` is dotted (``login.failed``, ``dataset.update``, ``user.lock``); ``target``
    names the object (``user:lan``, ``dataset:chat-luong-nuoc``).
    """
    tail = _tail(session)
    seq = (tail.seq if tail else 0) + 1
    prev = tail.hash if tail else GENESIS
    at = clock.now()
    canonical = _canonical(details)
    entry = AuditEntry(seq=seq, at=at, actor=actor, action=action, target=target, ip=ip or "",
                       details=canonical, prev_hash=prev,
                       hash=entry_hash(prev, seq, at, actor, action, target, ip or "", canonical))
    session.add(entry)
    session.flush()
    session.info[_APPENDED] = (session.get_transaction(), entry)
    return entry


def record_unit(uow: UnitOfWork, action: str, target: str,
                details: Mapping[str, Any] | None = None) -> AuditEntry:
    """``record`` for a unit of work: its session, clock, actor and (when set) its ``ip``."""
    return record(uow.session, uow.clock, uow.actor, action, target,
                  ip=uow.ip, details=details)


@dataclass(frozen=True)
class Verification:
    """The result of checking the chain: ``ok``, how many entries, the head, the first break."""

    ok: bool
    entries: int
    head: str
    broken_at: int | None = None
    problem: str = ""


def verify(session: Session, batch: int = 1000) -> Verification:
    """Recompute every hash in order; report the first entry that does not fit the chain."""
    prev, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.seq > last_seq)
                                    .order_by(AuditEntry.seq).limit(batch)))
        if not rows:
            return Verification(True, count, prev)
        for entry in rows:
            if entry.seq != expected_seq:
                return Verification(False, count, prev, entry.seq,
                                    f"entry {expected_seq} is missing")
            if entry.prev_hash != prev:
                return Verification(False, count, prev, entry.seq,
                                    "does not follow the previous entry")
            recomputed = entry_hash(prev, entry.seq, entry.at, entry.actor, entry.action,
                                    entry.target, entry.ip, entry.details)
            if recomputed != entry.hash:
                return Verification(False, count, prev, entry.seq,
                                    "its content was changed after it was written")
            prev, expected_seq, count = entry.hash, entry.seq + 1, count + 1
            last_seq = entry.seq
        session.expunge_all()


def entries(session: Session, *, since: datetime | None = None, until: datetime | None = None,
            target: str | None = None, action_prefix: str | None = None,
            batch: int = 1000) -> Iterator[AuditEntry]:
    """Entries in order, filtered; read in batches so a long log streams."""
    last_seq = 0
    while True:
        query = select(AuditEntry).where(AuditEntry.seq > last_seq)
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if until is not None:
            query = query.where(AuditEntry.at < until)
        if target is not None:
            query = query.where(AuditEntry.target == target)
        if action_prefix:
            query = query.where(AuditEntry.action.startswith(action_prefix))
        rows = list(session.scalars(query.order_by(AuditEntry.seq).limit(batch)))
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq


def recent(session: Session, *, limit: int = 100, target: str | None = None,
           actor: str | None = None, targets: Collection[str] | None = None) -> list[AuditEntry]:
    """The newest entries first (for admin pages)."""
    query = select(AuditEntry)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    if targets is not None:
        query = query.where(AuditEntry.target.in_(list(targets)))
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    return list(session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit)))


def count_since(session: Session, action: str, since: datetime, *, ip: str | None = None,
                target: str | None = None) -> int:
    """How many ``action`` events since ``since`` (from one IP or on one target)."""
    query = select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.at >= since)
    if ip is not None:
        query = query.where(AuditEntry.ip == ip)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    return session.scalar(query) or 0


def export_csv(session: Session, out: TextIO, **filters: Any) -> int:
    """Write the log (filtered as ``entries``) as CSV with the hashes; returns the row count."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for entry in entries(session, **filters):
        writer.writerow([entry.seq, entry.at.isoformat(timespec="microseconds"), entry.actor,
                         entry.action, entry.target, entry.ip, entry.details, entry.prev_hash,
                         entry.hash])
        count += 1
    return count


def export_csv_text(session: Session, **filters: Any) -> str:
    buffer = io.StringIO()
    export_csv(session, buffer, **filters)
    return buffer.getvalue()
