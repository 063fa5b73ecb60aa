"""Metered events: billed in the work's transaction, once per idempotency key, quotas exact."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from openkyc.kit.db import transaction
from openkyc.platform import Platform
from openkyc.tenants import service as tenants
from openkyc.tenants.plans import ModuleTerms, PlanOverrides
from openkyc.usage import service as usage
from openkyc.usage.errors import PeriodInvalid, QuotaExceeded
from openkyc.usage.models import UsageEvent
from openkyc.webhooks.models import WebhookEvent
from tests.support import TenantKey, create_tenant


def _limit(platform: Platform, tenant: TenantKey, quota: int, *, hard: bool) -> None:
    overrides = PlanOverrides(
        hard_limit=hard, modules={"face_match": ModuleTerms(monthly_quota=quota, unit_price="0.05")}
    )
    with transaction(platform.sessions) as session:
        tenants.set_plan(session, tenant.tenant_id, "pro", overrides, "test")


def _meter(platform: Platform, tenant: TenantKey, **kwargs: object) -> usage.Metered:
    with transaction(platform.sessions) as session:
        owner = tenants.get(session, tenant.tenant_id)
        return usage.meter(session, owner, "face_match", api_key_id=tenant.key_id, **kwargs)  # type: ignore[arg-type]


def _events(platform: Platform, tenant: TenantKey) -> list[UsageEvent]:
    with transaction(platform.sessions) as session:
        return list(
            session.execute(
                sa.select(UsageEvent).where(UsageEvent.tenant_id == tenant.tenant_id)
            ).scalars()
        )


def _thresholds(platform: Platform, tenant: TenantKey) -> list[int]:
    with transaction(platform.sessions) as session:
        rows = session.execute(
            sa.select(WebhookEvent.payload).where(
                WebhookEvent.tenant_id == tenant.tenant_id, WebhookEvent.type == "usage.threshold"
            )
        )
        return sorted(json.loads(p)["percent"] for p in rows.scalars())


def test_rolled_back_work_bills_nothing(platform: Platform, tenant: TenantKey) -> None:
    def work_that_fails() -> None:
        with transaction(platform.sessions) as session:
            owner = tenants.get(session, tenant.tenant_id)
            usage.meter(session, owner, "face_match", api_key_id=tenant.key_id)
            raise RuntimeError("the engine failed after metering")

    with pytest.raises(RuntimeError):
        work_that_fails()
    assert _events(platform, tenant) == []
    assert _meter(platform, tenant).calls == 1


def test_idempotent_retry_bills_once(platform: Platform, tenant: TenantKey) -> None:
    first = _meter(platform, tenant, idempotency_key="req-1")
    again = _meter(platform, tenant, idempotency_key="req-1")
    assert (first.billed, first.reason) == (True, "billable")
    assert again.reason == "idempotent_replay"
    assert len(_events(platform, tenant)) == 1


def test_free_plan_is_metered_but_not_billed(platform: Platform) -> None:
    free = create_tenant(platform, plan="free")
    metered = _meter(platform, free)
    assert (metered.billed, metered.reason, metered.quota) == (False, "included_free", 100)


def test_soft_limit_warns_and_sends_each_threshold_once(
    platform: Platform, tenant: TenantKey
) -> None:
    _limit(platform, tenant, 5, hard=False)
    results = [_meter(platform, tenant) for _ in range(7)]
    assert [r.reason for r in results][-2:] == ["over_quota", "over_quota"]
    assert results[3].warnings
    assert "near quota" in results[3].warnings[0]
    assert _thresholds(platform, tenant) == [80, 100]


def test_hard_limit_refuses_past_the_quota(platform: Platform, tenant: TenantKey) -> None:
    _limit(platform, tenant, 2, hard=True)
    _meter(platform, tenant)
    _meter(platform, tenant)
    with pytest.raises(QuotaExceeded) as refused:
        _meter(platform, tenant)
    assert refused.value.status == 429
    assert refused.value.code == "QUOTA_EXCEEDED"
    assert int(refused.value.headers["Retry-After"]) > 0
    assert len(_events(platform, tenant)) == 2


def test_concurrent_calls_admit_exactly_the_quota(platform: Platform, tenant: TenantKey) -> None:
    _limit(platform, tenant, 10, hard=True)

    def attempt(_: int) -> bool:
        try:
            _meter(platform, tenant)
            return True
        except QuotaExceeded:
            return False

    with ThreadPoolExecutor(max_workers=6) as pool:
        admitted = list(pool.map(attempt, range(24)))
    assert admitted.count(True) == 10
    assert len(_events(platform, tenant)) == 10
    assert _thresholds(platform, tenant) == [80, 100]


def test_summary_counts_quota_and_remaining(platform: Platform, tenant: TenantKey) -> None:
    _limit(platform, tenant, 10, hard=False)
    for _ in range(3):
        _meter(platform, tenant)
    with transaction(platform.sessions) as session:
        owner = tenants.get(session, tenant.tenant_id)
        summary = usage.summary(session, owner, usage.period_of(dt.datetime.now(dt.UTC)))
    face = summary.modules["face_match"]
    assert (face.calls, face.billed, face.quota, face.remaining) == (3, 3, 10, 7)
    assert str(face.amount) in ("0.15", "0.1500")
    assert summary.modules["ocr"].calls == 0


@pytest.mark.parametrize(
    ("moment", "period"),
    [
        ("2026-11-30T23:59:59+00:00", "2026-11"),
        ("2026-12-01T00:00:00+00:00", "2026-12"),
        ("2026-11-30T20:30:00-05:00", "2026-12"),  # New York evening is already December in UTC
        ("2026-12-01T00:30:00+01:00", "2026-11"),  # Paris just after midnight is still November
        ("2024-02-29T12:00:00+00:00", "2024-02"),
    ],
)
def test_periods_are_utc_months(moment: str, period: str) -> None:
    assert usage.period_of(dt.datetime.fromisoformat(moment)) == period


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-11", "2026/11", "november"])
def test_bad_periods_are_refused(bad: str) -> None:
    with pytest.raises(PeriodInvalid):
        usage.parse_period(bad)


def test_usage_and_rate_limit_metrics(
    client: object, platform: Platform, tenant: TenantKey
) -> None:
    from fastapi.testclient import TestClient

    from tests.support import signed_api

    assert isinstance(client, TestClient)
    _meter(platform, tenant)
    with transaction(platform.sessions) as session:
        tenants.set_plan(
            session, tenant.tenant_id, "pro", PlanOverrides(requests_per_minute=1), "test"
        )
    api = signed_api(client, tenant)
    api.get("/v1/tenant")
    api.get("/v1/tenant")
    text = client.get("/metrics").text
    assert (
        f'openkyc_usage_events_total{{billed="True",module="face_match",'
        f'tenant="{tenant.tenant_id}"}} 1.0'
    ) in text
    assert f'openkyc_rate_limited_total{{tenant="{tenant.tenant_id}",window="request"}}' in text
