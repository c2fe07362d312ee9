"""Changes announced to every process on every machine: PostgreSQL's ``LISTEN/NOTIFY``.

A process keeps caches of what the catalogue looked like (search results, lexicon answers,
the home page's counts). Each cache checks a stamp from the database before it answers, but
some stamps roll over only every few minutes (counts of downloads, an agency's new name)
and memory held for a state that is gone (after a restore or a rebuild) would linger until
the next lookup. So every write, rebuild and restore ends with ``NOTIFY dulieumo`` in its own
transaction (delivered when it commits, never for a rolled-back one), and each process runs a
:class:`ChangeListener`: a daemon thread with a connection of its own (never one from the
pool) that calls back on each notification. A listener that loses its connection reconnects
and calls back once more, because notifications sent while it was away are lost (issue 23).

SQLite lives on one machine: nothing is announced there, and caches keep relying on their
stamps alone.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable

import psycopg
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

CHANNEL = "dulieumo"
# What changed, the notification's payload: listeners may drop less for a plain write.
WRITE, REBUILD, RESTORE, RECONNECTED = "write", "rebuild", "restore", "reconnected"
# Seconds between checks of the stop flag while no notification comes.
POLL_SECONDS = 1.0
# Seconds between attempts to reconnect after the database went away.
RETRY_SECONDS = 2.0


def announce(conn: Connection, what: str) -> None:
    """Tell every listening process that ``what`` changed, once ``conn``'s transaction
    commits (on PostgreSQL; elsewhere nothing to do)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, :what)"),
                      {"channel": CHANNEL, "what": what})


def announce_now(engine: Engine, what: str) -> None:
    """:func:`announce` in a transaction of its own (after a change made outside SQLAlchemy,
    such as ``pg_restore``)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            announce(conn, what)


def libpq_conninfo(engine: Engine) -> str:
    """The engine's URL as libpq reads it (``postgresql://…``, password included)."""
    return make_url(engine.url).set(drivername="postgresql").render_as_string(
        hide_password=False)


class ChangeListener:
    """Calls ``on_change(what)`` in a background thread for each announced change.

    ``start`` is safe to call on every request: it starts the thread once per process (gunicorn
    forks workers after the app is made, and threads do not survive a fork).
    """

    def __init__(self, conninfo: str, on_change: Callable[[str], None], *,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        self.conninfo = conninfo
        self.on_change = on_change
        self.retry_seconds = retry_seconds
        self.listening = threading.Event()  # set while subscribed (tests wait on it)
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start listening in this process, unless already started here."""
        with self._lock:
            thread = self._thread
            if thread is not None and thread.is_alive():
                return
            self._stopped.clear()
            self.listening.clear()
            # A weak reference: a listener nobody holds any more (an app gone) ends its thread.
            self._thread = threading.Thread(target=_listen, args=(weakref.ref(self),),
                                            daemon=True, name="dulieumo-change-listener")
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening; returns once the thread has closed its connection."""
        self._stopped.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        self._thread = None

    def _deliver(self, what: str) -> None:
        try:
            self.on_change(what)
        except Exception:  # noqa: BLE001 - a failing callback must not end the listener
            log.exception("change listener callback failed for %r", what)


def _listen(ref: weakref.ref[ChangeListener]) -> None:
    """The thread: subscribe, deliver, and on a lost connection reconnect and deliver
    ``RECONNECTED`` (whatever was announced meanwhile was lost with the connection)."""
    first = True
    while True:
        listener = ref()
        if listener is None or listener._stopped.is_set():
            return
        conninfo, stopped, retry = listener.conninfo, listener._stopped, listener.retry_seconds
        try:
            with psycopg.connect(conninfo, autocommit=True) as conn:
                conn.execute(f"LISTEN {CHANNEL}")
                if not first:
                    listener._deliver(RECONNECTED)
                first = False
                listener.listening.set()
                del listener  # held only while delivering, so the owner can be collected
                while not stopped.is_set():
                    for notice in conn.notifies(timeout=POLL_SECONDS):
                        owner = ref()
                        if owner is None:
                            return
                        owner._deliver(notice.payload)
                        del owner
                    if ref() is None:
                        return
            return
        except psycopg.Error as exc:
            owner = ref()
            if owner is not None:
                owner.listening.clear()
                del owner
            log.warning("change listener lost the database (retrying in %.0f s): %s",
                        retry, exc)
            if stopped.wait(retry):
                return
