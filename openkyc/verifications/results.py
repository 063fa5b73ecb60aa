"""Reading verification results: the job view (decrypted for its tenant) and dry-runs of
another configuration on stored findings."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from openkyc.jobs import service as jobs
from openkyc.kit.clock import utcnow
from openkyc.kit.runtime import Runtime
from openkyc.tenants.models import Tenant
from openkyc.verifications import judge
from openkyc.verifications.errors import VerificationNotFound
from openkyc.verifications.repository import VerificationRepository
from openkyc.verifications.schemas import DryRunResult, Factor, JobView, VerificationResult
from openkyc.verifications.service import open_sealed
from openkyc.workflow import service as workflows
from openkyc.workflow.schemas import PipelineConfig


def result_for_job(
    session: Session, runtime: Runtime, tenant: Tenant, job_id: str
) -> dict[str, Any] | None:
    verification = VerificationRepository(session).by_job(tenant.id, job_id)
    if verification is None or verification.result_ciphertext is None:
        return None
    result: dict[str, Any] = open_sealed(
        runtime, tenant, verification.id, verification.result_ciphertext
    )
    return result


def job_view(session: Session, runtime: Runtime, tenant: Tenant, job_id: str) -> JobView:
    """A job's status and, for a completed verification, its decrypted result."""
    view = JobView.model_validate(jobs.get(session, tenant.id, job_id), from_attributes=True)
    result = result_for_job(session, runtime, tenant, job_id)
    if result is not None:
        view.verification = VerificationResult.model_validate(result)
    return view


def dry_run(
    session: Session, runtime: Runtime, tenant: Tenant, job_id: str, config: PipelineConfig
) -> DryRunResult:
    """What ``config`` would decide on a completed verification's stored findings: no engine
    runs again and nothing is changed."""
    workflows.check_rules(config)
    stored = result_for_job(session, runtime, tenant, job_id)
    if stored is None:
        raise VerificationNotFound(f"job {job_id} is not a completed verification")
    outcome, _ = judge.judge(stored["findings"], config, utcnow().date())
    return DryRunResult(
        job_id=job_id,
        stored_decision=stored.get("decision"),
        stored_score=stored.get("score"),
        decision=outcome.decision,
        score=outcome.score,
        reasons=outcome.reasons,
        factors=[Factor.model_validate(f) for f in outcome.factors],
    )
