"""Webhooks delivered to a real HTTP server, verified with the standardwebhooks library."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from standardwebhooks.webhooks import Webhook

from openkyc.client import OpenKYC
from openkyc.kit.db import transaction
from openkyc.kit.runtime import Runtime, WebhookPolicy
from openkyc.platform import Platform
from openkyc.webhooks import service as webhooks
from openkyc.worker import EmbeddedWorkers
from tests.support import TenantKey
from tests.webhooks.receiver import Receiver, receiver


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as server:
        yield server


def _drain(runtime: Runtime) -> None:
    """Run every job that is due now, as the worker threads would."""
    workers = EmbeddedWorkers(runtime, periodic=())
    while workers.run_once("test-worker"):
        pass


def _emit(platform: Platform, tenant: TenantKey, event_type: str = "kyc.completed") -> None:
    with transaction(platform.sessions) as session:
        webhooks.emit(
            session, tenant.tenant_id, event_type, {"job_id": "job_1", "decision": "accepted"}
        )


def test_signed_delivery_verifies_with_standard_webhooks(
    api: OpenKYC, platform: Platform, tenant: TenantKey, hook: Receiver
) -> None:
    created = api.post(
        "/v1/webhooks/endpoints", {"url": hook.url, "event_types": ["kyc.completed"]}
    ).json()
    assert created["secret"].startswith("whsec_")
    assert "secret" not in api.get(f"/v1/webhooks/endpoints/{created['id']}").json()
    _emit(platform, tenant)
    _emit(platform, tenant, "usage.threshold")  # not subscribed
    _drain(platform.runtime())
    [(headers, body)] = hook.requests
    payload = Webhook(created["secret"]).verify(body, headers)
    assert payload["type"] == "kyc.completed"
    assert payload["data"] == {"job_id": "job_1", "decision": "accepted"}
    [delivery] = api.get("/v1/webhooks/deliveries").json()
    assert delivery["status"] == "succeeded"
    assert delivery["attempt_log"][0]["status_code"] == 200
    assert delivery["attempt_log"][0]["response_snippet"] == '{"received": true}'


def test_failures_retry_on_schedule_then_fail(
    api: OpenKYC, platform: Platform, tenant: TenantKey, hook: Receiver
) -> None:
    hook.statuses = [500, 503, 500]
    api.post("/v1/webhooks/endpoints", {"url": hook.url})
    runtime = dataclasses.replace(
        platform.runtime(),
        webhooks=WebhookPolicy(retry_schedule_seconds=(0.0, 0.0), timeout_seconds=5),
    )
    _emit(platform, tenant)
    _drain(runtime)
    [delivery] = api.get("/v1/webhooks/deliveries").json()
    assert delivery["status"] == "failed"
    assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 503, 500]
    assert len({h["webhook-id"] for h, _ in hook.requests}) == 1  # same id on every retry
    redone = api.post(f"/v1/webhooks/deliveries/{delivery['id']}/redeliver")
    assert redone.status_code == 202
    _drain(runtime)
    assert api.get(f"/v1/webhooks/deliveries/{redone.json()['id']}").json()["status"] == "succeeded"


def test_default_schedule_waits_five_minutes(
    api: OpenKYC, platform: Platform, tenant: TenantKey, hook: Receiver
) -> None:
    hook.statuses = [500]
    api.post("/v1/webhooks/endpoints", {"url": hook.url})
    _emit(platform, tenant)
    _drain(platform.runtime())
    [delivery] = api.get("/v1/webhooks/deliveries").json()
    assert delivery["status"] == "pending"
    assert len(hook.requests) == 1
    from datetime import datetime

    wait = datetime.fromisoformat(delivery["next_attempt_at"]) - datetime.fromisoformat(
        delivery["attempt_log"][0]["at"]
    )
    assert 295 <= wait.total_seconds() <= 305


def test_timeout_is_logged(
    api: OpenKYC, platform: Platform, tenant: TenantKey, hook: Receiver
) -> None:
    hook.delay = 1.5
    api.post("/v1/webhooks/endpoints", {"url": hook.url})
    runtime = dataclasses.replace(
        platform.runtime(), webhooks=WebhookPolicy(retry_schedule_seconds=(), timeout_seconds=0.5)
    )
    _emit(platform, tenant)
    _drain(runtime)
    [delivery] = api.get("/v1/webhooks/deliveries").json()
    assert delivery["status"] == "failed"
    assert "Timeout" in delivery["attempt_log"][0]["error"]


def test_production_refuses_private_targets(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    from openkyc.api import create_app
    from tests.support import signed_api

    platform.settings.webhooks.allow_private_targets = False
    api = signed_api(TestClient(create_app(platform=platform)), tenant)
    for url in (
        "http://127.0.0.1:8080/x",
        "https://10.0.0.5/x",
        "https://localhost/x",
        "https://169.254.169.254/latest/meta-data",
    ):
        response = api.post("/v1/webhooks/endpoints", {"url": url})
        assert response.status_code == 422, url
        assert response.json()["error"]["code"] == "WEBHOOK_URL_REFUSED"


def test_endpoint_management(api: OpenKYC, hook: Receiver) -> None:
    bad = api.post("/v1/webhooks/endpoints", {"url": hook.url, "event_types": ["kyc.nope"]})
    assert bad.status_code == 422
    created = api.post("/v1/webhooks/endpoints", {"url": hook.url}).json()
    path = f"/v1/webhooks/endpoints/{created['id']}"
    patched = api.request(
        "PATCH",
        path,
        content=json.dumps({"enabled": False}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert patched.json()["enabled"] is False
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.get("/v1/webhooks/endpoints").json() == []


def test_usage_threshold_reaches_the_endpoint(
    api: OpenKYC, platform: Platform, tenant: TenantKey, hook: Receiver
) -> None:
    from openkyc.tenants import service as tenants
    from openkyc.tenants.plans import ModuleTerms, PlanOverrides
    from openkyc.usage import service as usage

    api.post("/v1/webhooks/endpoints", {"url": hook.url, "event_types": ["usage.threshold"]})
    with transaction(platform.sessions) as session:
        tenants.set_plan(
            session,
            tenant.tenant_id,
            "pro",
            PlanOverrides(modules={"ocr": ModuleTerms(monthly_quota=1, unit_price="0.1")}),
            "test",
        )
    with transaction(platform.sessions) as session:
        usage.meter(session, tenants.get(session, tenant.tenant_id), "ocr", api_key_id=None)
    _drain(platform.runtime())
    percents = sorted(json.loads(body)["data"]["percent"] for _, body in hook.requests)
    assert percents == [80, 100]
