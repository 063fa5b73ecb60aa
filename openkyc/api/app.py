"""The FastAPI application: routers of every domain, the error contract, the edge middleware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from prometheus_client import CollectorRegistry

import openkyc
from openkyc.api import health
from openkyc.api.errors import install_error_handlers
from openkyc.api.middleware import EdgeMiddleware, HttpMetrics
from openkyc.audit.router import router as audit_router
from openkyc.documents.router import router as document_router
from openkyc.faces.router import router as face_router
from openkyc.invoices.router import router as invoices_router
from openkyc.keys.router import router as keys_router
from openkyc.kit.logging import configure_logging
from openkyc.liveness.router import router as liveness_router
from openkyc.media.router import router as media_router
from openkyc.operators.router import router as operator_router
from openkyc.platform import Platform, build_platform
from openkyc.settings import Settings
from openkyc.tenants.router import router as tenant_router
from openkyc.usage.router import router as usage_router
from openkyc.verifications.router import router as verifications_router
from openkyc.webhooks.router import router as webhooks_router
from openkyc.workflow.router import router as workflows_router

DESCRIPTION = """Self-hosted identity verification and anti-fraud.

Every `/v1` route needs a signed request: `X-API-KEY` (key id), `X-API-TIMESTAMP` (Unix
seconds or milliseconds), `X-API-SIGN` = hex(HMAC-SHA256(secret, timestamp + "\\n" + METHOD +
"\\n" + path + "\\n" + sha256_hex(body))), and optionally `X-API-NONCE` (appended to the signed
string after the body hash). Clock skew ±300 s; each signature is accepted once. Errors always
have the shape `{"error": {"code", "message", "details", "trace_id"}}`.
"""


def _operation_id(route: APIRoute) -> str:
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}-{route.name}".replace("_", "-")


def create_app(settings: Settings | None = None, platform: Platform | None = None) -> FastAPI:
    platform = platform or build_platform(settings or Settings())
    configure_logging(json_logs=platform.settings.json_logs(), level=platform.settings.log_level)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield

    app = FastAPI(
        title="openkyc",
        version=openkyc.__version__,
        description=DESCRIPTION,
        generate_unique_id_function=_operation_id,
        lifespan=lifespan,
    )
    registry = CollectorRegistry()
    app.state.platform = platform
    app.state.metrics_registry = registry
    app.state.runtime = platform.runtime()
    install_error_handlers(app)
    for router in (
        health.router,
        tenant_router,
        keys_router,
        media_router,
        verifications_router,
        workflows_router,
        face_router,
        document_router,
        liveness_router,
        usage_router,
        invoices_router,
        webhooks_router,
        audit_router,
        operator_router,
    ):
        app.include_router(router)
    app.add_middleware(
        EdgeMiddleware,
        metrics=HttpMetrics(registry),
        max_body=platform.settings.media.max_request_bytes,
    )
    return app
