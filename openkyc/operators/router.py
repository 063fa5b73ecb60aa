"""The operator (super-admin) API: every tenant, plans, keys, usage and the audit log.

Authenticated by an operator bearer token, never by a tenant key; every action is audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from openkyc.audit import service as audit
from openkyc.audit.schemas import AuditEntryOut
from openkyc.keys import service as keys
from openkyc.keys.schemas import ApiKeyOut
from openkyc.kit.clock import utcnow
from openkyc.kit.web import DbSession, State, error_responses
from openkyc.operators.dependencies import Operator
from openkyc.operators.schemas import PlanChange, TenantCreated
from openkyc.tenants import service as tenants
from openkyc.tenants.plans import PlanId, PlanTerms
from openkyc.tenants.schemas import TenantCreate, TenantOut
from openkyc.usage import service as usage
from openkyc.usage.schemas import UsageSummary

router = APIRouter(
    prefix="/v1/operator", tags=["operator"], responses=error_responses(401, 404, 422, 500)
)


@router.post(
    "/tenants",
    response_model=TenantCreated,
    status_code=201,
    summary="Create a tenant and its first key",
)
def create_tenant(
    body: TenantCreate, operator: Operator, session: DbSession, state: State
) -> TenantCreated:
    issued = keys.onboard(session, state.keyring, body, operator.actor)
    return TenantCreated(
        tenant_id=issued.tenant_id,
        api_key_id=issued.api_key_id,
        api_key_secret=issued.api_key_secret,
    )


@router.get("/tenants", response_model=list[TenantOut], summary="Every tenant")
def list_tenants(operator: Operator, session: DbSession) -> list[TenantOut]:
    return [tenants.describe(session, t) for t in tenants.list_all(session)]


@router.get("/tenants/{tenant_id}", response_model=TenantOut, summary="One tenant")
def get_tenant(tenant_id: str, operator: Operator, session: DbSession) -> TenantOut:
    return tenants.describe(session, tenants.get(session, tenant_id))


@router.post("/tenants/{tenant_id}/suspend", response_model=TenantOut, summary="Suspend")
def suspend_tenant(tenant_id: str, operator: Operator, session: DbSession) -> TenantOut:
    """The tenant's keys are refused with 403 TENANT_SUSPENDED until it is reactivated."""
    tenant = tenants.set_status(session, tenant_id, "suspended", operator.actor)
    return tenants.describe(session, tenant)


@router.post("/tenants/{tenant_id}/reactivate", response_model=TenantOut, summary="Reactivate")
def reactivate_tenant(tenant_id: str, operator: Operator, session: DbSession) -> TenantOut:
    tenant = tenants.set_status(session, tenant_id, "active", operator.actor)
    return tenants.describe(session, tenant)


@router.put(
    "/tenants/{tenant_id}/plan",
    response_model=TenantOut,
    summary="Set a tenant's plan and overrides",
)
def set_plan(tenant_id: str, body: PlanChange, operator: Operator, session: DbSession) -> TenantOut:
    tenant = tenants.set_plan(session, tenant_id, body.plan, body.overrides, operator.actor)
    return tenants.describe(session, tenant)


@router.get("/tenants/{tenant_id}/keys", response_model=list[ApiKeyOut], summary="A tenant's keys")
def list_keys(tenant_id: str, operator: Operator, session: DbSession) -> list[ApiKeyOut]:
    tenant = tenants.get(session, tenant_id)
    return [ApiKeyOut.model_validate(k) for k in keys.list_keys(session, tenant.id)]


@router.post("/keys/{key_id}/revoke", response_model=ApiKeyOut, summary="Revoke any key")
def revoke_key(key_id: str, operator: Operator, session: DbSession) -> ApiKeyOut:
    return ApiKeyOut.model_validate(keys.revoke(session, key_id, operator.actor))


@router.get("/tenants/{tenant_id}/usage", response_model=UsageSummary, summary="A tenant's usage")
def tenant_usage(
    tenant_id: str,
    operator: Operator,
    session: DbSession,
    period: Annotated[str | None, Query(max_length=7)] = None,
) -> UsageSummary:
    chosen = usage.parse_period(period) if period else usage.period_of(utcnow())
    return usage.summary(session, tenants.get(session, tenant_id), chosen)


@router.get("/plans", response_model=dict[str, PlanTerms], summary="Plans and their terms")
def list_plans(operator: Operator, session: DbSession) -> dict[str, PlanTerms]:
    return tenants.plans(session)


@router.put("/plans/{plan_id}", response_model=PlanTerms, summary="Change a plan's terms")
def update_plan(
    plan_id: PlanId, body: PlanTerms, operator: Operator, session: DbSession
) -> PlanTerms:
    return tenants.update_plan(session, plan_id, body, operator.actor)


@router.get("/audit", response_model=list[AuditEntryOut], summary="Search the audit log")
def search_audit(
    operator: Operator,
    session: DbSession,
    tenant_id: Annotated[str | None, Query(max_length=40)] = None,
    action: Annotated[str | None, Query(max_length=80, description="prefix, e.g. auth.")] = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryOut]:
    entries = audit.search(
        session, tenant_id=tenant_id, action=action, since=since, until=until, limit=limit
    )
    audit.record(
        session,
        action="audit.searched",
        actor=operator.actor,
        details={"tenant_id": tenant_id, "action": action, "count": len(entries)},
    )
    return [AuditEntryOut.model_validate(e) for e in entries]
