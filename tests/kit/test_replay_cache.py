from __future__ import annotations

import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from openkyc.kit.replay import MemoryReplayCache, RedisReplayCache, ReplayCache

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def cache(request: pytest.FixtureRequest) -> ReplayCache:
    if request.param == "memory":
        return MemoryReplayCache()
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"the Redis server on 127.0.0.1:6379 is required: {exc}")
    return RedisReplayCache(REDIS_URL, prefix=f"openkyc:test:{secrets.token_hex(4)}:")


def test_first_use_only_once(cache: ReplayCache) -> None:
    assert cache.first_use("sig-1", 60)
    assert not cache.first_use("sig-1", 60)
    assert cache.first_use("sig-2", 60)


def test_expiry(cache: ReplayCache) -> None:
    assert cache.first_use("short", 1)
    time.sleep(1.2)
    assert cache.first_use("short", 1)


def test_concurrent_submissions_admit_exactly_one(cache: ReplayCache) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: cache.first_use("raced", 60), range(32)))
    assert results.count(True) == 1


def test_memory_cache_stays_bounded() -> None:
    cache = MemoryReplayCache(max_entries=10)
    for index in range(50):
        cache.first_use(f"t{index}", 60)
    assert len(cache._seen) <= 10
