"""Liveness rules: challenges issued by the server (random steps from the tenant's pool, a
nonce, an expiry, single use), answers verified by the engine, every submission checked
against and added to the tenant's replay index, one metered ``liveness`` event per answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from openkyc.kit import crypto
from openkyc.kit.base64data import decode_base64_field
from openkyc.kit.clock import utcnow
from openkyc.kit.errors import OpenKYCError
from openkyc.kit.ids import new_id
from openkyc.kit.image_intake import clean_base64_image
from openkyc.kit.runtime import Runtime
from openkyc.liveness.errors import (
    ChallengeExpired,
    ChallengeNotFound,
    ChallengeUsed,
    NonceMismatch,
    SessionMismatch,
    translate,
)
from openkyc.liveness.models import LivenessChallenge, LivenessFingerprint
from openkyc.liveness.repository import LivenessRepository
from openkyc.liveness.schemas import (
    AnalyzeRequest,
    AnalyzeResponse,
    LivenessVerifyRequest,
    LivenessVerifyResponse,
    StepOut,
)
from openkyc.tenants import service as tenants
from openkyc.tenants.models import Tenant
from openkyc.usage import service as usage
from openkyc.vision import liveness as engine
from openkyc.workflow import service as workflows

MODULE = "liveness"
REPLAY_WINDOW = dt.timedelta(days=30)  # how far back re-submissions are looked for
MAX_VIDEO_BYTES = 15 * 1024 * 1024
_rng = secrets.SystemRandom()


def draw_steps(pool: list[str], low: int, high: int) -> list[str]:
    """A random sequence: no step twice in a row, and no repeats while the pool allows."""
    count = _rng.randint(low, high)
    if count <= len(pool):
        return _rng.sample(pool, count)
    steps: list[str] = []
    while len(steps) < count:
        steps.append(_rng.choice([s for s in pool if not steps or s != steps[-1]] or pool))
    return steps


def issue(session: Session, tenant: Tenant, session_ref: str | None) -> LivenessChallenge:
    settings = workflows.active(session, tenant.id).config.liveness
    now = utcnow()
    challenge = LivenessChallenge(
        id=new_id("chl"),
        tenant_id=tenant.id,
        session_ref=session_ref,
        steps=json.dumps(draw_steps(list(settings.steps), settings.min_steps, settings.max_steps)),
        nonce=secrets.token_urlsafe(18),
        created_at=now,
        expires_at=now + dt.timedelta(seconds=settings.ttl_seconds),
    )
    LivenessRepository(session).add(challenge)
    return challenge


def check_answerable(
    session: Session,
    tenant: Tenant,
    challenge_id: str,
    nonce: str | None,
    session_ref: str | None = None,
) -> LivenessChallenge:
    challenge = LivenessRepository(session).get_challenge(tenant.id, challenge_id)
    if challenge is None:
        raise ChallengeNotFound(f"liveness challenge {challenge_id} does not exist")
    if challenge.used_at is not None:
        raise ChallengeUsed("this challenge was already answered; ask for a new one")
    if challenge.expires_at <= utcnow():
        raise ChallengeExpired(f"this challenge expired at {challenge.expires_at.isoformat()}")
    if nonce is not None and not secrets.compare_digest(nonce, challenge.nonce):
        raise NonceMismatch("the nonce does not belong to this challenge")
    if challenge.session_ref is not None and session_ref != challenge.session_ref:
        raise SessionMismatch("this challenge was issued for another session")
    return challenge


def consume(
    session: Session,
    tenant: Tenant,
    challenge_id: str,
    nonce: str | None,
    session_ref: str | None = None,
) -> list[str]:
    """Check and mark the challenge used (in the caller's transaction); returns its steps."""
    challenge = check_answerable(session, tenant, challenge_id, nonce, session_ref)
    if not LivenessRepository(session).use_challenge(tenant.id, challenge_id, utcnow()):
        raise ChallengeUsed("this challenge was already answered; ask for a new one")
    return _steps(challenge)


def _steps(challenge: LivenessChallenge) -> list[str]:
    steps: list[str] = json.loads(challenge.steps)
    return steps


@dataclass(frozen=True)
class ReplayCheck:
    replayed: bool
    similarity: float

    def as_dict(self) -> dict[str, Any]:
        return {"replayed": self.replayed, "similarity": round(self.similarity, 3)}


def _context(tenant: Tenant) -> bytes:
    return f"liveness-fingerprint:{tenant.id}".encode()


def check_and_index(
    session: Session, runtime: Runtime, tenant: Tenant, fingerprint: engine.Fingerprint, kind: str
) -> ReplayCheck:
    """Compare with the tenant's earlier submissions, then add this one (sealed)."""
    key = tenants.data_key(runtime.keyring, tenant)
    repository = LivenessRepository(session)
    earlier = [
        engine.Fingerprint.from_bytes(crypto.open_sealed(key, row.ciphertext, _context(tenant)))
        for row in repository.fingerprints(tenant.id, kind, utcnow() - REPLAY_WINDOW)
    ]
    replayed, similarity = engine.is_replay(fingerprint, earlier)
    repository.add(
        LivenessFingerprint(
            id=new_id("lfp"),
            tenant_id=tenant.id,
            kind=kind,
            created_at=utcnow(),
            ciphertext=crypto.seal(key, fingerprint.to_bytes(), _context(tenant)),
        )
    )
    return ReplayCheck(replayed, similarity)


def decode_answer(
    video_b64: str | None, frames_b64: list[str] | None, limit: int
) -> tuple[bytes | None, list[bytes] | None]:
    if video_b64 is not None:
        return decode_base64_field(video_b64, "video_base64", MAX_VIDEO_BYTES), None
    assert frames_b64 is not None
    return None, [
        decode_base64_field(frame, f"frames_base64.{index}", limit)
        for index, frame in enumerate(frames_b64)
    ]


def run_engine(
    video: bytes | None,
    frames: list[bytes] | None,
    steps: list[str],
    timestamps_ms: list[float] | None,
    mirrored: bool,
) -> engine.LivenessResult:
    config = engine.VerifyConfig(mirrored=mirrored)
    field = "video_base64" if video is not None else "frames_base64"
    try:
        if video is not None:
            return engine.verify_video(video, steps, config)
        assert frames is not None
        return engine.verify_burst(frames, steps, timestamps_ms, config)
    except engine.LivenessError as exc:
        raise translate(exc, field) from exc


def verdict(result: engine.LivenessResult, replay: ReplayCheck) -> dict[str, Any]:
    """The engine's verdict, refused outright when the submission was seen before."""
    if not replay.replayed:
        return {
            "is_live": result.is_live,
            "spoof_type": result.spoof_type,
            "confidence": round(result.confidence, 3),
            "hints": list(result.hints),
            "reasons": list(result.reasons),
        }
    return {
        "is_live": False,
        "spoof_type": "unknown",
        "confidence": 0.99,
        "hints": [*result.hints, "replayed submission"],
        "reasons": [
            f"this capture was already submitted (similarity {replay.similarity:.2f}): a replay",
            *result.reasons,
        ],
    }


def best_face(result: engine.LivenessResult) -> dict[str, Any]:
    best = result.best_frame
    if best is None:
        return {}
    q = best.quality
    return {
        "frame_index": best.index,
        "at_ms": round(best.at_ms, 1),
        "box": [round(v, 1) for v in best.box],
        "quality": {
            "sharpness": round(q.sharpness, 2),
            "face_width_px": round(q.face_width_px),
            "yaw_deg": round(q.yaw, 1),
            "pitch_deg": round(q.pitch, 1),
        },
    }


def best_embedding(result: engine.LivenessResult) -> np.ndarray | None:
    best = result.best_frame
    return None if best is None or best.embedding is None else best.embedding


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def verify_answer(
    session: Session,
    runtime: Runtime,
    tenant: Tenant,
    api_key_id: str | None,
    request: LivenessVerifyRequest,
) -> LivenessVerifyResponse:
    """POST /v1/liveness/verify: consume the challenge, check the capture, meter the call."""
    started = time.perf_counter()
    usage.ensure_available(session, tenant, MODULE)
    steps = consume(session, tenant, request.challenge_id, request.nonce, request.session_ref)
    video, frames = decode_answer(
        request.video_base64, request.frames_base64, runtime.image_limits.max_bytes
    )
    result = run_engine(video, frames, steps, request.timestamps_ms, request.mirrored)
    replay = check_and_index(session, runtime, tenant, result.fingerprint, "video")
    metered = usage.meter(session, tenant, MODULE, api_key_id=api_key_id)
    return LivenessVerifyResponse(
        **verdict(result, replay),
        steps=[StepOut(**dataclasses.asdict(step)) for step in result.steps],
        face=best_face(result),
        replay=replay.as_dict(),
        processing_ms=elapsed_ms(started),
        usage=metered.report(),
    )


def analyze(
    session: Session,
    runtime: Runtime,
    tenant: Tenant,
    api_key_id: str | None,
    request: AnalyzeRequest,
) -> AnalyzeResponse:
    """POST /v1/liveness/analyze: passive cues on one still, which cannot prove liveness."""
    started = time.perf_counter()
    usage.ensure_available(session, tenant, MODULE)
    image = clean_base64_image(request.image_live_base64, "image_live_base64", runtime.image_limits)
    try:
        passive = engine.analyze_still(image)
        fingerprint = engine.fingerprint_image(engine.decode_image(image))
    except engine.LivenessError as exc:
        raise translate(exc, "image_live_base64") from exc
    replay = check_and_index(session, runtime, tenant, fingerprint, "still")
    metered = usage.meter(session, tenant, MODULE, api_key_id=api_key_id)
    hints = list(passive.hints) + (["replayed submission"] if replay.replayed else [])
    return AnalyzeResponse(
        is_live=passive.is_live and not replay.replayed,
        spoof_type="unknown" if replay.replayed else passive.spoof_type,
        confidence=round(passive.confidence, 3),
        hints=hints,
        cues=[dataclasses.asdict(cue) for cue in passive.cues],
        replay=replay.as_dict(),
        processing_ms=elapsed_ms(started),
        usage=metered.report(),
    )


class PipelineAnswer:
    """The liveness step of a verification job, in two halves, so that the engines run
    outside any write transaction: the challenge is checked when the job starts and the video
    judged with no database access (`judge`, on the pipeline's second thread); the challenge
    is marked used and the video indexed against replays when the job writes (`settle`)."""

    def __init__(
        self, session: Session, tenant: Tenant, challenge_id: str, session_ref: str | None
    ) -> None:
        self.challenge_id = challenge_id
        self.result: engine.LivenessResult | None = None
        self._steps: list[str] = []
        self._error: OpenKYCError | None = None
        try:
            self._steps = _steps(check_answerable(session, tenant, challenge_id, None, session_ref))
        except OpenKYCError as exc:
            self._error = exc

    def judge(self, _challenge_id: str, video: bytes) -> tuple[dict[str, Any], np.ndarray | None]:
        """Findings before the replay index is consulted, and the best frame's embedding (so
        the workflow can check the video shows the document's holder)."""
        if self._error is not None:
            raise self._error
        self.result = run_engine(video, None, self._steps, None, False)
        return self._findings(self.result, ReplayCheck(False, 0.0)), best_embedding(self.result)

    def settle(self, session: Session, runtime: Runtime, tenant: Tenant) -> dict[str, Any] | None:
        """The step's final findings (None if the video was not judged), in the caller's
        transaction. A challenge answered meanwhile by another submission raises
        ChallengeUsed."""
        if self.result is None:
            return None
        if not LivenessRepository(session).use_challenge(tenant.id, self.challenge_id, utcnow()):
            raise ChallengeUsed("this challenge was already answered; ask for a new one")
        replay = check_and_index(session, runtime, tenant, self.result.fingerprint, "video")
        return self._findings(self.result, replay)

    @staticmethod
    def _findings(result: engine.LivenessResult, replay: ReplayCheck) -> dict[str, Any]:
        return {
            "evaluated": True,
            "mode": "active",
            **verdict(result, replay),
            "steps": [dataclasses.asdict(step) for step in result.steps],
            "face": best_face(result),
            "replay": replay.as_dict(),
            "processing_ms": round(result.processing_ms, 1),
        }
