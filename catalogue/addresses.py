"""Which hosts the server may reach for others, and URLs as they go on the wire (issue 15).

A harvest fetches what remote catalogues name and the link checker requests what agencies
published, so either could be pointed at the server's own network: loopback, private ranges,
the cloud metadata service on a link-local address. These helpers name such addresses, parse
``allow_hosts`` entries, and split URLs into the scheme, host and port that the guards in
``harvesters.http`` and ``catalogue.quality.linkcheck`` check.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (once: the caller connects to one of these)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def internal_reason(address: str) -> str:
    """Why an address is inside the house (loopback, private...), or "" when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local (where cloud metadata services answer)"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "not a public address"
    return ""


def _ascii_host(host: str) -> str:
    """A host name in its ASCII (IDNA) form: Vietnamese domain names travel that way."""
    return host.rstrip(".").encode("idna").decode("ascii").lower()


def parse_allowed_host(entry: str) -> tuple[str, int | None] | None:
    """``host`` or ``host:port`` (IPv6 in brackets) as (host, port); None when malformed."""
    entry = entry.strip().lower()
    if not entry or any(c in entry for c in "/@?# \t"):
        return None
    try:
        parts = urlsplit(f"//{entry}")
        host, port = parts.hostname, parts.port
        return (_ascii_host(host), port) if host else None
    except (ValueError, UnicodeError):
        return None


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, ASCII host, port) of an http(s) URL; ValueError naming what is wrong."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{url}: not a valid port") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(f"{url}: unsupported URL scheme {parts.scheme!r}")
    if not parts.hostname:
        raise ValueError(f"{url}: no host")
    try:
        host = _ascii_host(parts.hostname)
    except UnicodeError:
        raise ValueError(f"{url}: not a valid host name") from None
    return parts.scheme, host, port or DEFAULT_PORTS[parts.scheme]


def request_target(url: str) -> str:
    """Path and query as sent on the wire: spaces and non-ASCII letters (Vietnamese file names
    are common) percent-encoded as UTF-8, existing escapes kept."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return quote(target, safe="!#$%&'()*+,/:;=?@[]~")


def host_refusal(url: str, allowed: frozenset[tuple[str, int | None]] = frozenset()) -> str:
    """Why ``url``'s host must not be requested (it resolves inside the house, or not at all),
    or "" when every address it resolves to is public or the host is ``allowed``."""
    try:
        _, host, port = split_url(url)
    except ValueError as exc:
        return str(exc)
    if (host, None) in allowed or (host, port) in allowed:
        return ""
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        return f"{host}: does not resolve ({type(exc).__name__})"
    for address in addresses:
        reason = internal_reason(address)
        if reason:
            return f"{host} resolves to {address}, a {reason} address"
    return ""


def internal_hosts_allowed(settings: Mapping[str, Any]) -> tuple[str, ...]:
    """The operator's ``allow_internal_hosts`` setting (comma-separated) as host entries: what
    web-added harvest sources and the link checker may reach at internal addresses."""
    return tuple(h.strip() for h in str(settings.get("allow_internal_hosts") or "").split(",")
                 if h.strip())
