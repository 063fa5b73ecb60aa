from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from openkyc.audit import service
from openkyc.audit.schemas import AuditEntryOut
from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, error_responses

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=error_responses(*SIGNED_ERRORS))


@router.get("", response_model=list[AuditEntryOut], summary="The tenant's audit entries")
def list_audit(
    caller: Caller, session: DbSession, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[AuditEntryOut]:
    """Newest first: key changes, media reads and deletions, failed signatures on own keys."""
    entries = service.list_for_tenant(session, caller.tenant.id, limit)
    return [AuditEntryOut.model_validate(e) for e in entries]
