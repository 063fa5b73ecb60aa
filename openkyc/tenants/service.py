"""Tenant rules: creation with a fresh data key, lookups, data keys and blind indexes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.kit import crypto
from openkyc.kit.clock import utcnow
from openkyc.kit.ids import new_id
from openkyc.kit.text import fold
from openkyc.tenants.errors import TenantNotFound, TenantSuspended
from openkyc.tenants.models import PlanRecord, Tenant
from openkyc.tenants.plans import DEFAULT_PLANS, PlanOverrides, PlanTerms, merge
from openkyc.tenants.repository import TenantRepository
from openkyc.tenants.schemas import Quotas, TenantCreate, TenantOut

BLIND_INDEX_PURPOSE = "openkyc blind index v1"


def create(session: Session, keyring: crypto.Keyring, data: TenantCreate, actor: str) -> Tenant:
    tenant_id = new_id("ten")
    tenant = Tenant(
        id=tenant_id,
        name=data.name.strip(),
        plan=data.plan,
        country=data.country,
        support_email=str(data.support_email) if data.support_email else None,
        status="active",
        wrapped_data_key=keyring.new_wrapped_data_key(tenant_id),
        created_at=utcnow(),
    )
    TenantRepository(session).add(tenant)
    audit.record(
        session,
        action="tenant.created",
        actor=actor,
        tenant_id=tenant_id,
        object=f"tenant:{tenant_id}",
        details={"plan": data.plan},
    )
    return tenant


def get(session: Session, tenant_id: str) -> Tenant:
    tenant = TenantRepository(session).get(tenant_id)
    if tenant is None:
        raise TenantNotFound(f"tenant {tenant_id} does not exist")
    return tenant


def ensure_active(tenant: Tenant) -> None:
    if tenant.status != "active":
        raise TenantSuspended(f"tenant {tenant.id} is {tenant.status}; its keys are refused")


def plan_terms(session: Session, plan_id: str) -> PlanTerms:
    record = TenantRepository(session).plan(plan_id)
    if record is None:
        return DEFAULT_PLANS[plan_id]
    return PlanTerms.model_validate_json(record.terms)


def overrides(tenant: Tenant) -> PlanOverrides | None:
    if not tenant.plan_overrides:
        return None
    return PlanOverrides.model_validate_json(tenant.plan_overrides)


def terms(session: Session, tenant: Tenant) -> PlanTerms:
    """The tenant's effective terms: its plan with its own overrides merged over it."""
    return merge(plan_terms(session, tenant.plan), overrides(tenant))


def describe(session: Session, tenant: Tenant) -> TenantOut:
    effective = terms(session, tenant)
    return TenantOut(
        id=tenant.id,
        name=tenant.name,
        plan=tenant.plan,
        country=tenant.country,
        support_email=tenant.support_email,
        status=tenant.status,
        created_at=tenant.created_at,
        sla=effective.sla,
        quotas=Quotas(
            monthly={m: t.monthly_quota for m, t in effective.modules.items()},
            requests_per_minute=effective.requests_per_minute,
            requests_per_day=effective.requests_per_day,
            hard_limit=effective.hard_limit,
        ),
    )


def data_key(keyring: crypto.Keyring, tenant: Tenant) -> bytes:
    return keyring.data_key(tenant.id, tenant.wrapped_data_key)


def blind_index(keyring: crypto.Keyring, tenant: Tenant, field: str, value: str) -> str:
    """HMAC-SHA256 blind index of ``value`` under the tenant's own index key."""
    index_key = crypto.derive_key(data_key(keyring, tenant), BLIND_INDEX_PURPOSE)
    return crypto.blind_index(index_key, field, fold(value))


def list_all(session: Session) -> list[Tenant]:
    """Every tenant: for the operator's CLI and API only."""
    return TenantRepository(session).list_all()


def set_status(session: Session, tenant_id: str, status: str, actor: str) -> Tenant:
    """Suspend or reactivate; a suspended tenant's keys are refused with TENANT_SUSPENDED."""
    tenant = get(session, tenant_id)
    if tenant.status != status:
        previous, tenant.status = tenant.status, status
        session.flush()
        audit.record(
            session,
            action=f"tenant.{'suspended' if status == 'suspended' else 'reactivated'}",
            actor=actor,
            tenant_id=tenant.id,
            object=f"tenant:{tenant.id}",
            details={"from": previous, "to": status},
        )
    return tenant


def set_plan(
    session: Session, tenant_id: str, plan: str, plan_overrides: PlanOverrides | None, actor: str
) -> Tenant:
    tenant = get(session, tenant_id)
    tenant.plan = plan
    tenant.plan_overrides = (
        plan_overrides.model_dump_json(exclude_none=True) if plan_overrides else None
    )
    session.flush()
    audit.record(
        session,
        action="tenant.plan_changed",
        actor=actor,
        tenant_id=tenant.id,
        object=f"tenant:{tenant.id}",
        details={
            "plan": plan,
            "overrides": plan_overrides.model_dump(mode="json", exclude_none=True)
            if plan_overrides
            else None,
        },
    )
    return tenant


def plans(session: Session) -> dict[str, PlanTerms]:
    stored = {
        r.id: PlanTerms.model_validate_json(r.terms) for r in TenantRepository(session).plans()
    }
    return {**DEFAULT_PLANS, **stored}


def update_plan(session: Session, plan_id: str, new_terms: PlanTerms, actor: str) -> PlanTerms:
    TenantRepository(session).save_plan(
        PlanRecord(id=plan_id, terms=new_terms.model_dump_json(), updated_at=utcnow())
    )
    audit.record(session, action="plan.updated", actor=actor, object=f"plan:{plan_id}")
    return new_terms
