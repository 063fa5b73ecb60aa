"""Tenant A can neither read, list, change nor delete tenant B's objects: 404, never 403.

Every route with a path parameter must appear in ID_ROUTES; a new route that is not listed
fails ``test_every_id_route_is_covered``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from openkyc.api import create_app
from openkyc.client import OpenKYC
from openkyc.jobs import service as jobs
from openkyc.kit.db import transaction
from openkyc.platform import Platform
from openkyc.webhooks import service as webhooks
from tests.images import astronaut
from tests.support import TenantKey, close_past_invoice, signed_api

ID_ROUTES = {
    ("GET", "/v1/media/{media_id}"),
    ("GET", "/v1/media/{media_id}/content"),
    ("DELETE", "/v1/media/{media_id}"),
    ("POST", "/v1/keys/{key_id}/revoke"),
    ("GET", "/v1/jobs/{job_id}"),
    ("GET", "/v1/invoices/{period}"),
    ("GET", "/v1/webhooks/endpoints/{endpoint_id}"),
    ("PATCH", "/v1/webhooks/endpoints/{endpoint_id}"),
    ("DELETE", "/v1/webhooks/endpoints/{endpoint_id}"),
    ("GET", "/v1/webhooks/deliveries/{delivery_id}"),
    ("POST", "/v1/webhooks/deliveries/{delivery_id}/redeliver"),
}
OPERATOR_PREFIX = "/v1/operator/"


def test_every_id_route_is_covered(platform: Platform) -> None:
    spec = create_app(platform=platform).openapi()
    with_ids = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if re.search(r"\{\w+\}", path) and not path.startswith(OPERATOR_PREFIX)
        for method in operations
    }
    assert with_ids == ID_ROUTES


def test_other_tenant_gets_404_everywhere(
    client: TestClient, platform: Platform, tenant_factory: Callable[..., TenantKey]
) -> None:
    a, b = tenant_factory("Tenant A"), tenant_factory("Tenant B")
    api_a, api_b = signed_api(client, a), signed_api(client, b)
    media = api_a.post("/v1/media", {"image_base64": base64.b64encode(astronaut()).decode()}).json()
    with transaction(platform.sessions) as session:
        job = jobs.enqueue(session, a.tenant_id, "test.noop", {"tenant_id": a.tenant_id})
    endpoint = api_a.post("/v1/webhooks/endpoints", {"url": "http://127.0.0.1:9/hook"}).json()
    with transaction(platform.sessions) as session:
        webhooks.emit(session, a.tenant_id, "kyc.completed", {"job_id": job.id})
    [delivery] = api_a.get("/v1/webhooks/deliveries").json()
    period = close_past_invoice(platform, a)
    ids = {
        "media_id": media["id"],
        "key_id": a.key_id,
        "job_id": job.id,
        "endpoint_id": endpoint["id"],
        "delivery_id": delivery["id"],
        "period": period,
    }
    for method, template in sorted(ID_ROUTES):
        path = template.format(**ids)
        body = b"{}" if method in ("PATCH", "POST") else None
        response = api_b.request(
            method,
            path,
            content=body,
            headers={"Content-Type": "application/json"} if body else None,
        )
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["code"].endswith("NOT_FOUND")
    assert media["id"] not in str(api_b.get("/v1/media").json())
    assert a.key_id not in str(api_b.get("/v1/keys").json())
    assert media["id"] not in str(api_b.get("/v1/audit").json())
    # A's objects are intact after B's attempts.
    assert api_a.get(f"/v1/media/{media['id']}/content").status_code == 200
    assert api_a.get("/v1/tenant").status_code == 200
    assert api_a.get(f"/v1/jobs/{job.id}").json()["status"] == "queued"
    assert api_a.get(f"/v1/invoices/{period}").status_code == 200
    assert api_a.get(f"/v1/webhooks/endpoints/{endpoint['id']}").json()["enabled"]
    assert period not in str(api_b.get("/v1/invoices").json())
    assert endpoint["id"] not in str(api_b.get("/v1/webhooks/endpoints").json())
    assert api_b.get("/v1/webhooks/deliveries").json() == []


def test_listing_is_scoped(client: TestClient, tenant_factory: Callable[..., TenantKey]) -> None:
    a, b = tenant_factory(), tenant_factory()
    api_a: OpenKYC = signed_api(client, a)
    image = {"image_base64": base64.b64encode(astronaut("PNG")).decode()}
    created = {api_a.post("/v1/media", image).json()["id"] for _ in range(3)}
    listed_a = {m["id"] for m in api_a.get("/v1/media").json()["items"]}
    assert created <= listed_a
    assert signed_api(client, b).get("/v1/media").json()["items"] == []


def test_tenant_keys_cannot_reach_operator_routes(client: TestClient, tenant: TenantKey) -> None:
    api = signed_api(client, tenant)
    for path in (
        "/v1/operator/tenants",
        f"/v1/operator/tenants/{tenant.tenant_id}",
        "/v1/operator/audit",
    ):
        response = api.get(path)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "OPERATOR_TOKEN_MISSING"
