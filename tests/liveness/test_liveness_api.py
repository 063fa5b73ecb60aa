"""/v1/liveness/*: challenges as server state (single use, expiry, tenant-bound, nonce), attacks
refused, replays refused, decoding errors as 4xx, passive analysis honest about stills."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from fastapi.testclient import TestClient

from openkyc.cli import main
from openkyc.client import OpenKYC
from openkyc.kit.db import transaction
from openkyc.liveness.models import LivenessChallenge
from openkyc.platform import Platform
from tests.support import signed_api
from tests.vision.liveness.liveness_media_helpers import encode, held_photo, jpeg

DATA = Path(os.environ.get("OPENKYC_DATA", Path(__file__).resolve().parents[2] / "../shared/data"))
LIVE_BLINK = DATA / "liveness" / "videos" / "live_02_blinks_closeup.mp4"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture(scope="module")
def photo_video() -> bytes:
    """A printed photo held static in front of the camera, as MP4."""
    return encode(held_photo(60, moved=False), fps=20.0)


def _challenge(api: OpenKYC) -> dict[str, Any]:
    response = api.post("/v1/liveness/challenge", {})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _answer(api: OpenKYC, challenge: dict[str, Any], video: bytes, **extra: Any) -> Any:
    return api.post(
        "/v1/liveness/verify",
        {
            "challenge_id": challenge["challenge_id"],
            "nonce": challenge["nonce"],
            "video_base64": _b64(video),
            **extra,
        },
    )


def test_challenge_shape(api: OpenKYC) -> None:
    challenge = _challenge(api)
    assert 2 <= len(challenge["steps"]) <= 4
    assert set(challenge["steps"]) <= {"blink", "turn_left", "turn_right", "look_up"}
    expires = dt.datetime.fromisoformat(challenge["expires_at"])
    assert 100 < (expires - dt.datetime.now(dt.UTC)).total_seconds() <= 120


def test_still_photo_is_refused_with_step_details(api: OpenKYC, photo_video: bytes) -> None:
    response = _answer(api, _challenge(api), photo_video)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["is_live"] is False
    assert body["reasons"]
    assert all(not step["detected"] for step in body["steps"])
    assert all(step["threshold_name"] for step in body["steps"])
    assert body["usage"]["module"] == "liveness"


def test_challenge_is_single_use(api: OpenKYC, photo_video: bytes) -> None:
    challenge = _challenge(api)
    _answer(api, challenge, photo_video)
    again = _answer(api, challenge, photo_video)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "LIVENESS_CHALLENGE_USED")


def test_resubmitted_video_is_a_replay(api: OpenKYC, photo_video: bytes) -> None:
    first = _answer(api, _challenge(api), photo_video).json()
    second = _answer(api, _challenge(api), photo_video).json()
    assert first["replay"]["replayed"] is False
    assert second["replay"]["replayed"] is True
    assert "already submitted" in second["reasons"][0]


def test_expired_wrong_nonce_and_other_tenant(
    api: OpenKYC, client: TestClient, platform: Platform, photo_video: bytes, tenant_factory: Any
) -> None:
    challenge = _challenge(api)
    wrong = _answer(api, {**challenge, "nonce": "not-the-nonce"}, photo_video)
    assert wrong.json()["error"]["code"] == "LIVENESS_NONCE_MISMATCH"
    other = signed_api(client, tenant_factory())
    assert (
        _answer(other, challenge, photo_video).json()["error"]["code"]
        == "LIVENESS_CHALLENGE_NOT_FOUND"
    )
    with transaction(platform.sessions) as session:
        session.execute(
            sa.update(LivenessChallenge)
            .where(LivenessChallenge.id == challenge["challenge_id"])
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    expired = _answer(api, challenge, photo_video)
    assert expired.json()["error"]["code"] == "LIVENESS_CHALLENGE_EXPIRED"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 500, "LIVENESS_MEDIA_CORRUPT"),
        (b"not a video at all", "LIVENESS_MEDIA_CORRUPT"),
    ],
)
def test_undecodable_video(api: OpenKYC, payload: bytes, code: str) -> None:
    response = _answer(api, _challenge(api), payload)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["details"]["field"] == "video_base64"


def test_request_needs_exactly_one_capture(api: OpenKYC) -> None:
    challenge = _challenge(api)
    response = api.post(
        "/v1/liveness/verify",
        {"challenge_id": challenge["challenge_id"], "nonce": challenge["nonce"]},
    )
    assert response.status_code == 422
    assert "exactly one" in json.dumps(response.json())


def test_frame_burst_of_a_still(api: OpenKYC) -> None:
    frames = [_b64(jpeg(f)) for f in held_photo(12, moved=False)]
    challenge = _challenge(api)
    body = api.post(
        "/v1/liveness/verify",
        {
            "challenge_id": challenge["challenge_id"],
            "nonce": challenge["nonce"],
            "frames_base64": frames,
        },
    ).json()
    assert body["is_live"] is False


def test_analyze_says_a_still_cannot_prove_liveness(api: OpenKYC) -> None:
    still = jpeg(np.ascontiguousarray(held_photo(1, moved=False)[0]))
    body = api.post("/v1/liveness/analyze", {"image_live_base64": _b64(still)}).json()
    assert body["confidence"] <= 0.5 or body["is_live"] is False
    assert any("cannot prove" in hint or "still" in hint for hint in body["hints"])
    assert body["cues"]


@pytest.mark.skipif(not LIVE_BLINK.exists(), reason=f"shared clip {LIVE_BLINK} (OPENKYC_DATA)")
def test_real_blink_answers_a_blink_challenge(api: OpenKYC) -> None:
    from openkyc.vision.liveness import MediaLimits, decode_video

    saved = api.request(
        "PUT",
        "/v1/workflows/current",
        content=json.dumps(
            {"liveness": {"steps": ["blink"], "min_steps": 1, "max_steps": 1}}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert saved.status_code == 200, saved.text
    media = decode_video(LIVE_BLINK.read_bytes(), MediaLimits(max_seconds=30, max_frames=2000))
    frames = [f for f, t in zip(media.frames, media.timestamps_ms, strict=True) if t < 3000]
    fps = 1000.0 / float(np.median(np.diff(media.timestamps_ms)))
    body = _answer(api, _challenge(api), encode(frames, fps=fps)).json()
    assert body["is_live"] is True, body["reasons"]
    assert body["steps"][0]["detected"] is True


def test_cli_commands(tmp_path: Path, photo_video: bytes) -> None:
    runner = CliRunner()
    challenge = json.loads(runner.invoke(main, ["liveness", "challenge", "--json"]).output)
    assert 2 <= len(challenge["steps"]) <= 4
    video = tmp_path / "photo.mp4"
    video.write_bytes(photo_video)
    result = runner.invoke(
        main, ["liveness", "verify", str(video), "--challenge-steps", "blink,turn_left", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["is_live"] is False
    broken = tmp_path / "broken.webm"
    broken.write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 100)
    failed = runner.invoke(main, ["liveness", "verify", str(broken), "--challenge-steps", "blink"])
    assert failed.exit_code == 1
    assert "LIVENESS_MEDIA" in failed.output


def test_challenge_bound_to_a_session(api: OpenKYC, photo_video: bytes) -> None:
    bound = api.post("/v1/liveness/challenge", {"session_ref": "onboarding-7"}).json()
    other = _answer(api, bound, photo_video, session_ref="onboarding-8")
    assert other.json()["error"]["code"] == "LIVENESS_SESSION_MISMATCH"
    same = _answer(api, bound, photo_video, session_ref="onboarding-7")
    assert same.status_code == 200
