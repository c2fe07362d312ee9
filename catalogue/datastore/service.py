"""The datastore as the catalogue sees it: one object per process, handed changes.

``Catalogue.datastore`` holds a :class:`DatastoreService`; :meth:`UnitOfWork.commit` calls
:meth:`DatastoreService.datasets_changed` with the datasets a transaction changed, as it
reindexes them. The service queues loads (:mod:`catalogue.datastore.jobs`) and, when the
portal gave it one, wakes a worker that runs them in the background.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from catalogue.datastore import jobs
from catalogue.datastore.store import Datastore

log = logging.getLogger(__name__)


class DatastoreService:
    """The store plus the catalogue it loads from."""

    def __init__(self, store: Datastore, catalogue: Any,
                 wake: Callable[[], None] | None = None) -> None:
        self.store = store
        self.catalogue = catalogue
        self.wake = wake

    def datasets_changed(self, dataset_ids: Iterable[str]) -> None:
        """Queue what these datasets' changes need loaded; never fails the caller's write
        (it is committed already): a problem here is logged, and the next change retries."""
        try:
            queued = jobs.datasets_changed(self.catalogue, self.store, dataset_ids)
        except Exception:  # noqa: BLE001  (the write succeeded; loading is best effort)
            log.exception("datastore: could not queue loads")
            return
        if queued and self.wake is not None:
            self.wake()

    def run_queued(self, limit: int | None = None) -> list[jobs.LoadStatus]:
        """Run the queued loads now (CLI, scheduler, tests)."""
        return jobs.run_queued(self.catalogue, self.store, limit=limit)

    def run_resource(self, resource_id: str) -> jobs.LoadStatus | None:
        """Run one resource's queued load now (after a DataStore write)."""
        return jobs.run_for(self.catalogue, self.store, resource_id)

    def close(self) -> None:
        self.store.dispose()


def open_store(settings: dict[str, Any], home_root: Path, catalogue_url: str,
               engine_factory: Callable[[str], Any] | None = None) -> Datastore:
    """The datastore the settings name: ``datastore_url``, else beside the catalogue (a
    SQLite file in the home, or schema ``datastore`` of the PostgreSQL database)."""
    url = str(settings.get("datastore_url") or "")
    timeout = float(settings.get("datastore_timeout_seconds", 10))
    if not url:
        url = catalogue_url if catalogue_url.startswith("postgresql") else ""
    if url.startswith("postgresql"):
        return Datastore.open_postgres(url, str(settings.get("datastore_read_url") or ""),
                                       engine_factory=engine_factory,
                                       statement_timeout=timeout)
    path = Path(url.removeprefix("sqlite:///")) if url else home_root / "datastore.sqlite"
    return Datastore.open_sqlite(path, statement_timeout=timeout)
