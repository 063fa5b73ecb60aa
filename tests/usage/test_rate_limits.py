"""Sliding-window limits hold exactly under concurrency, in process and in Redis."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from openkyc.kit.db import transaction
from openkyc.kit.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter, Window
from openkyc.platform import Platform
from openkyc.tenants import service as tenants
from openkyc.tenants.plans import PlanOverrides
from tests.support import TenantKey, signed_api

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def limiter(request: pytest.FixtureRequest) -> RateLimiter:
    if request.param == "memory":
        return MemoryRateLimiter()
    return RedisRateLimiter(REDIS_URL, prefix=f"openkyc:test:{secrets.token_hex(4)}:")


def test_concurrent_clients_never_over_admit(limiter: RateLimiter) -> None:
    windows = [Window("key:minute", 25, 60)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        decisions = list(pool.map(lambda _: limiter.hit(windows), range(80)))
    assert sum(d.allowed for d in decisions) == 25
    refused = [d for d in decisions if not d.allowed]
    assert all(d.retry_after >= 1 for d in refused)
    assert all(d.remaining == 0 for d in refused)


def test_a_refused_request_consumes_no_window(limiter: RateLimiter) -> None:
    minute, endpoint = Window("k:m", 5, 60), Window("k:m:/v1/x", 1, 60)
    assert limiter.hit([minute, endpoint]).allowed
    assert not limiter.hit([minute, endpoint]).allowed  # endpoint full
    decision = limiter.hit([minute])
    assert decision.allowed
    assert decision.remaining == 3  # the refused call did not count


def _override(platform: Platform, tenant: TenantKey, **terms: object) -> None:
    with transaction(platform.sessions) as session:
        tenants.set_plan(session, tenant.tenant_id, "pro", PlanOverrides(**terms), "test")


def test_api_limits_per_key_with_headers(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    _override(platform, tenant, requests_per_minute=3)
    api = signed_api(client, tenant)
    responses = [api.get("/v1/tenant") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r.headers["ratelimit-remaining"] for r in responses[:3]] == ["2", "1", "0"]
    assert responses[0].headers["ratelimit-limit"] == "3"
    refused = responses[3]
    assert refused.json()["error"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["retry-after"]) >= 1
    assert "ratelimit-reset" in refused.headers


def test_endpoint_limit(client: TestClient, platform: Platform, tenant: TenantKey) -> None:
    _override(platform, tenant, endpoint_limits={"/v1/media/{media_id}": 1})
    api = signed_api(client, tenant)
    assert api.get("/v1/media/med_x").status_code == 404
    assert api.get("/v1/media/med_y").status_code == 429
    assert api.get("/v1/tenant").status_code == 200


def test_limits_are_per_key(client: TestClient, platform: Platform, tenant_factory: object) -> None:
    first, second = tenant_factory(), tenant_factory()  # type: ignore[operator]
    _override(platform, first, requests_per_minute=1)
    assert signed_api(client, first).get("/v1/tenant").status_code == 200
    assert signed_api(client, first).get("/v1/tenant").status_code == 429
    assert signed_api(client, second).get("/v1/tenant").status_code == 200
