"""Default plans from the kyc-api-service seed (Free sandbox, Pro, Enterprise).

Monthly quotas per module and request limits. The plans-and-quotas issue turns these into data
with per-tenant overrides; until then these figures are what ``GET /v1/tenant`` reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Plan = Literal["free", "pro", "enterprise"]
MODULES = ("liveness", "ocr", "validate", "face_match", "workflow")


@dataclass(frozen=True)
class PlanDefaults:
    monthly_quotas: dict[str, int | None]
    requests_per_minute: int = 60
    requests_per_day: int = 50_000
    sla: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


PLANS: dict[str, PlanDefaults] = {
    "free": PlanDefaults(
        monthly_quotas=dict.fromkeys(MODULES, 100),
        requests_per_minute=60,
        requests_per_day=1_000,
    ),
    "pro": PlanDefaults(
        monthly_quotas={
            "liveness": 5_000,
            "ocr": 5_000,
            "validate": 10_000,
            "face_match": 5_000,
            "workflow": 5_000,
        },
        sla="99.5%",
    ),
    "enterprise": PlanDefaults(
        monthly_quotas=dict.fromkeys(MODULES),  # None: unlimited, billed per use
        requests_per_minute=600,
        requests_per_day=500_000,
        sla="99.9%",
    ),
}
