"""Analysing a rebuild's documents in several processes (issue 18, item 5).

Once the tables are loaded with ``COPY``, the Python analysis of each package
(:func:`~catalogue.search.documents.search_fields`: words, bigrams, folded forms, places,
filters) is most of a rebuild's CPU, ~0.7 ms per dataset, and one process uses one core.
Batches are analysed by worker processes, in order, a few batches ahead of the writer, so
memory stays flat; small ones stay in this process. The workers are
spawned, not forked: the portal's processes hold threads (the notification listener) and
database connections that a fork would copy half-way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from typing import Any

from catalogue.search.documents import search_fields

# Documents per task: large enough that pickling and scheduling cost little beside the
# analysis, small enough that a worker's batch does not hold the writer up.
BATCH = 500
# Worker processes: one per core (the writer and the database server share them too).
WORKERS = os.cpu_count() or 1
# Fewer batches than this are analysed here: starting the workers (importing the catalogue,
# reading the gazetteer) costs about as much as analysing a few thousand documents.
MIN_BATCHES = 10


def _analyse(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [search_fields(d) for d in batch]


def _batches(docs: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch


def analysed(docs: Iterable[dict[str, Any]], workers: int | None = None
             ) -> Iterator[dict[str, Any]]:
    """:func:`search_fields` of each package, in the order given; with at least
    :data:`MIN_BATCHES` batches and ``workers`` (default :data:`WORKERS`) above one, in that
    many processes."""
    workers = WORKERS if workers is None else workers
    batches = _batches(docs, BATCH)
    head = list(islice(batches, MIN_BATCHES))
    if workers <= 1 or len(head) < MIN_BATCHES:
        for batch in chain(head, batches):
            yield from _analyse(batch)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[Future[list[dict[str, Any]]]] = deque()
        for batch in chain(head, batches):
            pending.append(pool.submit(_analyse, batch))
            if len(pending) > 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
