"""Jobs of the verifications domain: load by id, call the service."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from openkyc.kit.runtime import Runtime
from openkyc.verifications import service


def run(runtime: Runtime, session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    return service.run(
        session,
        runtime,
        str(payload["tenant_id"]),
        str(payload["verification_id"]),
        runtime.dns_servers,
    )


def failed(
    runtime: Runtime, session: Session, payload: dict[str, Any], error: dict[str, Any]
) -> None:
    service.mark_failed(session, str(payload["tenant_id"]), str(payload["verification_id"]), error)
