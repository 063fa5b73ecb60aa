"""Plans as data: the default terms of Free (sandbox), Pro and Enterprise from the seed.

Stored in the ``plans`` table (seeded by migration 0003) and editable by the operator; a tenant
may carry overrides merged over its plan. Prices are the seed's ranges: Pro at the top of each
range, Enterprise at the bottom; the workflow is priced as the sum of its modules, with
volume discount tiers on the workflow line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Module = Literal["liveness", "ocr", "validate", "face_match", "workflow"]
MODULES: tuple[Module, ...] = ("liveness", "ocr", "validate", "face_match", "workflow")
PlanId = Literal["free", "pro", "enterprise"]


class ModuleTerms(BaseModel):
    model_config = ConfigDict(extra="forbid")
    monthly_quota: int | None = Field(None, ge=0, description="null: unlimited")
    unit_price: Decimal = Field(Decimal("0"), ge=0, description="USD per billed call")


class DiscountTier(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_calls: int = Field(ge=1, description="workflow calls in the month")
    percent: Decimal = Field(ge=0, le=100)


class PlanTerms(BaseModel):
    model_config = ConfigDict(extra="forbid")
    modules: dict[Module, ModuleTerms]
    requests_per_minute: int = Field(60, ge=1)
    requests_per_day: int = Field(50_000, ge=1)
    endpoint_limits: dict[str, int] = Field(
        default_factory=dict, description="route template -> requests per minute per key"
    )
    hard_limit: bool = Field(False, description="quota reached: 429 (true) or warn (false)")
    discount_tiers: list[DiscountTier] = Field(default_factory=list)
    sla: str | None = None
    currency: str = "USD"


class PlanOverrides(BaseModel):
    """Per-tenant changes to its plan; unset fields keep the plan's value."""

    model_config = ConfigDict(extra="forbid")
    modules: dict[Module, ModuleTerms] | None = None
    requests_per_minute: int | None = Field(None, ge=1)
    requests_per_day: int | None = Field(None, ge=1)
    endpoint_limits: dict[str, int] | None = None
    hard_limit: bool | None = None
    discount_tiers: list[DiscountTier] | None = None


def merge(terms: PlanTerms, overrides: PlanOverrides | None) -> PlanTerms:
    if overrides is None:
        return terms
    data = terms.model_dump()
    for name, value in overrides.model_dump(exclude_none=True).items():
        if name in ("modules", "endpoint_limits"):
            data[name] = {**data[name], **value}
        else:
            data[name] = value
    return PlanTerms.model_validate(data)


def _modules(quota: int | None, prices: dict[str, str]) -> dict[Module, ModuleTerms]:
    workflow = sum((Decimal(p) for p in prices.values()), Decimal("0"))
    terms: dict[Module, ModuleTerms] = {
        m: ModuleTerms(monthly_quota=quota, unit_price=Decimal(prices[m])) for m in MODULES[:4]
    }
    terms["workflow"] = ModuleTerms(monthly_quota=quota, unit_price=workflow)
    return terms


_TIERS = [
    DiscountTier(min_calls=1_000, percent=Decimal(5)),
    DiscountTier(min_calls=10_000, percent=Decimal(10)),
    DiscountTier(min_calls=100_000, percent=Decimal(15)),
]

DEFAULT_PLANS: dict[str, PlanTerms] = {
    "free": PlanTerms(
        modules=_modules(100, dict.fromkeys(MODULES[:4], "0")),
        requests_per_minute=60,
        requests_per_day=1_000,
        hard_limit=True,
    ),
    "pro": PlanTerms(
        modules=_modules(
            5_000, {"liveness": "0.03", "ocr": "0.12", "validate": "0.01", "face_match": "0.05"}
        ),
        endpoint_limits={"/v1/kyc/verify": 30},
        discount_tiers=_TIERS,
        sla="99.5%",
    ),
    "enterprise": PlanTerms(
        modules=_modules(
            None, {"liveness": "0.01", "ocr": "0.05", "validate": "0.01", "face_match": "0.02"}
        ),
        requests_per_minute=600,
        requests_per_day=500_000,
        discount_tiers=_TIERS,
        sla="99.9%",
    ),
}
