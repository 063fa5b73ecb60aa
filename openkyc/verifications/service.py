"""Verification rules: submission (idempotent, evidence checked and stored encrypted, one job),
the run (evidence → findings → judgement → sealed result, metering, webhook) and the views."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.jobs import service as jobs
from openkyc.keys.service import Caller
from openkyc.kit import crypto
from openkyc.kit.base64data import decode_base64_field
from openkyc.kit.clock import utcnow
from openkyc.kit.errors import OpenKYCError
from openkyc.kit.ids import new_id
from openkyc.kit.runtime import Runtime
from openkyc.kya.schemas import Applicant
from openkyc.liveness import service as liveness
from openkyc.media import service as media
from openkyc.tenants import service as tenants
from openkyc.tenants.models import Tenant
from openkyc.usage import service as usage
from openkyc.verifications import judge, pipeline
from openkyc.verifications.errors import (
    CallbackUrlUnknown,
    EvidenceMissing,
    IdempotencyKeyReused,
    VerificationNotFound,
)
from openkyc.verifications.models import Verification
from openkyc.verifications.repository import VerificationRepository
from openkyc.verifications.schemas import (
    VerifyRequest,
)
from openkyc.webhooks import service as webhooks
from openkyc.workflow import service as workflows
from openkyc.workflow.schemas import PipelineConfig
from openkyc.workflow.scoring import Outcome

TASK = "verification.run"
SCOPE = "kyc.verify"
MODULE = "workflow"
NEEDS = {
    "ocr": {"document"},
    "validate": {"document"},
    "face_match": {"document", "selfie"},
    "liveness": {"liveness"},
}


def _seal(runtime: Runtime, tenant: Tenant, owner: str, payload: Any) -> bytes:
    return crypto.seal(
        tenants.data_key(runtime.keyring, tenant),
        json.dumps(payload).encode(),
        f"verification:{owner}".encode(),
    )


def open_sealed(runtime: Runtime, tenant: Tenant, owner: str, blob: bytes) -> Any:
    return json.loads(
        crypto.open_sealed(
            tenants.data_key(runtime.keyring, tenant), blob, f"verification:{owner}".encode()
        )
    )


def _resolve_config(
    session: Session, tenant: Tenant, request: VerifyRequest
) -> workflows.Versioned:
    if isinstance(request.workflow, PipelineConfig):
        workflows.check_rules(request.workflow)
        return workflows.Versioned(-1, request.workflow)
    if isinstance(request.workflow, int):
        return workflows.at_version(session, tenant.id, request.workflow)
    return workflows.active(session, tenant.id)


def _check_evidence(request: VerifyRequest, config: PipelineConfig) -> None:
    provided = {
        name
        for name, given in (
            ("document", request.document),
            ("selfie", request.selfie_base64),
            ("liveness", request.liveness),
        )
        if given is not None
    }
    needed = set().union(*(NEEDS.get(step, set()) for step in config.mandatory))
    missing = sorted(needed - provided)
    if missing:
        raise EvidenceMissing(
            f"the workflow requires {', '.join(missing)}; nothing was stored",
            details={"missing": missing, "mandatory_steps": list(config.mandatory)},
        )


def submit(
    session: Session,
    runtime: Runtime,
    caller: Caller,
    request: VerifyRequest,
    body_sha256: str,
    idempotency_key: str | None,
) -> tuple[Verification, bool]:
    """Create the verification and its job, or return the one this idempotency key made."""
    tenant, repository = caller.tenant, VerificationRepository(session)
    verification_id = new_id("vrf")
    if idempotency_key is not None:
        claimed = repository.claim_key(
            {
                "tenant_id": tenant.id,
                "scope": SCOPE,
                "key": idempotency_key,
                "request_sha256": body_sha256,
                "resource_id": verification_id,
                "created_at": utcnow(),
            }
        )
        if not claimed:
            return _replay(repository, tenant, idempotency_key, body_sha256), False
    versioned = _resolve_config(session, tenant, request)
    _check_evidence(request, versioned.config)
    if request.liveness is not None:
        liveness.check_answerable(
            session, tenant, request.liveness.challenge_id, None, request.reference
        )
    usage.ensure_available(session, tenant, MODULE)
    callback = _callback(session, tenant, request.callback_url)
    evidence = _store_evidence(session, runtime, caller, request)
    job = jobs.enqueue(
        session, tenant.id, TASK, {"tenant_id": tenant.id, "verification_id": verification_id}
    )
    verification = Verification(
        id=verification_id,
        tenant_id=tenant.id,
        job_id=job.id,
        reference=request.reference,
        workflow_version=versioned.version,
        config=versioned.config.model_dump_json(),
        evidence=json.dumps(evidence),
        status="queued",
        created_at=utcnow(),
        callback_endpoint_id=callback,
        applicant_ciphertext=_seal(runtime, tenant, verification_id, request.applicant.model_dump())
        if request.applicant
        else None,
    )
    repository.add(verification)
    audit.record(
        session,
        action="verification.submitted",
        actor=caller.actor,
        tenant_id=tenant.id,
        object=f"verification:{verification_id}",
        details={"job_id": job.id, "workflow_version": versioned.version},
    )
    return verification, True


def _replay(
    repository: VerificationRepository, tenant: Tenant, key: str, body_sha256: str
) -> Verification:
    claim = repository.key(tenant.id, SCOPE, key)
    assert claim is not None  # the conflicting insert saw it
    if claim.request_sha256 != body_sha256:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was used with a different request body",
            details={"idempotency_key": key},
        )
    existing = repository.get(tenant.id, claim.resource_id)
    if existing is None:
        raise VerificationNotFound("the verification of this Idempotency-Key no longer exists")
    return existing


def _callback(session: Session, tenant: Tenant, url: str | None) -> str | None:
    if url is None:
        return None
    endpoint = webhooks.endpoint_for_url(session, tenant, url)
    if endpoint is None:
        raise CallbackUrlUnknown(
            "callback_url must be one of your webhook endpoints (POST /v1/webhooks/endpoints "
            "gives it a signing secret)",
            details={"field": "body.callback_url"},
        )
    return endpoint.id


def _store_evidence(
    session: Session, runtime: Runtime, caller: Caller, request: VerifyRequest
) -> dict[str, str]:
    ctx = media.MediaContext(runtime.keyring, runtime.store, runtime.image_limits)
    limit, stored = runtime.image_limits.max_bytes, {}
    images = {
        "document_front": (
            "document.front_base64",
            request.document.front_base64 if request.document else None,
        ),
        "document_back": (
            "document.back_base64",
            request.document.back_base64 if request.document else None,
        ),
        "selfie": ("selfie_base64", request.selfie_base64),
    }
    for purpose, (field, text) in images.items():
        if text is not None:
            data = decode_base64_field(text, field, limit)
            stored[purpose] = media.store_image(
                session, ctx, caller.tenant, data, purpose, caller.actor, field=field
            ).id
    if request.liveness is not None:
        video = decode_base64_field(
            request.liveness.video_base64, "liveness.video_base64", media.MAX_VIDEO_BYTES
        )
        stored["liveness_video"] = media.store_video(
            session,
            ctx,
            caller.tenant,
            video,
            "liveness_video",
            caller.actor,
            field="liveness.video_base64",
        ).id
        stored["liveness_challenge_id"] = request.liveness.challenge_id
    return stored


def _evidence(
    session: Session, runtime: Runtime, tenant: Tenant, verification: Verification, actor: str
) -> tuple[pipeline.Evidence, list[str]]:
    """The decrypted evidence and the ids of the media read (audited when the job commits)."""
    ctx = media.MediaContext(runtime.keyring, runtime.store, runtime.image_limits)
    ids = json.loads(verification.evidence)
    read: list[str] = []

    def load(purpose: str) -> bytes | None:
        media_id = ids.get(purpose)
        if not media_id:
            return None
        read.append(media_id)
        return media.read(session, ctx, tenant, media_id, actor, audit_now=False)[1]

    applicant = (
        open_sealed(runtime, tenant, verification.id, verification.applicant_ciphertext)
        if verification.applicant_ciphertext
        else None
    )
    evidence = pipeline.Evidence(
        document_front=load("document_front"),
        document_back=load("document_back"),
        selfie=load("selfie"),
        liveness_video=load("liveness_video"),
        challenge_id=ids.get("liveness_challenge_id"),
        applicant=Applicant.model_validate(applicant) if applicant else None,
    )
    return evidence, read


def run(
    session: Session,
    runtime: Runtime,
    tenant_id: str,
    verification_id: str,
    dns_servers: list[str] | None = None,
) -> dict[str, Any]:
    """The job body: evaluate the evidence, judge it, seal the result, meter, notify.

    Reads come first and every write comes after the engines have run, so the job holds no
    write lock (SQLite's database lock, the audit chain's head row) while it computes: two
    workers then run two verifications at once instead of one after the other."""
    tenant = tenants.get(session, tenant_id)
    verification = VerificationRepository(session).get(tenant_id, verification_id)
    if verification is None:
        raise VerificationNotFound(f"verification {verification_id} does not exist")
    config = PipelineConfig.model_validate_json(verification.config)
    actor = f"job:{verification.job_id}"
    evidence, media_read = _evidence(session, runtime, tenant, verification, actor)
    video = (
        liveness.PipelineAnswer(session, tenant, evidence.challenge_id, verification.reference)
        if evidence.challenge_id
        else None
    )
    evaluated = pipeline.evaluate(
        pipeline.Run(evidence, config, dns_servers, video.judge if video else None)
    )
    # The first write takes the audit chain's head (and SQLite's lock): from here on, jobs
    # write one at a time, so two copies of one video cannot both pass the replay index.
    for media_id in media_read:
        media.record_read(session, tenant, media_id, actor)
    if video is not None:
        try:
            settled = video.settle(session, runtime, tenant)
        except OpenKYCError as exc:
            settled = pipeline.liveness_error(exc)
        if settled is not None:
            evaluated.findings["liveness"] = settled
    outcome, checks = judge.judge(evaluated.findings, config, utcnow().date())
    result = _result(verification, evaluated, outcome, checks)
    verification.result_ciphertext = _seal(runtime, tenant, verification.id, result)
    verification.status, verification.completed_at = "completed", utcnow()
    verification.decision, verification.score = outcome.decision, outcome.score
    session.flush()
    usage.meter(
        session,
        tenant,
        MODULE,
        api_key_id=None,
        job_id=verification.job_id,
        idempotency_key=verification.id,
    )
    webhooks.emit(
        session,
        tenant.id,
        "kyc.completed",
        _event(verification),
        also_to=verification.callback_endpoint_id,
    )
    audit.record(
        session,
        action="verification.completed",
        actor=actor,
        tenant_id=tenant.id,
        object=f"verification:{verification.id}",
        details={"decision": outcome.decision, "score": outcome.score},
    )
    return {
        "verification_id": verification.id,
        "decision": outcome.decision,
        "score": outcome.score,
    }


def _result(
    verification: Verification,
    evaluated: pipeline.Run,
    outcome: Outcome,
    checks: list[dict[str, Any]],
) -> dict[str, Any]:
    findings = evaluated.findings
    return {
        "verification_id": verification.id,
        "reference": verification.reference,
        "decision": outcome.decision,
        "score": outcome.score,
        "factors": outcome.factors,
        "reasons": outcome.reasons,
        "workflow_version": verification.workflow_version,
        "document": {k: v for k, v in findings.get("document", {}).items() if k != "checks"},
        "checks": checks,
        "face_match": findings.get("face", {}),
        "liveness": findings.get("liveness", {}),
        "kya": findings.get("kya", {}).get("checks", []),
        "timings_ms": evaluated.timings_ms,
        "findings": findings,
    }


def _event(verification: Verification) -> dict[str, Any]:
    """Webhook payload: ids and the outcome, never personal data."""
    return {
        "job_id": verification.job_id,
        "verification_id": verification.id,
        "reference": verification.reference,
        "status": verification.status,
        "decision": verification.decision,
        "score": verification.score,
    }


def mark_failed(
    session: Session, tenant_id: str, verification_id: str, error: dict[str, Any]
) -> None:
    """The job gave up after its last attempt: record it and tell the tenant (kyc.failed)."""
    verification = VerificationRepository(session).get(tenant_id, verification_id)
    if verification is None:
        return
    verification.status, verification.completed_at = "failed", utcnow()
    session.flush()
    webhooks.emit(
        session,
        tenant_id,
        "kyc.failed",
        {**_event(verification), "error": error.get("code")},
        also_to=verification.callback_endpoint_id,
    )
