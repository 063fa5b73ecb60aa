"""The replay cache: each request signature is accepted once within the clock-skew window.

In process by default; Redis (``SET NX EX``) when configured, so every server process shares it.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis


class ReplayCache(Protocol):
    def first_use(self, token: str, ttl_seconds: int) -> bool:
        """Record ``token``; True the first time it is seen within ``ttl_seconds``."""
        ...


class MemoryReplayCache:
    def __init__(self, max_entries: int = 1_000_000) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._max_entries = max_entries

    def first_use(self, token: str, ttl_seconds: int) -> bool:
        now = time.monotonic()
        with self._lock:
            expires = self._seen.get(token)
            if expires is not None and expires > now:
                return False
            if len(self._seen) >= self._max_entries:
                self._evict(now)
            self._seen[token] = now + ttl_seconds
            return True

    def _evict(self, now: float) -> None:
        for token in [t for t, expires in self._seen.items() if expires <= now]:
            del self._seen[token]
        if len(self._seen) >= self._max_entries:
            # Still full of live tokens: refuse to grow without bound, drop the oldest half.
            for token in sorted(self._seen, key=self._seen.__getitem__)[: self._max_entries // 2]:
                del self._seen[token]


class RedisReplayCache:
    def __init__(self, url: str, prefix: str = "openkyc:replay:") -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix

    def first_use(self, token: str, ttl_seconds: int) -> bool:
        return bool(self._client.set(self._prefix + token, b"1", nx=True, ex=ttl_seconds))
