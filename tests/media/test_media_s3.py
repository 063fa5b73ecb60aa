"""The same media flow with the S3 store (a real SeaweedFS server): only ciphertext leaves."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from openkyc.api import create_app
from openkyc.platform import Platform, build_platform
from openkyc.settings import S3Settings, Settings
from tests.images import astronaut, pixels
from tests.kit.s3_fixture import S3Endpoint
from tests.support import create_tenant, signed_api

pytestmark = pytest.mark.s3


@pytest.fixture
def s3_platform(settings: Settings, s3_server: S3Endpoint) -> Iterator[Platform]:
    settings.s3 = S3Settings(
        endpoint_url=s3_server.url,
        bucket=f"media-{secrets.token_hex(4)}",
        access_key=s3_server.access_key,
        secret_key=s3_server.secret_key,  # type: ignore[arg-type]
        region=s3_server.region,
        prefix="openkyc",
    )
    platform = build_platform(settings)
    yield platform
    platform.close()


def test_media_round_trip_on_s3(s3_platform: Platform, s3_server: S3Endpoint) -> None:
    client = TestClient(create_app(platform=s3_platform))
    assert client.get("/readyz").json()["checks"]["media_store"] == "ok"
    api = signed_api(client, create_tenant(s3_platform))
    original = astronaut("PNG")
    media = api.post("/v1/media", {"image_base64": base64.b64encode(original).decode()}).json()
    raw = s3_server.store(s3_platform.settings.s3.bucket or "", prefix="openkyc")
    stored_objects = list(_keys(s3_server, s3_platform.settings.s3.bucket or ""))
    assert len(stored_objects) == 1
    sealed = raw.get(stored_objects[0].removeprefix("openkyc/"))
    assert b"PNG" not in sealed[:16]
    content = api.get(f"/v1/media/{media['id']}/content")
    assert (pixels(content.content) == pixels(original)).all()
    assert api.delete(f"/v1/media/{media['id']}").status_code == 204
    assert list(_keys(s3_server, s3_platform.settings.s3.bucket or "")) == []


def _keys(s3_server: S3Endpoint, bucket: str) -> Iterator[str]:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server.url,
        region_name=s3_server.region,
        aws_access_key_id=s3_server.access_key,
        aws_secret_access_key=s3_server.secret_key,
    )
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        yield item["Key"]
