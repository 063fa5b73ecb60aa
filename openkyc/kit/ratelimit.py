"""Sliding-window rate limits, exact under concurrency: several windows are checked and
consumed together, so a request refused by one window consumes nothing in the others.

In process by default; in Redis (one Lua script, atomic) when configured, shared by every
server process.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

import redis


@dataclass(frozen=True)
class Window:
    key: str
    limit: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int  # of the tightest window
    remaining: int
    reset_seconds: int  # until the tightest window frees a slot
    retry_after: int  # 0 when allowed


class RateLimiter(Protocol):
    def hit(self, windows: list[Window]) -> Decision: ...


def _decide(states: list[tuple[Window, int, float]], now: float, allowed: bool) -> Decision:
    """states: (window, used after this request, oldest timestamp in the window)."""
    tightest = min(states, key=lambda s: s[0].limit - s[1])
    window, used, oldest = tightest
    reset = max(0, math.ceil(oldest + window.seconds - now)) if used else 0
    return Decision(
        allowed, window.limit, max(0, window.limit - used), reset, 0 if allowed else max(1, reset)
    )


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, windows: list[Window]) -> Decision:
        now = time.time()
        with self._lock:
            logs = []
            for window in windows:
                log = self._hits.setdefault(window.key, deque())
                while log and log[0] <= now - window.seconds:
                    log.popleft()
                logs.append(log)
            allowed = all(len(log) < w.limit for log, w in zip(logs, windows, strict=True))
            if allowed:
                for log in logs:
                    log.append(now)
            states = [
                (w, len(log), log[0] if log else now) for log, w in zip(logs, windows, strict=True)
            ]
        return _decide(states, now, allowed)


_LUA = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local n = #KEYS
local counts, oldest = {}, {}
local allowed = 1
for i = 1, n do
  local seconds = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - seconds)
  counts[i] = redis.call('ZCARD', KEYS[i])
  if counts[i] >= tonumber(ARGV[1 + 2 * i]) then allowed = 0 end
end
local out = {allowed}
for i = 1, n do
  local seconds = tonumber(ARGV[2 + 2 * i])
  if allowed == 1 then
    redis.call('ZADD', KEYS[i], now, member)
    redis.call('EXPIRE', KEYS[i], seconds + 1)
    counts[i] = counts[i] + 1
  end
  local first = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
  table.insert(out, counts[i])
  table.insert(out, first[2] or tostring(now))
end
return out
"""


class RedisRateLimiter:
    def __init__(self, url: str, prefix: str = "openkyc:rate:") -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._script = self._client.register_script(_LUA)
        self._prefix = prefix

    def hit(self, windows: list[Window]) -> Decision:
        now = time.time()
        args: list[str | float | int] = [now, f"{now}:{secrets.token_hex(6)}"]
        for window in windows:
            args += [window.limit, window.seconds]
        reply = self._script(keys=[self._prefix + w.key for w in windows], args=args)
        allowed = bool(int(reply[0]))
        states = [
            (w, int(reply[1 + 2 * i]), float(reply[2 + 2 * i])) for i, w in enumerate(windows)
        ]
        return _decide(states, now, allowed)
