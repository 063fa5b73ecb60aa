"""With OPENKYC_REDIS_URL set, two server processes share one replay cache."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from openkyc.api import create_app
from openkyc.kit.signing import signed_headers
from openkyc.platform import build_platform
from openkyc.settings import RedisSettings, Settings
from tests.support import create_tenant


@pytest.mark.redis
def test_replay_refused_across_processes(settings: Settings) -> None:
    settings.redis = RedisSettings(url="redis://127.0.0.1:6379/0")
    first, second = build_platform(settings), build_platform(settings)
    try:
        key = create_tenant(first)
        headers = signed_headers(key.key_id, key.secret, "GET", "/v1/tenant")
        one = TestClient(create_app(platform=first)).get("/v1/tenant", headers=headers)
        two = TestClient(create_app(platform=second)).get("/v1/tenant", headers=headers)
        assert one.status_code == 200
        assert two.status_code == 401
        assert two.json()["error"]["code"] == "AUTH_REPLAYED"
    finally:
        first.close()
        second.close()
