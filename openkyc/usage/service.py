"""Metering, monthly quotas and rate limits.

Every billable call is metered by :func:`meter` inside the transaction of the work it bills:
a request or job that rolls back leaves no event and no count; a retried call with the same
idempotency key is metered once. Quotas count calls per UTC month. When a quota is reached,
a hard plan refuses the call (429 ``QUOTA_EXCEEDED``) and a soft plan lets it through with a
warning; crossing 80 % and 100 % emits one ``usage.threshold`` webhook event per period.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from openkyc.kit.clock import utcnow
from openkyc.kit.db import after_commit
from openkyc.kit.errors import RateLimited
from openkyc.kit.ids import new_id
from openkyc.kit.metrics import QUOTA_REFUSED, RATE_LIMITED, USAGE_EVENTS
from openkyc.kit.ratelimit import Decision, RateLimiter, Window
from openkyc.tenants import service as tenants
from openkyc.tenants.models import Tenant
from openkyc.tenants.plans import MODULES, PlanTerms
from openkyc.usage.errors import PeriodInvalid, QuotaExceeded
from openkyc.usage.models import UsageEvent
from openkyc.usage.repository import UsageRepository
from openkyc.usage.schemas import ModuleUsage, UsageReport, UsageSummary
from openkyc.webhooks import service as webhooks

THRESHOLDS = (80, 100)
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_of(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m")


def parse_period(text: str) -> str:
    if not _PERIOD.match(text):
        raise PeriodInvalid(
            f"period must be YYYY-MM (UTC month), got {text!r}", details={"field": "period"}
        )
    return text


@dataclass(frozen=True)
class Metered:
    module: str
    billed: bool
    reason: str
    unit_price: Decimal
    calls: int
    quota: int | None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def report(self) -> UsageReport:
        """The ``usage`` object of module responses."""
        return UsageReport(
            module=self.module, billed=self.billed, reason=self.reason, warnings=list(self.warnings)
        )


def meter(
    session: Session,
    tenant: Tenant,
    module: str,
    *,
    api_key_id: str | None,
    job_id: str | None = None,
    idempotency_key: str | None = None,
) -> Metered:
    """Count and record one call of ``module``; raises QuotaExceeded on a hard limit."""
    repository = UsageRepository(session)
    effective = tenants.terms(session, tenant)
    terms = effective.modules[module]  # type: ignore[index]
    if idempotency_key:
        earlier = repository.by_idempotency_key(tenant.id, module, idempotency_key)
        if earlier is not None:
            return Metered(
                module,
                earlier.billed,
                "idempotent_replay",
                earlier.unit_price,
                0,
                terms.monthly_quota,
            )
    now, quota = utcnow(), terms.monthly_quota
    period = period_of(now)
    limit = quota if effective.hard_limit else None
    calls = repository.increment(tenant.id, period, module, limit)
    if calls is None:
        after_commit(session, lambda: QUOTA_REFUSED.labels(tenant.id, module).inc())
        raise QuotaExceeded(
            f"monthly {module} quota of {quota} calls is used up for {period}",
            details={"module": module, "quota": quota, "period": period},
            headers={"Retry-After": str(_seconds_to_next_period(now))},
        )
    billed = terms.unit_price > 0
    reason = (
        "over_quota"
        if quota is not None and calls > quota
        else "billable"
        if billed
        else "included_free"
    )
    repository.add(
        UsageEvent(
            id=new_id("use"),
            tenant_id=tenant.id,
            api_key_id=api_key_id,
            module=module,
            job_id=job_id,
            idempotency_key=idempotency_key,
            billed=billed,
            reason=reason,
            unit_price=terms.unit_price,
            currency=effective.currency,
            period=period,
            at=now,
        )
    )
    _thresholds(session, tenant, module, period, calls, quota)
    after_commit(session, lambda: USAGE_EVENTS.labels(tenant.id, module, str(billed)).inc())
    warnings = _warnings(module, calls, quota, effective.hard_limit)
    return Metered(module, billed, reason, terms.unit_price, calls, quota, warnings)


def _seconds_to_next_period(now: dt.datetime) -> int:
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return int((dt.datetime(year, month, 1, tzinfo=dt.UTC) - now).total_seconds()) + 1


def _thresholds(
    session: Session, tenant: Tenant, module: str, period: str, calls: int, quota: int | None
) -> None:
    if not quota:
        return
    repository = UsageRepository(session)
    for percent in THRESHOLDS:
        if calls < math.ceil(quota * percent / 100):
            continue
        row = {
            "tenant_id": tenant.id,
            "period": period,
            "module": module,
            "percent": percent,
            "calls": calls,
            "quota": quota,
            "at": utcnow(),
        }
        if repository.record_threshold(row):
            webhooks.emit(
                session,
                tenant.id,
                "usage.threshold",
                {
                    "module": module,
                    "period": period,
                    "percent": percent,
                    "calls": calls,
                    "quota": quota,
                },
            )


def _warnings(module: str, calls: int, quota: int | None, hard: bool) -> tuple[str, ...]:
    if not quota or calls < math.ceil(quota * THRESHOLDS[0] / 100):
        return ()
    state = "over quota" if calls > quota else "near quota"
    policy = "further calls will be refused" if hard else "calls continue and are billed"
    return (f"{module} {state}: {calls}/{quota} this month; {policy}",)


def summary(session: Session, tenant: Tenant, period: str) -> UsageSummary:
    effective = tenants.terms(session, tenant)
    rows = {m: (c, b, a) for m, c, b, a in UsageRepository(session).aggregate(tenant.id, period)}
    modules = {}
    for module in MODULES:
        calls, billed, amount = rows.get(module, (0, 0, Decimal("0")))
        quota = effective.modules[module].monthly_quota
        modules[module] = ModuleUsage(
            calls=calls,
            billed=billed,
            amount=amount,
            quota=quota,
            remaining=None if quota is None else max(0, quota - calls),
            unit_price=effective.modules[module].unit_price,
        )
    return UsageSummary(
        period=period,
        plan=tenant.plan,
        currency=effective.currency,
        modules=modules,
        total_amount=sum((m.amount for m in modules.values()), Decimal("0")),
    )


def rate_windows(terms: PlanTerms, key_id: str, route: str) -> list[Window]:
    windows = [
        Window(f"{key_id}:minute", terms.requests_per_minute, 60),
        Window(f"{key_id}:day", terms.requests_per_day, 86_400),
    ]
    endpoint_limit = terms.endpoint_limits.get(route)
    if endpoint_limit:
        windows.append(Window(f"{key_id}:minute:{route}", endpoint_limit, 60))
    return windows


def check_rate(
    session: Session, limiter: RateLimiter, tenant: Tenant, key_id: str, route: str
) -> Decision:
    """Consume one request from every window of this key; raise RateLimited when one is full."""
    decision = limiter.hit(rate_windows(tenants.terms(session, tenant), key_id, route))
    if not decision.allowed:
        RATE_LIMITED.labels(tenant.id, "request").inc()
        raise RateLimited(
            f"rate limit of {decision.limit} requests reached for this key; retry in "
            f"{decision.retry_after} s",
            headers=rate_headers(decision),
            details={"limit": decision.limit, "retry_after": decision.retry_after},
        )
    return decision


def rate_headers(decision: Decision) -> dict[str, str]:
    headers = {
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": str(decision.remaining),
        "RateLimit-Reset": str(decision.reset_seconds),
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.retry_after)
    return headers


def billed_lines(session: Session, tenant_id: str, period: str) -> list[tuple[str, Decimal, int]]:
    return UsageRepository(session).billed_lines(tenant_id, period)


def count_events(session: Session, tenant_id: str, period: str) -> int:
    return UsageRepository(session).count_events(tenant_id, period)


def periods_before(session: Session, period: str) -> list[tuple[str, str]]:
    return UsageRepository(session).periods_with_events(period)


def ensure_available(session: Session, tenant: Tenant, module: str) -> None:
    """Refuse early (before any heavy work) when a hard quota is already used up; the exact
    check happens again in :func:`meter` when the work is done."""
    effective = tenants.terms(session, tenant)
    quota = effective.modules[module].monthly_quota  # type: ignore[index]
    if not effective.hard_limit or quota is None:
        return
    now = utcnow()
    period = period_of(now)
    if UsageRepository(session).calls(tenant.id, period, module) >= quota:
        raise QuotaExceeded(
            f"monthly {module} quota of {quota} calls is used up for {period}",
            details={"module": module, "quota": quota, "period": period},
            headers={"Retry-After": str(_seconds_to_next_period(now))},
        )
