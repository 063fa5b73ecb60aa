from __future__ import annotations

import json

from fastapi import APIRouter, Request

from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, State, error_responses, warn_quota
from openkyc.liveness import service
from openkyc.liveness.schemas import (
    AnalyzeRequest,
    AnalyzeResponse,
    ChallengeCreate,
    ChallengeOut,
    LivenessVerifyRequest,
    LivenessVerifyResponse,
)

router = APIRouter(
    prefix="/v1/liveness", tags=["liveness"], responses=error_responses(*SIGNED_ERRORS, 409, 413)
)


@router.post(
    "/challenge",
    response_model=ChallengeOut,
    status_code=201,
    summary="Issue an active liveness challenge",
)
def create_challenge(body: ChallengeCreate, caller: Caller, session: DbSession) -> ChallengeOut:
    """2-4 random steps from the tenant's pool (blink, turn_left, turn_right, look_up, smile),
    a nonce and an expiry (120 s by default). It can be answered once, by this tenant only."""
    challenge = service.issue(session, caller.tenant, body.session_ref)
    return ChallengeOut(
        challenge_id=challenge.id,
        steps=json.loads(challenge.steps),
        nonce=challenge.nonce,
        expires_at=challenge.expires_at,
    )


@router.post(
    "/verify",
    response_model=LivenessVerifyResponse,
    summary="Answer a challenge with a short video or a frame burst",
)
def verify(
    body: LivenessVerifyRequest, request: Request, caller: Caller, session: DbSession, state: State
) -> LivenessVerifyResponse:
    """Each step: detected or not, when, and its measured value against its named threshold;
    across frames: one face throughout, no duplicated or looped frames, natural motion. A
    capture already submitted to this tenant is refused as a replay."""
    response = service.verify_answer(session, state, caller.tenant, caller.key.id, body)
    warn_quota(request, response.usage.warnings)
    return response


@router.post(
    "/analyze",
    response_model=AnalyzeResponse,
    summary="Passive presentation-attack cues on one still",
)
def analyze(
    body: AnalyzeRequest, request: Request, caller: Caller, session: DbSession, state: State
) -> AnalyzeResponse:
    """Screen moiré, recapture borders, print texture, specular highlights, face size and
    sharpness. A single still cannot prove liveness: the confidence is capped and the hints
    say so; workflows should require the active check for an automatic accept."""
    response = service.analyze(session, state, caller.tenant, caller.key.id, body)
    warn_quota(request, response.usage.warnings)
    return response
