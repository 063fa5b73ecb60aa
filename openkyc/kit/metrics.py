"""Business metrics (usage, rate limiting), process-wide, exported by ``/metrics`` beside the
per-application HTTP metrics. Counted after commit, so rolled-back work never shows."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

BUSINESS = CollectorRegistry()

USAGE_EVENTS = Counter(
    "openkyc_usage_events_total",
    "Metered calls by tenant, module and billing",
    ["tenant", "module", "billed"],
    registry=BUSINESS,
)
RATE_LIMITED = Counter(
    "openkyc_rate_limited_total",
    "Requests refused by rate limits",
    ["tenant", "window"],
    registry=BUSINESS,
)
QUOTA_REFUSED = Counter(
    "openkyc_quota_refused_total",
    "Calls refused by a hard monthly quota",
    ["tenant", "module"],
    registry=BUSINESS,
)
