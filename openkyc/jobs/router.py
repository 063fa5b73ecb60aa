from __future__ import annotations

from fastapi import APIRouter

from openkyc.jobs import service
from openkyc.jobs.schemas import JobOut
from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, error_responses

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], responses=error_responses(*SIGNED_ERRORS))


@router.get("/{job_id}", response_model=JobOut, summary="Status and result of a job")
def get_job(job_id: str, caller: Caller, session: DbSession) -> JobOut:
    """``queued | running | completed | failed``; the result once completed. Poll with a
    millisecond timestamp or a nonce so repeated polls are not taken for replays."""
    return JobOut.model_validate(service.get(session, caller.tenant.id, job_id))
