from __future__ import annotations

from fastapi.testclient import TestClient

from openkyc.api import create_app
from openkyc.kit.storage import FileObjectStore
from openkyc.platform import Platform


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "media_store": "ok"}


def test_readyz_reports_an_unwritable_store(platform: Platform) -> None:
    blocker = platform.settings.data_dir / "blocked"
    blocker.write_text("a file where the media folder should be")
    platform.store = FileObjectStore(blocker / "media")
    response = TestClient(create_app(platform=platform)).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["media_store"].startswith("unavailable")


def test_metrics_count_requests_by_route_and_status(client: TestClient) -> None:
    client.get("/healthz")
    client.get("/v1/tenant")
    text = client.get("/metrics").text
    assert 'openkyc_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in text
    assert 'route="/v1/tenant",status="401"' in text
    assert "openkyc_http_request_duration_seconds_bucket" in text
