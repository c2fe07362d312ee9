"""The catalogue's collaborators and the unit of work every service call runs in.

Service functions change rows through ``uow.session`` and name the datasets they touched;
``commit()`` commits, then brings the search index up to date, so the index follows the
catalogue through one explicit path (no ORM signals).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from catalogue.clock import Clock
from catalogue.coordination.notifications import WRITE, announce
from catalogue.files.store import FileStore

log = logging.getLogger(__name__)


class DocumentIndex(Protocol):
    """The part of a search backend the service layer needs."""

    def index_documents(self, docs: Any) -> None: ...

    def delete_documents(self, ids: Any) -> None: ...

    def clear(self) -> None: ...

    def rebuild(self, docs: Any) -> None: ...


class ChangedDatasets(Protocol):
    """What the datastore needs to hear after a commit (issue 21)."""

    def datasets_changed(self, dataset_ids: Any) -> None: ...


@dataclass
class Catalogue:
    """Everything a service call needs, made once per app (or per CLI run, test, benchmark)."""

    sessions: sessionmaker[Session]
    clock: Clock
    files: FileStore
    site_url: str
    search: DocumentIndex | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    datastore: ChangedDatasets | None = None  # queues table loads (catalogue.datastore)

    @property
    def engine(self) -> Engine:
        """The database engine the sessions are bound to."""
        engine: Engine = self.sessions.kw["bind"]
        return engine

    def unit(self, actor: str = "system", *, ip: str | None = None) -> UnitOfWork:
        """A new transaction acting as ``actor`` (from ``ip``, for the audit log)."""
        return UnitOfWork(self, actor, ip)


class UnitOfWork:
    """One transaction: ``with catalogue.unit(actor) as uow: ...; uow.commit()``."""

    def __init__(self, catalogue: Catalogue, actor: str, ip: str | None = None) -> None:
        self.catalogue = catalogue
        self.actor = actor
        self.ip = ip
        self.session: Session = catalogue.sessions()
        self.clock = catalogue.clock
        self._touched: set[str] = set()
        # Package dicts the service layer serialised after its last change to a dataset, kept
        # so the commit stores them without serialising each dataset again (issue 16 item 10).
        self._packages: dict[str, dict[str, Any]] = {}
        # A rolled-back savepoint (a failed record of a harvest batch, a review's simulated
        # change) may have undone what one of them says: forget them all.
        event.listen(self.session, "after_soft_rollback",
                     lambda _session, _transaction: self._packages.clear())

    def touch(self, dataset_id: str, package: dict[str, Any] | None = None) -> None:
        """Mark a dataset for reindexing once the transaction commits. ``package``: its
        package dict as it now stands (without one, the commit serialises it afresh)."""
        self._touched.add(dataset_id)
        if package is None:
            self._packages.pop(dataset_id, None)
        else:
            self._packages[dataset_id] = package

    def package(self, dataset_id: str) -> dict[str, Any] | None:
        """The package dict ``touch`` was given for this dataset, if it still stands."""
        return self._packages.get(dataset_id)

    def commit(self) -> None:
        """Commit, with the touched datasets' package documents in the same transaction,
        then reindex them."""
        if self._touched:
            from catalogue.datasets.package_cache import store_packages

            self.session.flush()
            store_packages(self.session, self._touched, self.catalogue.site_url,
                           self.clock.now(), known=self._packages)
        # Other processes drop what they cached of the catalogue once this commits.
        announce(self.session.connection(), WRITE)
        self.session.commit()
        touched, self._touched = self._touched, set()
        self._packages.clear()
        if touched and self.catalogue.search is not None:
            from catalogue.indexing import reindex_datasets

            reindex_datasets(self.catalogue, touched)
        if touched and self.catalogue.datastore is not None:
            self.catalogue.datastore.datasets_changed(touched)

    def rollback(self) -> None:
        self.session.rollback()
        self._touched.clear()
        self._packages.clear()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.rollback()
        self.session.close()
