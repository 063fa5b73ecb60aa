"""What routes and jobs may reach at run time, built once by the platform at start."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from openkyc.kit.crypto import Keyring
from openkyc.kit.image_intake import ImageLimits
from openkyc.kit.ratelimit import RateLimiter
from openkyc.kit.replay import ReplayCache
from openkyc.kit.storage import ObjectStore


@dataclass(frozen=True)
class WebhookPolicy:
    retry_schedule_seconds: tuple[float, ...] = (300.0, 3600.0, 18_000.0, 64_800.0)
    timeout_seconds: float = 10.0
    allow_private_targets: bool = True  # loopback/private URLs: refused in production (SSRF)


@dataclass(frozen=True)
class Runtime:
    sessions: sessionmaker[Session]
    keyring: Keyring
    store: ObjectStore
    replay: ReplayCache
    limiter: RateLimiter
    image_limits: ImageLimits
    clock_skew_seconds: int
    key_overlap_hours: float
    max_request_bytes: int
    webhooks: WebhookPolicy
    dns_servers: list[str] | None = None  # KYA MX lookups; None: the system resolver
