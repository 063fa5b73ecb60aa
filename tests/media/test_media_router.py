"""Media intake through the API: stored encrypted, refused input leaves nothing behind."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from openkyc.audit.models import AuditEntry
from openkyc.client import OpenKYC
from openkyc.kit.db import transaction
from openkyc.kit.signing import signed_headers
from openkyc.media.models import MediaObject
from openkyc.platform import Platform
from tests.images import astronaut, huge_png, pixels
from tests.support import TenantKey


def _count(platform: Platform, tenant_id: str) -> int:
    with transaction(platform.sessions) as session:
        statement = sa.select(sa.func.count()).where(MediaObject.tenant_id == tenant_id)
        return int(session.execute(statement).scalar_one())


def _stored_files(platform: Platform) -> list[Path]:
    root = platform.settings.data_dir / "media"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_json_upload_is_encrypted_at_rest_and_read_back(api: OpenKYC, platform: Platform) -> None:
    original = astronaut("JPEG", exif={0x010F: "Canon"})
    response = api.post("/v1/media", {"image_base64": _b64(original), "purpose": "selfie"})
    assert response.status_code == 201, response.text
    media = response.json()
    assert (media["width"], media["height"], media["purpose"]) == (512, 512, "selfie")
    [stored] = _stored_files(platform)
    at_rest = stored.read_bytes()
    assert b"\xff\xd8\xff" not in at_rest[:16]
    assert b"JFIF" not in at_rest
    content = api.get(f"/v1/media/{media['id']}/content")
    assert content.status_code == 200
    assert content.headers["content-type"] == "image/jpeg"
    assert (pixels(content.content) == pixels(original)).all()
    assert b"Canon" not in content.content


def test_multipart_upload(api: OpenKYC, client: object, tenant: TenantKey) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient)
    request = client.build_request(
        "POST",
        "/v1/media",
        files={"file": ("selfie.png", astronaut("PNG"), "image/png")},
        data={"purpose": "portrait"},
    )
    body = request.read()
    request.headers.update(signed_headers(tenant.key_id, tenant.secret, "POST", "/v1/media", body))
    response = client.send(request)
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "image/png"


def test_data_url_prefix_is_accepted(api: OpenKYC) -> None:
    data_url = "data:image/jpeg;base64," + _b64(astronaut())
    assert api.post("/v1/media", {"image_base64": data_url}).status_code == 201


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        (lambda: _b64(astronaut()[:20000]), 422, "MEDIA_CORRUPT"),
        (lambda: _b64(astronaut() + b"#!/bin/sh\nrm -rf /\n"), 422, "MEDIA_TRAILING_DATA"),
        (lambda: _b64(b"just some text, not an image"), 415, "MEDIA_UNSUPPORTED_TYPE"),
        (lambda: _b64(huge_png()), 422, "MEDIA_TOO_MANY_PIXELS"),
        (lambda: "!!!not base64!!!", 422, "MEDIA_BASE64_INVALID"),
        (lambda: "A" * (11 * 1024 * 1024 * 4 // 3), 413, "MEDIA_TOO_LARGE"),
    ],
    ids=["truncated", "polyglot", "non-image", "50-megapixel", "bad-base64", "oversized"],
)
def test_bad_images_store_nothing(
    api: OpenKYC, platform: Platform, tenant: TenantKey, payload: object, status: int, code: str
) -> None:
    response = api.post("/v1/media", {"image_base64": payload()})  # type: ignore[operator]
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert _count(platform, tenant.tenant_id) == 0
    assert _stored_files(platform) == []


def test_empty_image_field_is_a_validation_error(api: OpenKYC) -> None:
    response = api.post("/v1/media", {"image_base64": ""})
    assert response.status_code == 422
    assert response.json()["error"]["details"]["errors"][0]["field"] == "body.image_base64"


def test_wrong_types_and_malformed_json_name_the_field(api: OpenKYC) -> None:
    wrong = api.post("/v1/media", {"image_base64": 42, "purpose": "passport-scan"})
    assert wrong.status_code == 422
    fields = {e["field"] for e in wrong.json()["error"]["details"]["errors"]}
    assert fields == {"body.image_base64", "body.purpose"}
    malformed = api.request(
        "POST",
        "/v1/media",
        content=b'{"image_base64": ',
        headers={"Content-Type": "application/json"},
    )
    assert malformed.status_code == 422
    assert malformed.json()["error"]["code"] == "VALIDATION_FAILED"


def test_unsupported_content_type(api: OpenKYC) -> None:
    response = api.request(
        "POST", "/v1/media", content=b"hello", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "UNSUPPORTED_CONTENT_TYPE"


def test_delete_removes_record_and_bytes_and_is_audited(
    api: OpenKYC, platform: Platform, tenant: TenantKey
) -> None:
    media = api.post("/v1/media", {"image_base64": _b64(astronaut())}).json()
    assert len(_stored_files(platform)) == 1
    assert api.delete(f"/v1/media/{media['id']}").status_code == 204
    assert _stored_files(platform) == []
    assert api.get(f"/v1/media/{media['id']}").status_code == 404
    with transaction(platform.sessions) as session:
        actions = (
            session.execute(
                sa.select(AuditEntry.action).where(AuditEntry.object == f"media:{media['id']}")
            )
            .scalars()
            .all()
        )
    assert set(actions) == {"media.stored", "media.deleted"}


def test_content_read_is_audited(api: OpenKYC, platform: Platform) -> None:
    media = api.post("/v1/media", {"image_base64": _b64(astronaut())}).json()
    api.get(f"/v1/media/{media['id']}/content")
    entries = api.get("/v1/audit").json()
    reads = [e for e in entries if e["action"] == "media.read"]
    assert reads
    assert reads[0]["object"] == f"media:{media['id']}"
    assert "image" not in json.dumps(reads[0]["details"])


def test_request_body_limit(client: object, tenant: TenantKey, platform: Platform) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient)
    body = b"x" * (platform.settings.media.max_request_bytes + 1)
    headers = signed_headers(tenant.key_id, tenant.secret, "POST", "/v1/media", body)
    response = client.post(
        "/v1/media", content=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "REQUEST_TOO_LARGE"


def test_malformed_multipart_is_a_400(client: object, tenant: TenantKey) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(client, TestClient)
    body = b'--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated'
    headers = signed_headers(tenant.key_id, tenant.secret, "POST", "/v1/media", body)
    response = client.post(
        "/v1/media",
        content=body,
        headers={**headers, "Content-Type": "multipart/form-data"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_REQUEST"
