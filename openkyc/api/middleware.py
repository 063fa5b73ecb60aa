"""The outermost layer: trace ids, the request-size limit, metrics, one log line per request,
and the last-resort 500 in the error contract (never a stack trace)."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openkyc.kit.errors import OpenKYCError, PayloadTooLarge
from openkyc.kit.logging import bind_trace_id, clear_context, get_logger

log = get_logger("openkyc.http")


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "openkyc_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "openkyc_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3.5, 5, 10, 30),
        )


def _error_body(status: int, code: str, message: str, details: dict[str, Any], trace: str) -> bytes:
    return json.dumps(
        {"error": {"code": code, "message": message, "details": details, "trace_id": trace}}
    ).encode()


class EdgeMiddleware:
    def __init__(self, app: ASGIApp, metrics: HttpMetrics, max_body: int) -> None:
        self.app, self.metrics, self.max_body = app, metrics, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        trace = secrets.token_hex(16)
        scope.setdefault("state", {})["trace_id"] = trace
        bind_trace_id(trace)
        started, status = time.perf_counter(), {"code": 500, "sent": False}

        async def send_with_trace(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["sent"] = message["status"], True
                headers = message.setdefault("headers", [])
                headers.append((b"x-trace-id", trace.encode()))
                present = {name.lower() for name, _ in headers}
                for name, value in scope["state"].get("response_headers", {}).items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
            await send(message)

        try:
            self._check_declared_length(scope)
            await self.app(scope, self._limited(receive), send_with_trace)
        except Exception as exc:  # the last resort: everything else was handled inside
            if status["sent"]:
                raise
            await self._fail(exc, trace, send_with_trace)
        finally:
            self._observe(scope, int(status["code"]), time.perf_counter() - started)
            clear_context()

    def _check_declared_length(self, scope: Scope) -> None:
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.max_body:
                raise PayloadTooLarge(
                    f"request body is {int(value)} bytes; the limit is {self.max_body}",
                    details={"limit_bytes": self.max_body},
                )

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise PayloadTooLarge(
                    f"request body exceeds {self.max_body} bytes",
                    details={"limit_bytes": self.max_body},
                )
            return message

        return wrapped

    async def _fail(self, exc: Exception, trace: str, send: Send) -> None:
        if isinstance(exc, OpenKYCError):
            status, body = (
                exc.status,
                _error_body(exc.status, exc.code, exc.message, exc.details, trace),
            )
        else:
            log.exception("unhandled error", error_type=type(exc).__name__)
            status, body = (
                500,
                _error_body(
                    500,
                    "INTERNAL_ERROR",
                    "internal error; quote the trace_id when reporting it",
                    {},
                    trace,
                ),
            )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        method = scope.get("method", "")
        self.metrics.requests.labels(method, template, str(status)).inc()
        self.metrics.latency.labels(method, template).observe(seconds)
        log.info(
            "request",
            method=method,
            route=template,
            status=status,
            duration_ms=round(seconds * 1000, 1),
        )
