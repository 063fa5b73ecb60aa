"""Liveness, readiness and Prometheus metrics: unauthenticated, for orchestrators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from openkyc.kit import db
from openkyc.kit.metrics import BUSINESS

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Database and media store reachable",
    responses={503: {"description": "a dependency is unreachable"}},
)
def readyz(request: Request) -> JSONResponse:
    platform = request.app.state.platform
    checks: dict[str, Any] = {}
    for name, probe in (
        ("database", lambda: db.ping(platform.engine)),
        ("media_store", platform.store.ping),
    ):
        try:
            probe()
            checks[name] = "ok"
        except Exception as exc:  # report any failure of a dependency, never crash
            checks[name] = f"unavailable: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status_code=200 if ready else 503,
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    registry: CollectorRegistry = request.app.state.metrics_registry
    body = generate_latest(registry) + generate_latest(BUSINESS)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
