"""Time-based one-time codes (RFC 6238, SHA-1, 6 digits, 30 s): the optional second factor.

Small enough to keep here rather than add a dependency; checked against the RFC's vectors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import UTC, datetime
from urllib.parse import quote

STEP = 30
DIGITS = 6


def new_secret() -> str:
    """A random 160-bit secret in base32, as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def code_at(secret: str, counter: int, digits: int = DIGITS) -> str:
    """The HOTP code for ``counter`` (RFC 4226)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def _counter(now: datetime) -> int:
    return int(now.replace(tzinfo=UTC).timestamp()) // STEP


def current_code(secret: str, now: datetime) -> str:
    return code_at(secret, _counter(now))


def matching_step(secret: str, code: str, now: datetime, window: int = 1) -> int | None:
    """The time step ``code`` belongs to, if it is valid now (``window`` steps of clock drift
    either way); None otherwise. Remembering the step lets a code work only once."""
    code = code.strip().replace(" ", "")
    if not secret or len(code) != DIGITS or not code.isdigit():
        return None
    counter = _counter(now)
    for step in range(counter - window, counter + window + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def verify_code(secret: str, code: str, now: datetime, window: int = 1) -> bool:
    """Whether ``code`` is valid now, allowing ``window`` steps of clock drift either way."""
    return matching_step(secret, code, now, window) is not None


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (usually from a QR code)."""
    return (f"otpauth://totp/{quote(issuer)}:{quote(account)}?secret={secret}"
            f"&issuer={quote(issuer)}&digits={DIGITS}&period={STEP}")
