"""The operator's API: its own token, every action audited, tenant controls take effect."""

from __future__ import annotations

import json

from click.testing import CliRunner
from fastapi.testclient import TestClient

from openkyc.cli import main
from openkyc.platform import Platform
from tests.support import TenantKey, signed_api


def _operator_token(platform: Platform) -> str:
    result = CliRunner().invoke(
        main,
        [
            "operator",
            "token",
            "create",
            "ops-team",
            "--json",
            "--data-dir",
            str(platform.settings.data_dir),
            "--database-url",
            platform.settings.database_url(),
        ],
    )
    assert result.exit_code == 0, result.output
    return str(json.loads(result.output)["token"])


def test_operator_controls_tenants(
    client: TestClient, platform: Platform, tenant: TenantKey
) -> None:
    auth = {"Authorization": f"Bearer {_operator_token(platform)}"}
    created = client.post(
        "/v1/operator/tenants",
        headers=auth,
        json={"name": "Marketplace", "plan": "free", "country": "CIV"},
    )
    assert created.status_code == 201
    assert created.json()["api_key_secret"].startswith("kycs_")
    listed = client.get("/v1/operator/tenants", headers=auth).json()
    assert tenant.tenant_id in {t["id"] for t in listed}

    tenant_api = signed_api(client, tenant)
    path = f"/v1/operator/tenants/{tenant.tenant_id}"
    assert client.post(f"{path}/suspend", headers=auth).json()["status"] == "suspended"
    refused = tenant_api.get("/v1/tenant")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "TENANT_SUSPENDED")
    assert client.post(f"{path}/reactivate", headers=auth).json()["status"] == "active"
    assert tenant_api.get("/v1/tenant").status_code == 200

    plan = client.put(
        f"{path}/plan",
        headers=auth,
        json={"plan": "enterprise", "overrides": {"requests_per_minute": 1234, "hard_limit": True}},
    )
    assert plan.status_code == 200, plan.text
    seen = tenant_api.get("/v1/tenant").json()
    assert (seen["plan"], seen["quotas"]["requests_per_minute"]) == ("enterprise", 1234)
    assert seen["quotas"]["hard_limit"] is True

    usage = client.get(f"{path}/usage?period=2026-11", headers=auth).json()
    assert usage["period"] == "2026-11"
    revoked = client.post(f"/v1/operator/keys/{tenant.key_id}/revoke", headers=auth)
    assert revoked.json()["revoked_at"] is not None

    actions = {
        e["action"]
        for e in client.get(f"/v1/operator/audit?tenant_id={tenant.tenant_id}", headers=auth).json()
    }
    assert {
        "tenant.suspended",
        "tenant.reactivated",
        "tenant.plan_changed",
        "api_key.revoked",
    } <= actions
    reads = client.get("/v1/operator/audit?action=operator.request&limit=50", headers=auth)
    paths = {e["details"]["path"] for e in reads.json()}
    assert f"/v1/operator/tenants/{tenant.tenant_id}/usage" in paths  # reads are audited too


def test_operator_token_errors(client: TestClient, platform: Platform) -> None:
    missing = client.get("/v1/operator/tenants")
    assert missing.json()["error"]["code"] == "OPERATOR_TOKEN_MISSING"
    token = _operator_token(platform)
    wrong = client.get("/v1/operator/tenants", headers={"Authorization": f"Bearer {token[:-3]}xyz"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "OPERATOR_TOKEN_INVALID")
    result = CliRunner().invoke(
        main,
        [
            "operator",
            "token",
            "revoke",
            token.split(".")[0],
            "--data-dir",
            str(platform.settings.data_dir),
            "--database-url",
            platform.settings.database_url(),
        ],
    )
    assert result.exit_code == 0
    revoked = client.get("/v1/operator/tenants", headers={"Authorization": f"Bearer {token}"})
    assert revoked.json()["error"]["code"] == "OPERATOR_TOKEN_INVALID"


def test_plan_terms_are_validated(client: TestClient, platform: Platform) -> None:
    auth = {"Authorization": f"Bearer {_operator_token(platform)}"}
    response = client.put(
        "/v1/operator/plans/pro", headers=auth, json={"modules": {"ocr": {"monthly_quota": -1}}}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["error"]["details"]["errors"]}
    assert "body.modules.ocr.monthly_quota" in fields


def test_cli_lists_a_tenants_keys(platform: Platform, tenant: TenantKey) -> None:
    result = CliRunner().invoke(
        main,
        [
            "operator",
            "keys",
            tenant.tenant_id,
            "--data-dir",
            str(platform.settings.data_dir),
            "--database-url",
            platform.settings.database_url(),
        ],
    )
    assert result.exit_code == 0, result.output
    assert tenant.key_id in result.output
    assert tenant.secret not in result.output
