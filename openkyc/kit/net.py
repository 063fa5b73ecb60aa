"""Outbound URL checks: refuse loopback, private, link-local and other non-public targets
(server-side request forgery), unless the deployment allows them (development, tests)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeUrl(ValueError):
    """The URL is malformed or points where the platform must not send requests."""


def check_url(url: str, *, allow_private: bool, resolve: bool = True) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UnsafeUrl("webhook URL must be an absolute http(s) URL")
    if parts.username or parts.password:
        raise UnsafeUrl("webhook URL must not carry credentials")
    if allow_private:
        return
    if parts.scheme != "https":
        raise UnsafeUrl("webhook URL must use https in production")
    for address in _addresses(parts.hostname, parts.port or 443, resolve):
        if not address.is_global or address.is_multicast:
            raise UnsafeUrl(f"webhook URL resolves to a non-public address ({address})")


def _addresses(
    host: str, port: int, resolve: bool
) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if host.lower() in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        raise UnsafeUrl("webhook URL points to localhost")
    if not resolve:
        return []
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise UnsafeUrl(f"webhook host {host} does not resolve: {exc}") from exc
    return [ipaddress.ip_address(info[4][0]) for info in infos]
