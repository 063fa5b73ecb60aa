"""POST /v1/face/match on real photographs, its errors per image, and its metering."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
import skimage.data
from click.testing import CliRunner
from PIL import Image

from openkyc.cli import main
from openkyc.client import OpenKYC
from openkyc.kit.db import transaction
from openkyc.platform import Platform
from openkyc.tenants import service as tenants
from openkyc.tenants.plans import ModuleTerms, PlanOverrides
from tests.support import TenantKey


def _jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture(scope="module")
def selfie() -> bytes:
    return _jpeg(np.asarray(skimage.data.astronaut()))


@pytest.fixture(scope="module")
def portrait() -> bytes:
    """The same face as a small, compressed, slightly rotated document-style crop."""
    face = Image.fromarray(np.asarray(skimage.data.astronaut())[20:300, 120:360])
    small = face.rotate(4, resample=Image.Resampling.BILINEAR).resize((180, 210))
    return _jpeg(np.asarray(small), quality=40)


def test_genuine_pair_matches(api: OpenKYC, selfie: bytes, portrait: bytes) -> None:
    response = api.post(
        "/v1/face/match", {"image_a_base64": _b64(selfie), "image_b_base64": _b64(portrait)}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["match"] is True
    assert body["similarity"] >= body["threshold"]
    assert body["faces"]["a"]["box"]["width"] > 50
    assert body["faces"]["b"]["quality"]["face_width_px"] > 40
    assert body["usage"] == {
        "module": "face_match",
        "billed": True,
        "reason": "billable",
        "warnings": [],
    }
    assert any("threshold" in reason for reason in body["reasons"])


def test_different_people_and_threshold_override(api: OpenKYC, selfie: bytes) -> None:
    cbook = pytest.importorskip("matplotlib.cbook")
    with open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False), "rb") as handle:
        hopper = _b64(handle.read())
    strict = api.post(
        "/v1/face/match", {"image_a_base64": _b64(selfie), "image_b_base64": hopper}
    ).json()
    assert strict["match"] is False
    assert strict["similarity"] < strict["threshold"]
    assert strict["estimated_false_match_rate"] <= 0.001
    lax = api.post(
        "/v1/face/match",
        {"image_a_base64": _b64(selfie), "image_b_base64": hopper, "threshold": 0.01},
    ).json()
    assert (lax["threshold"], lax["match"]) == (0.01, True)


def test_no_face_names_the_image(api: OpenKYC, selfie: bytes) -> None:
    coffee = _jpeg(np.asarray(skimage.data.coffee()))
    response = api.post(
        "/v1/face/match", {"image_a_base64": _b64(selfie), "image_b_base64": _b64(coffee)}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["details"]["image"]) == ("NO_FACE_FOUND", "image_b")


def test_several_faces_under_strict_policy(api: OpenKYC, selfie: bytes, portrait: bytes) -> None:
    astronaut = np.asarray(skimage.data.astronaut())
    pair = np.ascontiguousarray(np.hstack([astronaut[:, 60:380], astronaut[:, 380:60:-1]]))
    response = api.post(
        "/v1/face/match",
        {
            "image_a_base64": _b64(_jpeg(pair)),
            "image_b_base64": _b64(portrait),
            "multi_face_policy": "reject",
        },
    )
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (422, "MULTIPLE_FACES")
    assert error["details"]["image"] == "image_a"
    assert len(error["details"]["faces"]) == 2


def test_bad_inputs(api: OpenKYC, selfie: bytes) -> None:
    corrupt = api.post(
        "/v1/face/match", {"image_a_base64": _b64(selfie[:5000]), "image_b_base64": _b64(selfie)}
    )
    assert corrupt.json()["error"]["code"] == "MEDIA_CORRUPT"
    assert corrupt.json()["error"]["details"]["field"] == "image_a_base64"
    missing = api.post("/v1/face/match", {"image_a_base64": _b64(selfie)})
    assert missing.status_code == 422
    assert missing.json()["error"]["details"]["errors"][0]["field"] == "body.image_b_base64"
    bad_threshold = api.post(
        "/v1/face/match", {"image_a_base64": "x", "image_b_base64": "y", "threshold": 1.5}
    )
    assert bad_threshold.json()["error"]["details"]["errors"][0]["field"] == "body.threshold"


def test_failed_match_bills_nothing_and_quota_warns(
    api: OpenKYC, platform: Platform, tenant: TenantKey, selfie: bytes, portrait: bytes
) -> None:
    with transaction(platform.sessions) as session:
        tenants.set_plan(
            session,
            tenant.tenant_id,
            "pro",
            PlanOverrides(modules={"face_match": ModuleTerms(monthly_quota=1, unit_price="0.05")}),
            "test",
        )
    coffee = _b64(_jpeg(np.asarray(skimage.data.coffee())))
    api.post("/v1/face/match", {"image_a_base64": coffee, "image_b_base64": coffee})
    assert api.get("/v1/usage").json()["modules"]["face_match"]["calls"] == 0
    ok = api.post(
        "/v1/face/match", {"image_a_base64": _b64(selfie), "image_b_base64": _b64(portrait)}
    )
    assert (
        "over quota" in ok.headers["x-quota-warning"]
        or "near quota" in ok.headers["x-quota-warning"]
    )
    assert api.get("/v1/usage").json()["modules"]["face_match"]["calls"] == 1


def test_cli_face_match(tmp_path: object, selfie: bytes, portrait: bytes) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "a.jpg").write_bytes(selfie)
    (folder / "b.jpg").write_bytes(portrait)
    result = CliRunner().invoke(
        main, ["face", "match", str(folder / "a.jpg"), str(folder / "b.jpg"), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert '"match": true' in result.output
    (folder / "c.jpg").write_bytes(_jpeg(np.asarray(skimage.data.coffee())))
    failed = CliRunner().invoke(
        main, ["face", "match", str(folder / "a.jpg"), str(folder / "c.jpg")]
    )
    assert failed.exit_code == 1
    assert "NO_FACE_FOUND" in failed.output


def test_tenant_threshold_applies_by_default(api: OpenKYC, selfie: bytes, portrait: bytes) -> None:
    import json

    api.request(
        "PUT",
        "/v1/workflows/current",
        headers={"Content-Type": "application/json"},
        content=json.dumps({"thresholds": {"face_similarity": 0.9}}).encode(),
    )
    body = api.post(
        "/v1/face/match", {"image_a_base64": _b64(selfie), "image_b_base64": _b64(portrait)}
    ).json()
    assert body["threshold"] == 0.9
