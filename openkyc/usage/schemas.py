from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field


class ModuleUsage(BaseModel):
    calls: int = Field(description="successful calls this period")
    billed: int = Field(description="of which billed")
    amount: Decimal = Field(description="billed amount before discounts")
    unit_price: Decimal
    quota: int | None = Field(description="monthly quota; null: unlimited")
    remaining: int | None


class UsageSummary(BaseModel):
    period: str = Field(description="UTC month, YYYY-MM")
    plan: str
    currency: str
    modules: dict[str, ModuleUsage]
    total_amount: Decimal


class UsageReport(BaseModel):
    """The ``usage`` object of every metered module response."""

    module: str
    billed: bool
    reason: str = Field(description="billable, included_free, over_quota, idempotent_replay")
    warnings: list[str] = Field(default_factory=list, description="quota near or over")
