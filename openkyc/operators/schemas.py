from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from openkyc.tenants.plans import PlanId, PlanOverrides


class PlanChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan: PlanId
    overrides: PlanOverrides | None = None


class TenantCreated(BaseModel):
    tenant_id: str
    api_key_id: str
    api_key_secret: str
