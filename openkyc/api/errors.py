"""One renderer for every error: ``{"error": {"code", "message", "details", "trace_id"}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from openkyc.kit.errors import OpenKYCError
from openkyc.kit.web import trace_id

_HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_CONTENT_TYPE",
    422: "VALIDATION_FAILED",
    429: "RATE_LIMITED",
}


def render(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any],
    trace: str,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details, "trace_id": trace}}
    return JSONResponse(body, status_code=status, headers=headers)


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Never echo the submitted values: they may be personal data or megabytes of base64.
    return [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in exc.errors()
    ]


async def _openkyc_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OpenKYCError)
    return render(exc.status, exc.code, exc.message, exc.details, trace_id(request), exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    fields = ", ".join(e["field"] for e in errors[:5])
    return render(
        422,
        "VALIDATION_FAILED",
        f"request is invalid: {fields}",
        {"errors": errors},
        trace_id(request),
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
    message = str(exc.detail) if isinstance(exc.detail, str) else code.replace("_", " ").lower()
    if exc.status_code == 404:
        message = f"no route {request.method} {request.url.path}"
    headers = dict(exc.headers) if exc.headers else None
    return render(exc.status_code, code, message, {}, trace_id(request), headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OpenKYCError, _openkyc_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
