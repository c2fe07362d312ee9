"""Structured request logs: one JSON line per request, carrying its request id.

The id comes from the ``X-Request-ID`` header the load balancer sets (nginx:
``proxy_set_header X-Request-ID $request_id``), else a new one; it is echoed in the
response so a user's report can be matched with the log line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

LOGGER = "dulieumo.requests"
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def request_id_from(header: str | None) -> str:
    """The caller's id when it is a sane token, else a fresh one."""
    if header and SAFE_ID.match(header):
        return header
    return uuid.uuid4().hex


def configure_json_logging() -> logging.Logger:
    """Send ``dulieumo.*`` logs to stderr as JSON lines (once per process)."""
    root = logging.getLogger("dulieumo")
    if not any(getattr(h, "_dulieumo_json", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler._dulieumo_json = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        root.propagate = False
    return logging.getLogger(LOGGER)
