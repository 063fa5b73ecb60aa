"""Signed requests: every refusal has its own code and leaves an audit entry."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from openkyc.audit.models import AuditEntry
from openkyc.keys import service as keys
from openkyc.kit import signing
from openkyc.kit.db import transaction
from openkyc.platform import Platform
from openkyc.tenants import service as tenants
from tests.support import TenantKey


def _headers(
    key: TenantKey,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    timestamp: str | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    ts = timestamp or str(int(time.time()))
    headers = {
        "X-API-KEY": key.key_id,
        "X-API-TIMESTAMP": ts,
        "X-API-SIGN": signing.signature(key.secret, ts, method, path, body, nonce),
    }
    if nonce is not None:
        headers["X-API-NONCE"] = nonce
    return headers


def _failures(platform: Platform, code: str) -> list[AuditEntry]:
    with transaction(platform.sessions) as session:
        rows = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "auth.failed"))
        return [e for e in rows.scalars() if json.loads(e.details)["code"] == code]


def _assert_refused(platform: Platform, response: object, code: str) -> None:
    assert response.status_code == 401, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert error["code"] == code
    assert error["trace_id"] == response.headers["x-trace-id"]  # type: ignore[attr-defined]
    assert _failures(platform, code), f"no audit entry for {code}"


def test_seed_formula_in_seconds_is_accepted(client: TestClient, tenant: TenantKey) -> None:
    response = client.get("/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == tenant.tenant_id
    assert body["plan"] == "pro"
    assert body["quotas"]["monthly"]["liveness"] == 5000
    assert body["quotas"]["requests_per_minute"] == 60


def test_unsigned_request(client: TestClient, platform: Platform) -> None:
    _assert_refused(platform, client.get("/v1/tenant"), "AUTH_HEADERS_MISSING")


def test_stale_and_future_timestamps(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    # 30 s beyond the 300 s window each way: int() truncates and the request takes time, so
    # 301 could land inside the window by the time the server looks at its clock
    old = str(int(time.time()) - 330)
    _assert_refused(
        platform,
        client.get("/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant", timestamp=old)),
        "AUTH_TIMESTAMP_EXPIRED",
    )
    future = str(int(time.time()) + 330)
    _assert_refused(
        platform,
        client.get("/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant", timestamp=future)),
        "AUTH_TIMESTAMP_IN_FUTURE",
    )
    _assert_refused(
        platform,
        client.get(
            "/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant", timestamp="yesterday")
        ),
        "AUTH_TIMESTAMP_INVALID",
    )


def test_within_skew_is_accepted(client: TestClient, tenant: TenantKey) -> None:
    recent = str(int(time.time()) - 290)
    response = client.get(
        "/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant", timestamp=recent)
    )
    assert response.status_code == 200


def test_replay_is_refused(client: TestClient, platform: Platform, tenant: TenantKey) -> None:
    headers = _headers(tenant, "GET", "/v1/tenant")
    assert client.get("/v1/tenant", headers=headers).status_code == 200
    _assert_refused(platform, client.get("/v1/tenant", headers=headers), "AUTH_REPLAYED")


def test_tampering_with_body_path_or_method(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    body = json.dumps({"image_base64": "AAAA"}).encode()
    headers = {**_headers(tenant, "POST", "/v1/media", body), "Content-Type": "application/json"}
    tampered = client.post("/v1/media", content=body.replace(b"AAAA", b"BBBB"), headers=headers)
    _assert_refused(platform, tampered, "AUTH_SIGNATURE_INVALID")
    headers = _headers(tenant, "GET", "/v1/tenant")
    _assert_refused(platform, client.get("/v1/keys", headers=headers), "AUTH_SIGNATURE_INVALID")
    headers = _headers(tenant, "GET", "/v1/keys")
    _assert_refused(
        platform, client.post("/v1/keys/rotate", headers=headers), "AUTH_SIGNATURE_INVALID"
    )
    headers = _headers(tenant, "GET", "/v1/media?limit=5")
    _assert_refused(
        platform, client.get("/v1/media?limit=500", headers=headers), "AUTH_SIGNATURE_INVALID"
    )


def test_wrong_secret(client: TestClient, platform: Platform, tenant: TenantKey) -> None:
    forged = TenantKey(tenant.tenant_id, tenant.key_id, "kycs_not-the-secret")
    _assert_refused(
        platform,
        client.get("/v1/tenant", headers=_headers(forged, "GET", "/v1/tenant")),
        "AUTH_SIGNATURE_INVALID",
    )


def test_unknown_key(client: TestClient, platform: Platform, tenant: TenantKey) -> None:
    ghost = TenantKey(tenant.tenant_id, "kyck_000000000000000000000000", tenant.secret)
    _assert_refused(
        platform,
        client.get("/v1/tenant", headers=_headers(ghost, "GET", "/v1/tenant")),
        "AUTH_KEY_UNKNOWN",
    )


def test_revoked_key(client: TestClient, platform: Platform, tenant: TenantKey) -> None:
    with transaction(platform.sessions) as session:
        keys.revoke(session, tenant.key_id, "test")
    _assert_refused(
        platform,
        client.get("/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant")),
        "AUTH_KEY_REVOKED",
    )


def test_bad_nonce(client: TestClient, platform: Platform, tenant: TenantKey) -> None:
    headers = _headers(tenant, "GET", "/v1/tenant", nonce="not a valid nonce!")
    _assert_refused(platform, client.get("/v1/tenant", headers=headers), "AUTH_NONCE_INVALID")


def test_same_second_polling_with_millis_and_nonce(client: TestClient, tenant: TenantKey) -> None:
    """Two identical requests in one second: a nonce (or ms timestamp) keeps both accepted."""
    second = str(int(time.time()))
    for nonce in ("poll-1", "poll-2"):
        headers = _headers(tenant, "GET", "/v1/tenant", timestamp=second, nonce=nonce)
        assert client.get("/v1/tenant", headers=headers).status_code == 200
    millis = str(int(time.time() * 1000))
    assert (
        client.get(
            "/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant", timestamp=millis)
        ).status_code
        == 200
    )
    assert (
        client.get(
            "/v1/tenant",
            headers=_headers(tenant, "GET", "/v1/tenant", timestamp=str(int(millis) + 1)),
        ).status_code
        == 200
    )


def test_nonce_is_inside_the_signature(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    headers = _headers(tenant, "GET", "/v1/tenant", nonce="first")
    headers["X-API-NONCE"] = "second"
    _assert_refused(platform, client.get("/v1/tenant", headers=headers), "AUTH_SIGNATURE_INVALID")


def test_python_client_polls_many_times_a_second(client: TestClient, tenant: TenantKey) -> None:
    from tests.support import signed_api

    api = signed_api(client, tenant)
    statuses = [api.get("/v1/tenant").status_code for _ in range(10)]
    assert statuses == [200] * 10


def test_rotation_keeps_old_key_for_the_overlap(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    response = client.post("/v1/keys/rotate", headers=_headers(tenant, "POST", "/v1/keys/rotate"))
    assert response.status_code == 201, response.text
    issued = response.json()
    new_key = TenantKey(tenant.tenant_id, issued["api_key_id"], issued["api_key_secret"])
    assert issued["expires_previous_at"] is not None
    for key in (tenant, new_key):
        assert (
            client.get("/v1/tenant", headers=_headers(key, "GET", "/v1/tenant")).status_code == 200
        )
    listed = client.get("/v1/keys", headers=_headers(new_key, "GET", "/v1/keys")).json()
    assert "api_key_secret" not in json.dumps(listed)
    assert {k["id"] for k in listed} == {tenant.key_id, new_key.key_id}


def test_rotation_with_zero_overlap_expires_old_key(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    with transaction(platform.sessions) as session:
        owner = tenants.get(session, tenant.tenant_id)
        keys.rotate(session, platform.keyring, owner, "test", dt.timedelta(0))
    _assert_refused(
        platform,
        client.get("/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant")),
        "AUTH_KEY_EXPIRED",
    )


def test_revoke_through_api_then_refused(
    client: TestClient, platform: Platform, tenant_factory: Callable[..., TenantKey]
) -> None:
    key = tenant_factory()
    path = f"/v1/keys/{key.key_id}/revoke"
    response = client.post(path, headers=_headers(key, "POST", path))
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    _assert_refused(
        platform,
        client.get("/v1/tenant", headers=_headers(key, "GET", "/v1/tenant")),
        "AUTH_KEY_REVOKED",
    )


def test_suspended_tenant_is_forbidden(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    with transaction(platform.sessions) as session:
        tenants.get(session, tenant.tenant_id).status = "suspended"
    response = client.get("/v1/tenant", headers=_headers(tenant, "GET", "/v1/tenant"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "TENANT_SUSPENDED"


@pytest.mark.parametrize("header", ["X-API-KEY", "X-API-TIMESTAMP", "X-API-SIGN"])
def test_each_missing_header_is_named(client: TestClient, tenant: TenantKey, header: str) -> None:
    headers = _headers(tenant, "GET", "/v1/tenant")
    del headers[header]
    error = client.get("/v1/tenant", headers=headers).json()["error"]
    assert error["code"] == "AUTH_HEADERS_MISSING"
    assert error["details"]["missing"] == [header]
