from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openkyc.tenants.plans import PlanId

_ISO3 = re.compile(r"^[A-Z]{3}$")
# Syntax only: self-hosted tenants may use internal domains (.local, .corp) on purpose.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)*$")


class TenantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    plan: PlanId = "free"
    country: str | None = Field(None, description="ISO 3166-1 alpha-3")
    support_email: str | None = Field(None, max_length=320)

    @field_validator("country")
    @classmethod
    def _alpha3(cls, value: str | None) -> str | None:
        if value is None:
            return None
        upper = value.strip().upper()
        if not _ISO3.match(upper):
            raise ValueError("country must be an ISO 3166-1 alpha-3 code such as CIV or FRA")
        return upper

    @field_validator("support_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value.strip()):
            raise ValueError("support_email must look like name@domain")
        return value.strip() if value else None


class Quotas(BaseModel):
    monthly: dict[str, int | None] = Field(
        description="per module; null means unlimited (billed per use)"
    )
    requests_per_minute: int
    requests_per_day: int
    hard_limit: bool = Field(description="true: calls over quota get 429; false: a warning")


class TenantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    plan: PlanId
    country: str | None
    support_email: str | None
    status: str
    created_at: dt.datetime
    sla: str | None
    quotas: Quotas
