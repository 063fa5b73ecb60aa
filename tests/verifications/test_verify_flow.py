"""POST /v1/kyc/verify → job → GET /v1/jobs/{id}: decisions with reasons, idempotency,
mandatory evidence, workflow versions, dry-runs, webhooks and failures."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from openkyc.client import OpenKYC
from openkyc.kit.db import transaction
from openkyc.media.models import MediaObject
from openkyc.platform import Platform
from openkyc.verifications.models import Verification
from openkyc.webhooks.models import WebhookEvent
from openkyc.worker import JobRunner
from tests.support import TenantKey, signed_api
from tests.verifications.cards import card_with_portrait, no_face, selfie


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture(scope="module")
def evidence() -> dict[str, Any]:
    return {
        "document": {"front_base64": _b64(card_with_portrait())},
        "selfie_base64": _b64(selfie()),
        "applicant": {"name": "Eileen Collins", "phone": "+2250701020304", "country": "CIV"},
        "reference": "customer-42",
    }


def _submit(api: OpenKYC, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"} | ({"Idempotency-Key": key} if key else {})
    return api.request("POST", "/v1/kyc/verify", content=json.dumps(body).encode(), headers=headers)


def _run_jobs(platform: Platform) -> None:
    runner = JobRunner(platform.runtime(), retry_delays=(0.0,))
    while runner.run_once("test"):
        pass


def test_full_flow_with_reasons(api: OpenKYC, platform: Platform, evidence: dict[str, Any]) -> None:
    accepted = _submit(api, evidence)
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    assert api.get(f"/v1/jobs/{job_id}").json()["status"] == "queued"
    _run_jobs(platform)
    view = api.get(f"/v1/jobs/{job_id}")
    body = view.json()
    assert body["status"] == "completed"
    result = body["verification"]
    assert result["reference"] == "customer-42"
    factors = {f["name"]: f for f in result["factors"]}
    assert factors["face"]["status"] == "pass"
    assert factors["face"]["reasons"][0].startswith("similarity ")
    assert "≥ threshold" in factors["face"]["reasons"][0]
    assert factors["liveness"]["status"] == "skip"
    assert result["decision"] in ("accepted", "review", "rejected")
    assert 0 <= result["score"] <= 100
    assert set(result["timings_ms"]) >= {"face_match", "kya"}
    assert {c["name"] for c in result["kya"]} == {"phone", "name_match"}
    assert "base64" not in view.text
    assert len(view.text) < 30_000  # images are never echoed back
    usage = api.get("/v1/usage").json()["modules"]["workflow"]
    assert usage["calls"] == 1


def test_idempotency(api: OpenKYC, evidence: dict[str, Any]) -> None:
    first = _submit(api, evidence, key="order-1")
    again = _submit(api, evidence, key="order-1")
    assert first.json()["job_id"] == again.json()["job_id"]
    assert again.headers["idempotent-replayed"] == "true"
    other = _submit(api, {**evidence, "reference": "other"}, key="order-1")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_concurrent_duplicates_make_one_job(
    client: TestClient, tenant: TenantKey, platform: Platform, evidence: dict[str, Any]
) -> None:
    def send(_: int) -> str:
        return str(_submit(signed_api(client, tenant), evidence, key="race").json()["job_id"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        job_ids = set(pool.map(send, range(4)))
    assert len(job_ids) == 1
    with transaction(platform.sessions) as session:
        count = session.execute(
            sa.select(sa.func.count())
            .select_from(Verification)
            .where(Verification.tenant_id == tenant.tenant_id)
        ).scalar_one()
    assert count == 1


def test_missing_mandatory_evidence_stores_nothing(
    api: OpenKYC, platform: Platform, tenant: TenantKey, evidence: dict[str, Any]
) -> None:
    response = _submit(api, {"document": evidence["document"]})
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["details"]["missing"]) == ("EVIDENCE_MISSING", ["selfie"])
    with transaction(platform.sessions) as session:
        stored = session.execute(
            sa.select(sa.func.count())
            .select_from(MediaObject)
            .where(MediaObject.tenant_id == tenant.tenant_id)
        ).scalar_one()
    assert stored == 0


@pytest.mark.parametrize("version", [-1, 2**31, 2**63])
def test_a_workflow_version_out_of_range_is_refused_and_stores_nothing(
    api: OpenKYC, platform: Platform, tenant: TenantKey, evidence: dict[str, Any], version: int
) -> None:
    # the fuzzer found 2**63 made a 500: no database integer holds it
    response = _submit(api, {**evidence, "workflow": version})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_FAILED"
    with transaction(platform.sessions) as session:
        stored = session.execute(
            sa.select(sa.func.count())
            .select_from(MediaObject)
            .where(MediaObject.tenant_id == tenant.tenant_id)
        ).scalar_one()
    assert stored == 0


def test_engine_error_is_a_reason_not_a_hung_job(
    api: OpenKYC, platform: Platform, evidence: dict[str, Any]
) -> None:
    job_id = _submit(api, {**evidence, "document": {"front_base64": _b64(no_face())}}).json()[
        "job_id"
    ]
    _run_jobs(platform)
    result = api.get(f"/v1/jobs/{job_id}").json()["verification"]
    face = next(f for f in result["factors"] if f["name"] == "face")
    assert face["status"] == "skip"
    assert "NO_FACE_FOUND" in face["reasons"][0]


def test_workflow_versions_and_dry_run(
    api: OpenKYC, platform: Platform, evidence: dict[str, Any]
) -> None:
    bad = api.request(
        "PUT",
        "/v1/workflows/current",
        content=json.dumps({"rules": ["face.similarity <<< 1 => reject"]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "WORKFLOW_INVALID")
    lenient = {"bands": {"accepted": 30, "review": 10}, "rules": [], "mandatory": ["face_match"]}
    saved = api.request(
        "PUT",
        "/v1/workflows/current",
        content=json.dumps(lenient).encode(),
        headers={"Content-Type": "application/json"},
    ).json()
    assert saved["version"] == 1
    job_id = _submit(api, evidence).json()["job_id"]
    _run_jobs(platform)
    result = api.get(f"/v1/jobs/{job_id}").json()["verification"]
    assert result["workflow_version"] == 1
    assert result["decision"] == "accepted"
    strict = {"rules": ["score < 99.0 => reject"]}
    dry = api.post("/v1/workflows/dry-run", {"job_id": job_id, "workflow": strict}).json()
    assert (dry["stored_decision"], dry["decision"]) == ("accepted", "rejected")
    assert any("score < 99.0" in reason for reason in dry["reasons"])


def test_callback_endpoint_gets_the_event(
    api: OpenKYC, platform: Platform, evidence: dict[str, Any]
) -> None:
    unknown = _submit(api, {**evidence, "callback_url": "http://127.0.0.1:9/nope"})
    assert unknown.json()["error"]["code"] == "CALLBACK_URL_UNKNOWN"
    api.post(
        "/v1/webhooks/endpoints",
        {"url": "http://127.0.0.1:9/cb", "event_types": ["usage.threshold"]},
    )
    job_id = _submit(api, {**evidence, "callback_url": "http://127.0.0.1:9/cb"}).json()["job_id"]
    _run_jobs(platform)
    with transaction(platform.sessions) as session:
        payloads = [
            json.loads(p)
            for p in session.execute(
                sa.select(WebhookEvent.payload).where(WebhookEvent.type == "kyc.completed")
            ).scalars()
        ]
    event = next(p for p in payloads if p["job_id"] == job_id)
    assert set(event) == {"job_id", "verification_id", "reference", "status", "decision", "score"}
    deliveries = api.get("/v1/webhooks/deliveries").json()
    assert any(d["event_type"] == "kyc.completed" for d in deliveries)


def test_job_that_keeps_failing_ends_failed_with_kyc_failed(
    api: OpenKYC, platform: Platform, evidence: dict[str, Any]
) -> None:
    job_id = _submit(api, evidence).json()["job_id"]
    root = platform.settings.data_dir / "media"
    for blob in root.rglob("*"):
        if blob.is_file():
            blob.unlink()
    _run_jobs(platform)
    body = api.get(f"/v1/jobs/{job_id}").json()
    assert body["status"] == "failed"
    assert body["error"]["code"] == "MediaNotFound"
    with transaction(platform.sessions) as session:
        failed = (
            session.execute(
                sa.select(WebhookEvent.payload).where(WebhookEvent.type == "kyc.failed")
            )
            .scalars()
            .all()
        )
    assert any(json.loads(p)["job_id"] == job_id for p in failed)


def _with_held_photo_video(
    api: OpenKYC, evidence: dict[str, Any], frames: int
) -> tuple[dict[str, Any], str]:
    """The evidence with a fresh challenge answered by a video of a held still photo, and the
    challenge's id."""
    from tests.vision.liveness.liveness_media_helpers import encode, held_photo

    challenge_id = api.post("/v1/liveness/challenge", {}).json()["challenge_id"]
    video = _b64(encode(held_photo(frames, moved=False), fps=20.0))
    answer = {"challenge_id": challenge_id, "video_base64": video}
    return {**evidence, "liveness": answer}, challenge_id


def test_liveness_evidence_is_judged(
    api: OpenKYC, platform: Platform, evidence: dict[str, Any]
) -> None:
    body, _ = _with_held_photo_video(api, evidence, 40)
    job_id = _submit(api, body).json()["job_id"]
    reused = _submit(api, body)
    _run_jobs(platform)
    result = api.get(f"/v1/jobs/{job_id}").json()["verification"]
    liveness = next(f for f in result["factors"] if f["name"] == "liveness")
    assert liveness["status"] == "fail"
    assert result["decision"] == "rejected"
    assert any("liveness.evaluated && !liveness.is_live" in r for r in result["reasons"])
    assert result["liveness"]["steps"]
    assert reused.status_code == 202  # both queued; the second finds the challenge used
    _run_jobs(platform)
    second = api.get(f"/v1/jobs/{reused.json()['job_id']}").json()["verification"]
    assert "LIVENESS_CHALLENGE_USED" in second["liveness"]["error"]


def test_used_challenge_is_refused_at_submission(
    api: OpenKYC, platform: Platform, evidence: dict[str, Any]
) -> None:
    response = _submit(
        api, {**evidence, "liveness": {"challenge_id": "chl_missing", "video_base64": "AAAA"}}
    )
    assert response.json()["error"]["code"] == "LIVENESS_CHALLENGE_NOT_FOUND"


def test_cli_verify_runs_the_pipeline_locally(tmp_path: Any) -> None:
    from pathlib import Path

    from click.testing import CliRunner

    from openkyc.cli import main

    folder = Path(str(tmp_path))
    (folder / "card.jpg").write_bytes(card_with_portrait())
    (folder / "selfie.jpg").write_bytes(selfie())
    result = CliRunner().invoke(
        main,
        [
            "verify",
            "--document",
            str(folder / "card.jpg"),
            "--selfie",
            str(folder / "selfie.jpg"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["decision"] in ("accepted", "review", "rejected")
    assert {f["name"] for f in body["factors"]} == {"liveness", "face", "document", "kya"}
    missing_steps = CliRunner().invoke(
        main,
        ["verify", "--document", str(folder / "card.jpg"), "--video", str(folder / "card.jpg")],
    )
    assert missing_steps.exit_code == 2


def test_document_is_read_in_the_pipeline(api: OpenKYC, platform: Platform) -> None:
    from tests.documents.specimens import passport

    body = {
        "document": {"front_base64": _b64(passport())},
        "selfie_base64": _b64(selfie()),
        "applicant": {"name": "Eileen Marie Collins", "birth_date": "1956-11-19"},
    }
    job_id = _submit(api, body).json()["job_id"]
    _run_jobs(platform)
    result = api.get(f"/v1/jobs/{job_id}").json()["verification"]
    assert result["document"]["fields"]["surname"]["value"] == "COLLINS"
    assert result["document"]["type"] == "passport"
    names = {c["name"] for c in result["checks"]}
    assert {"mrz_birth_date", "not_expired", "minimum_age"} <= names
    kya = {c["name"]: c["status"] for c in result["kya"]}
    assert kya == {"name_match": "pass", "birth_date_match": "pass"}
    document = next(f for f in result["factors"] if f["name"] == "document")
    assert document["status"] in ("pass", "fail")
    assert set(result["timings_ms"]) >= {"ocr", "validate", "face_match"}


def test_demo_runs_a_full_verification_embedded() -> None:
    from click.testing import CliRunner

    from openkyc.cli import main

    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "decision " in result.output
    assert "face      pass" in result.output
    assert "no liveness video was submitted" in result.output


def _during_evaluation(monkeypatch: pytest.MonkeyPatch, probe: Any) -> None:
    """Run `probe` on another thread while a job's pipeline runs (before its engines)."""
    from openkyc.verifications import pipeline

    evaluate = pipeline.evaluate

    def evaluate_with_probe(run: Any) -> Any:
        with ThreadPoolExecutor(max_workers=1) as other:
            other.submit(probe).result(timeout=60)
        return evaluate(run)

    monkeypatch.setattr(pipeline, "evaluate", evaluate_with_probe)


def test_a_running_job_holds_no_write_lock(
    api: OpenKYC, platform: Platform, evidence: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the engines run, other transactions write (a second worker, an API request):
    the job writes only once they are done, so jobs do not queue behind each other."""
    import time

    from openkyc.audit import service as audit

    waited: list[float] = []

    def write_elsewhere() -> None:
        started = time.monotonic()
        audit.record_detached(platform.sessions, action="test.probe", actor="test")
        waited.append(time.monotonic() - started)

    _during_evaluation(monkeypatch, write_elsewhere)
    job_id = _submit(api, evidence).json()["job_id"]
    _run_jobs(platform)
    assert api.get(f"/v1/jobs/{job_id}").json()["status"] == "completed"
    assert waited
    assert waited[0] < 5  # a held lock would make it wait for the busy timeout (30 s)


def test_a_challenge_answered_while_the_job_runs_is_reported_used(
    api: OpenKYC, platform: Platform, evidence: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from openkyc.kit.clock import utcnow
    from openkyc.liveness.models import LivenessChallenge
    from openkyc.liveness.repository import LivenessRepository

    body, challenge_id = _with_held_photo_video(api, evidence, 20)
    job_id = _submit(api, body).json()["job_id"]

    def answer_elsewhere() -> None:
        with transaction(platform.sessions) as session:
            row = session.get(LivenessChallenge, challenge_id)
            assert row is not None
            repository = LivenessRepository(session)
            assert repository.use_challenge(row.tenant_id, row.id, utcnow())

    _during_evaluation(monkeypatch, answer_elsewhere)
    _run_jobs(platform)
    view = api.get(f"/v1/jobs/{job_id}").json()
    assert view["status"] == "completed"
    assert "LIVENESS_CHALLENGE_USED" in view["verification"]["liveness"]["error"]
