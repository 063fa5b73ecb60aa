"""Jobs of the webhooks domain: load by id, call the service."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from openkyc.kit.runtime import Runtime
from openkyc.webhooks import service


def deliver(runtime: Runtime, session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    return service.attempt_delivery(
        session,
        runtime.keyring,
        runtime.webhooks,
        str(payload["tenant_id"]),
        str(payload["delivery_id"]),
    )
