from __future__ import annotations

from fastapi import APIRouter

from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, error_responses
from openkyc.tenants import service
from openkyc.tenants.schemas import TenantOut

router = APIRouter(prefix="/v1", tags=["tenant"], responses=error_responses(*SIGNED_ERRORS))


@router.get("/tenant", response_model=TenantOut, summary="The calling tenant")
def get_tenant(caller: Caller, session: DbSession) -> TenantOut:
    """Name, plan, country and quotas of the tenant whose key signed the request: the simplest
    signed route, useful to check a client's signing."""
    return service.describe(session, caller.tenant)
