"""HTTP helpers shared by every router: the per-request session, the platform parts held on the
application, the error schema and the error responses each route documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from openkyc.kit.db import transaction
from openkyc.kit.runtime import Runtime


def web_state(request: Request) -> Runtime:
    state: Runtime = request.app.state.runtime
    return state


def _session(request: Request) -> Iterator[Session]:
    """One request is one transaction: commit when the route returns, roll back if it raises."""
    with transaction(web_state(request).sessions) as session:
        yield session


DbSession = Annotated[Session, Depends(_session, scope="function")]
State = Annotated[Runtime, Depends(web_state)]


async def raw_body(request: Request) -> bytes:
    return await request.body()


def warn_quota(request: Request, warnings: list[str]) -> None:
    """The first quota warning of a metered call as the X-Quota-Warning header."""
    if warnings:
        add_response_headers(request, {"X-Quota-Warning": warnings[0]})


def add_response_headers(request: Request, headers: dict[str, str]) -> None:
    """Headers the edge middleware adds to the response, error responses included."""
    request.scope.setdefault("state", {}).setdefault("response_headers", {}).update(headers)


def trace_id(request: Request) -> str:
    return str(getattr(request.state, "trace_id", ""))


class ErrorBody(BaseModel):
    code: str = Field(description="stable machine code, e.g. AUTH_SIGNATURE_INVALID")
    message: str = Field(description="what went wrong, for a person")
    details: dict[str, Any] = Field(default_factory=dict)
    trace_id: str = Field(description="also in the X-Trace-Id header and the server logs")


class ErrorResponse(BaseModel):
    error: ErrorBody


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, stale, replayed or invalid signature, or unknown key",
    403: "Forbidden (e.g. tenant suspended)",
    404: "Not found (or another tenant's)",
    409: "Conflict",
    413: "Request or image too large",
    415: "Unsupported content or image type",
    422: "Validation failed; details name the field",
    429: "Rate limited",
    500: "Internal error (a bug; quote the trace_id)",
    503: "A dependency is unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries in the error contract for the given statuses."""
    chosen = statuses or (401, 403, 422, 429, 500)
    return {
        status: {"model": ErrorResponse, "description": _DESCRIPTIONS.get(status, "Error")}
        for status in chosen
    }


SIGNED_ERRORS = (401, 403, 404, 422, 429, 500)
