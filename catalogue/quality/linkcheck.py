"""The link checker: is each resource URL reachable? Retries with backoff, records status.

A check tries HEAD, then GET (many servers refuse HEAD), retrying timeouts, connection errors,
429 and 5xx with exponential backoff. The scheduled run checks the URLs that are due and
stores the result in ``link_check``; a failing URL is looked at again after 1, 2, 4… hours
(at most a week) so a server that is down is not hammered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin

import requests
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from catalogue.addresses import host_refusal, parse_allowed_host
from catalogue.clock import Clock, SystemClock
from catalogue.context import Catalogue
from catalogue.datasets.model import Dataset, Resource
from catalogue.quality.model import LinkCheck

TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
RECHECK_OK = timedelta(days=1)
RECHECK_MAX = timedelta(days=7)
USER_AGENT = "dulieumo-linkcheck/1.0 (+open-data portal link checker)"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 10


class Refused(Exception):
    """The link's host is inside the house and not allowed."""


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    status: int | None
    error: str
    checked_at: datetime
    attempts: int

    def to_dict(self) -> dict[str, object]:
        return {"url": self.url, "ok": self.ok, "status": self.status, "error": self.error,
                "checked_at": self.checked_at.strftime("%Y-%m-%dT%H:%M:%S"),
                "attempts": self.attempts}


class LinkChecker:
    """Checks URLs over HTTP. ``sleep`` and ``clock`` are injectable so tests never wait."""

    def __init__(self, *, timeout: float = 10.0, retries: int = 2, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep, clock: Clock | None = None,
                 session: requests.Session | None = None,
                 allowed_hosts: Iterable[str] = ()) -> None:
        """``allowed_hosts`` (``host`` or ``host:port``) may be checked even at internal
        addresses; every other link must resolve to public addresses only (issue 15)."""
        self.allowed_hosts = frozenset(
            rule for rule in map(parse_allowed_host, allowed_hosts) if rule)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.clock = clock or SystemClock()
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", USER_AGENT)

    def _request(self, method: str, url: str) -> int:
        # Redirects followed here, each hop's host checked first: a published link (or where
        # it redirects) must not make the server probe its own network (issue 15).
        for _ in range(MAX_REDIRECTS + 1):
            refusal = host_refusal(url, self.allowed_hosts)
            if refusal:
                raise Refused(refusal)
            response = self.session.request(method, url, timeout=self.timeout,
                                            allow_redirects=False, stream=True)
            response.close()  # the status is all we need; never download the body
            location = response.headers.get("Location")
            if response.status_code not in REDIRECTS or not location:
                return response.status_code
            url = urljoin(url, location)
        return response.status_code

    def _once(self, url: str) -> int:
        status = self._request("HEAD", url)
        if status >= 400:
            status = self._request("GET", url)
        return status

    def check(self, url: str) -> LinkResult:
        """Check one URL, retrying transient failures with exponential backoff."""
        if not url.startswith(("http://", "https://")):
            return LinkResult(url, False, None, "not an http(s) URL", self.clock.now(), 0)
        attempt = 0
        while True:
            attempt += 1
            status: int | None = None
            error = ""
            try:
                status = self._once(url)
            except Refused as exc:
                return LinkResult(url, False, None, f"not checked: {exc}", self.clock.now(),
                                  attempt)
            except requests.Timeout:
                error = f"timed out after {self.timeout:g}s"
            except requests.ConnectionError as exc:
                error = f"connection failed: {type(exc).__name__}"
            except requests.RequestException as exc:
                error = f"request failed: {type(exc).__name__}"
            transient = status in TRANSIENT_STATUS or (status is None and bool(error))
            if not transient or attempt > self.retries:
                ok = status is not None and 200 <= status < 400
                if status is not None and not ok and not error:
                    error = f"HTTP {status}"
                return LinkResult(url, ok, status, error, self.clock.now(), attempt)
            self.sleep(self.backoff * 2 ** (attempt - 1))

    def check_many(self, urls: Iterable[str]) -> dict[str, LinkResult]:
        """Check each distinct URL once."""
        return {url: self.check(url) for url in dict.fromkeys(urls)}


def _next_check(now: datetime, ok: bool, failures: int) -> datetime:
    if ok:
        return now + RECHECK_OK
    return now + min(timedelta(hours=2 ** max(failures - 1, 0)), RECHECK_MAX)


def record_result(session: Session, result: LinkResult) -> LinkCheck:
    """Store a result and schedule the next check (backing off while the link fails)."""
    row = session.get(LinkCheck, result.url)
    if row is None:
        row = LinkCheck(url=result.url, failures=0, checked_at=result.checked_at,
                        next_check_at=result.checked_at)
        session.add(row)
    row.ok, row.status, row.error = result.ok, result.status, result.error
    row.checked_at = result.checked_at
    row.failures = 0 if result.ok else row.failures + 1
    row.next_check_at = _next_check(result.checked_at, result.ok, row.failures)
    return row


def due_urls(session: Session, now: datetime, limit: int = 500) -> list[str]:
    """External resource URLs of active datasets never checked or due for a check."""
    urls = session.scalars(
        select(Resource.url).join(Dataset, Dataset.id == Resource.dataset_id)
        .where(Dataset.state == "active", Resource.url_type != "upload",
               Resource.url.like("http%")).distinct())
    checks = {c.url: c for c in session.scalars(select(LinkCheck))}
    due = [u for u in urls if u not in checks or checks[u].next_check_at <= now]
    return due[:limit]


def run_link_check(catalogue: Catalogue, checker: LinkChecker, *,
                   limit: int = 500) -> list[LinkResult]:
    """The scheduled job: check the due URLs and record what was found."""
    with catalogue.sessions() as session:
        urls = due_urls(session, catalogue.clock.now(), limit)
    results = list(checker.check_many(urls).values())
    with catalogue.sessions() as session:
        for result in results:
            record_result(session, result)
        session.commit()
    return results


def latest_results(session: Session, urls: Iterable[str]) -> dict[str, dict[str, object]]:
    """The stored results for these URLs, in the shape ``score_dataset`` reads."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return {}
    rows = session.connection().execute(_LATEST, {"urls": wanted})  # plain rows: Core is enough
    return {url: {"ok": ok, "status": status, "error": error,
                  "checked_at": checked_at.strftime("%Y-%m-%dT%H:%M:%S")}
            for url, ok, status, error, checked_at in rows}


# Built once: package_show asks on every call.
_LATEST = select(LinkCheck.url, LinkCheck.ok, LinkCheck.status, LinkCheck.error,
                 LinkCheck.checked_at).where(LinkCheck.url.in_(bindparam("urls", expanding=True)))
