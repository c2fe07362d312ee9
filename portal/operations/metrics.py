"""Prometheus metrics in the text exposition format, shared across gunicorn workers.

Each worker counts in memory and, at most every few seconds, writes its totals to
``<home>/run/metrics/<pid>-<random>.json``; ``/metrics`` adds up every worker's file. Files of
workers that have exited are folded into ``retired.json``, so counters never go backwards
when gunicorn replaces a worker and the folder stays small.
Format: https://prometheus.io/docs/instrumenting/exposition_formats/
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Histogram bucket upper bounds, in seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HELP = {
    "dulieumo_http_requests_total": ("counter", "HTTP requests by endpoint, method and status."),
    "dulieumo_http_request_duration_seconds": ("histogram", "HTTP request latency by endpoint."),
    "dulieumo_search_duration_seconds": ("histogram", "Search backend query latency."),
}


def _labels(pairs: Iterable[tuple[str, str]]) -> str:
    body = ",".join(f'{k}="{_escape(v)}"' for k, v in pairs)
    return "{" + body + "}" if body else ""


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Metrics:
    """Counters and histograms of one process, keyed by metric name and label tuple."""

    def __init__(self, spool: Path | None = None, spool_seconds: float = 5.0) -> None:
        self._lock = threading.Lock()
        self.counters: dict[str, dict[str, float]] = {}
        self.histograms: dict[str, dict[str, list[float]]] = {}  # buckets..., sum, count
        self.spool = spool
        self.spool_seconds = spool_seconds
        self._spool_file = (spool / f"{os.getpid()}-{uuid.uuid4().hex[:12]}.json"
                            if spool else None)
        self._last_spool = 0.0

    def inc(self, name: str, labels: dict[str, str], amount: float = 1.0) -> None:
        key = _labels(sorted(labels.items()))
        with self._lock:
            series = self.counters.setdefault(name, {})
            series[key] = series.get(key, 0.0) + amount

    def observe(self, name: str, labels: dict[str, str], seconds: float) -> None:
        key = _labels(sorted(labels.items()))
        with self._lock:
            series = self.histograms.setdefault(name, {})
            values = series.setdefault(key, [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    values[i] += 1
            values[-2] += seconds
            values[-1] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"counters": {n: dict(s) for n, s in self.counters.items()},
                    "histograms": {n: {k: list(v) for k, v in s.items()}
                                   for n, s in self.histograms.items()}}

    def maybe_spool(self) -> None:
        """Write this worker's totals for the others to read, at most every few seconds."""
        if self._spool_file is None:
            return
        now = time.monotonic()
        if now - self._last_spool < self.spool_seconds:
            return
        self._last_spool = now
        self.write_spool()

    def write_spool(self) -> None:
        if self._spool_file is None:
            return
        self._spool_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._spool_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.snapshot()))
        tmp.replace(self._spool_file)

    def merged(self) -> dict[str, Any]:
        """This process's metrics plus every other worker's spooled totals."""
        own = self.snapshot()
        if self.spool is None or not self.spool.is_dir():
            return own
        self._retire_dead_workers()
        snapshots = [own]
        for path in self.spool.glob("*.json"):
            if path == self._spool_file:
                continue
            try:
                snapshots.append(json.loads(path.read_text()))
            except (OSError, ValueError):
                continue  # being replaced right now; next scrape reads it
        return _add(snapshots)

    def _retire_dead_workers(self) -> None:
        """Fold the files of workers that have exited into ``retired.json`` so the spool
        stays small however often gunicorn recycles workers (counters never go back)."""
        assert self.spool is not None
        with (self.spool / ".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one folder at a time, across workers
            dead = [p for p in self.spool.glob("*-*.json") if not _alive(p.name.split("-")[0])]
            if not dead:
                return
            retired = self.spool / RETIRED
            parts = [json.loads(retired.read_text())] if retired.is_file() else []
            for path in dead:
                try:
                    parts.append(json.loads(path.read_text()))
                except (OSError, ValueError):
                    continue
            tmp = retired.with_suffix(".tmp")
            tmp.write_text(json.dumps(_add(parts)))
            tmp.replace(retired)
            for path in dead:
                path.unlink(missing_ok=True)


RETIRED = "retired.json"


def _alive(pid_text: str) -> bool:
    try:
        os.kill(int(pid_text), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def _add(snapshots: list[dict[str, Any]]) -> dict[str, Any]:
    """The sum of several workers' counters and histograms."""
    total: dict[str, Any] = {"counters": {}, "histograms": {}}
    for snap in snapshots:
        for name, series in snap.get("counters", {}).items():
            target = total["counters"].setdefault(name, {})
            for key, value in series.items():
                target[key] = target.get(key, 0.0) + value
        for name, series in snap.get("histograms", {}).items():
            target = total["histograms"].setdefault(name, {})
            for key, values in series.items():
                current = target.setdefault(key, [0.0] * len(values))
                target[key] = [a + b for a, b in zip(current, values, strict=True)]
    return total


def render(data: dict[str, Any], gauges: list[tuple[str, str, dict[str, str], float]]) -> str:
    """The text exposition: counters and histograms from ``data``, then ``gauges``
    given as (name, help, labels, value)."""
    lines: list[str] = []
    for name, series in sorted(data["counters"].items()):
        kind, text = HELP.get(name, ("counter", name))
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
        lines += [f"{name}{key} {value:g}" for key, value in sorted(series.items())]
    for name, series in sorted(data["histograms"].items()):
        kind, text = HELP.get(name, ("histogram", name))
        lines += [f"# HELP {name} {text}", f"# TYPE {name} histogram"]
        for key, values in sorted(series.items()):
            inner = key[1:-1] + "," if key else ""
            for bound, count in zip(BUCKETS, values, strict=False):
                lines.append(f'{name}_bucket{{{inner}le="{bound:g}"}} {count:g}')
            lines.append(f'{name}_bucket{{{inner}le="+Inf"}} {values[-1]:g}')
            lines.append(f"{name}_sum{key} {values[-2]:.6f}")
            lines.append(f"{name}_count{key} {values[-1]:g}")
    seen: set[str] = set()
    for name, text, labels, value in gauges:
        if name not in seen:
            lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge"]
            seen.add(name)
        lines.append(f"{name}{_labels(sorted(labels.items()))} {value:g}")
    return "\n".join(lines) + "\n"
