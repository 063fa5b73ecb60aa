"""Tenant rules: creation with a fresh data key, lookups, data keys and blind indexes."""

from __future__ import annotations

import unicodedata

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.kit import crypto
from openkyc.kit.clock import utcnow
from openkyc.kit.ids import new_id
from openkyc.tenants.errors import TenantNotFound, TenantSuspended
from openkyc.tenants.models import Tenant
from openkyc.tenants.plans import PLANS
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


def describe(tenant: Tenant) -> TenantOut:
    plan = PLANS[tenant.plan]
    return TenantOut(
        id=tenant.id,
        name=tenant.name,
        plan=tenant.plan,
        country=tenant.country,
        support_email=tenant.support_email,
        status=tenant.status,
        created_at=tenant.created_at,
        sla=plan.sla,
        quotas=Quotas(
            monthly=dict(plan.monthly_quotas),
            requests_per_minute=plan.requests_per_minute,
            requests_per_day=plan.requests_per_day,
        ),
    )


def data_key(keyring: crypto.Keyring, tenant: Tenant) -> bytes:
    return keyring.data_key(tenant.id, tenant.wrapped_data_key)


def normalize_for_index(value: str) -> str:
    """Case, accents and spacing do not make two values different for a lookup."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.upper().split())


def blind_index(keyring: crypto.Keyring, tenant: Tenant, field: str, value: str) -> str:
    """HMAC-SHA256 blind index of ``value`` under the tenant's own index key."""
    index_key = crypto.derive_key(data_key(keyring, tenant), BLIND_INDEX_PURPOSE)
    return crypto.blind_index(index_key, field, normalize_for_index(value))


def list_all(session: Session) -> list[Tenant]:
    """Every tenant: for the operator's CLI and API only."""
    return TenantRepository(session).list_all()
