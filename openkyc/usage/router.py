from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from openkyc.keys.dependencies import Caller
from openkyc.kit.clock import utcnow
from openkyc.kit.web import SIGNED_ERRORS, DbSession, error_responses
from openkyc.usage import service
from openkyc.usage.schemas import UsageSummary

router = APIRouter(prefix="/v1/usage", tags=["usage"], responses=error_responses(*SIGNED_ERRORS))


@router.get("", response_model=UsageSummary, summary="Usage and quotas for a month")
def get_usage(
    caller: Caller,
    session: DbSession,
    period: Annotated[
        str | None, Query(description="UTC month YYYY-MM; default: this month", max_length=7)
    ] = None,
) -> UsageSummary:
    """Per module: successful calls, billed calls, amount, quota and what remains."""
    chosen = service.parse_period(period) if period else service.period_of(utcnow())
    return service.summary(session, caller.tenant, chosen)
