"""The web process's datastore worker: loads queued files in a background thread (issue 21).

Loading a big file takes seconds to minutes; an upload or an approval must not wait for it.
Every commit that queues a load wakes this thread, and it also looks for work every
``POLL_SECONDS`` (loads queued by a harvest run from the command line, by another machine).
Each job is claimed in the database first, so any number of workers and schedulers may run.
Off in tests (the app is ``testing``): they run the queue themselves, deterministically.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from catalogue.datastore.service import DatastoreService

POLL_SECONDS = 30.0
EXTENSION = "dulieumo.datastore_worker"
log = logging.getLogger(__name__)


class LoadWorker:
    """One daemon thread running queued loads when woken (or every ``POLL_SECONDS``)."""

    def __init__(self, service: DatastoreService) -> None:
        self.service = service
        self._event = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._serving = False

    def start(self) -> None:
        """Begin serving loads (the process answers requests): from now on commits wake it."""
        with self._lock:
            self._serving = True
        self.wake()

    def wake(self) -> None:
        # A command-line process (a harvest from cron, ``demo --no-serve``) starts no thread:
        # it would be killed mid-load at exit, or run on in whoever invoked the command. Its
        # loads wait in the queue for a serving process's poll, the scheduler or
        # ``dulieumo datastore load``.
        with self._lock:
            if not self._serving:
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="datastore-loads",
                                                daemon=True)
                self._thread.start()
        self._event.set()

    def _run(self) -> None:
        while True:
            self._event.clear()
            try:
                self.service.run_queued()
            except Exception:  # noqa: BLE001  (the thread must outlive one bad round)
                log.exception("datastore: a round of loads failed")
            self._event.wait(POLL_SECONDS)


def init_app(app: Flask, service: DatastoreService) -> None:
    """Give the datastore a worker to wake, unless the settings say only the scheduler
    loads. The thread starts at the first request or queued load, never while testing."""
    if not app.config["DULIEUMO"].get("datastore_worker", True):
        return
    worker = LoadWorker(service)
    app.extensions[EXTENSION] = worker

    def wake() -> None:
        if not app.testing:
            worker.wake()

    service.wake = wake
    app.before_request(_start_once(app, worker))


def _start_once(app: Flask, worker: LoadWorker):  # type: ignore[no-untyped-def]
    started = threading.Event()

    def start() -> None:
        if not started.is_set() and not app.testing:
            started.set()
            worker.start()
    return start
