from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, State, error_responses, raw_body
from openkyc.verifications import results, service
from openkyc.verifications.schemas import (
    DryRunRequest,
    DryRunResult,
    JobView,
    VerifyAccepted,
    VerifyRequest,
)

router = APIRouter(
    prefix="/v1", tags=["verifications"], responses=error_responses(*SIGNED_ERRORS, 409, 413, 415)
)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="same key and body: the same job; same key, other body: 409",
    ),
]


@router.post(
    "/kyc/verify",
    response_model=VerifyAccepted,
    status_code=202,
    summary="Run a full e-KYC verification (asynchronous)",
)
def verify(
    body: VerifyRequest,
    request: Request,
    response: Response,
    caller: Caller,
    session: DbSession,
    state: State,
    raw: Annotated[bytes, Depends(raw_body)],
    idempotency_key: IdempotencyKey = None,
) -> VerifyAccepted:
    """Stores the evidence encrypted and queues a job: liveness → OCR → validation → face match
    → KYA → scoring by default (the tenant's workflow decides). Poll `GET /v1/jobs/{job_id}` or
    receive `kyc.completed` / `kyc.failed` webhooks. Missing mandatory evidence is a 422 naming
    it, and nothing is stored."""
    verification, created = service.submit(
        session, state, caller, body, hashlib.sha256(raw).hexdigest(), idempotency_key
    )
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return VerifyAccepted(
        job_id=verification.job_id, verification_id=verification.id, status=verification.status
    )


@router.get(
    "/jobs/{job_id}", response_model=JobView, tags=["jobs"], summary="Status and result of a job"
)
def get_job(job_id: str, caller: Caller, session: DbSession, state: State) -> JobView:
    """`queued | running | completed | failed`; for a completed verification, the decision,
    score, factors with reasons, extracted document data, checks, liveness and face results and
    the time of each step. Images are never returned. Poll with a millisecond timestamp or a
    nonce so repeated polls are not refused as replays."""
    return results.job_view(session, state, caller.tenant, job_id)


@router.post(
    "/workflows/dry-run",
    response_model=DryRunResult,
    tags=["workflows"],
    summary="What a configuration would decide on a past verification",
)
def dry_run(body: DryRunRequest, caller: Caller, session: DbSession, state: State) -> DryRunResult:
    """Re-judges the stored findings of a completed verification under another configuration
    (thresholds, weights, bands, rules): no engine runs again and nothing is changed."""
    return results.dry_run(session, state, caller.tenant, body.job_id, body.workflow)
