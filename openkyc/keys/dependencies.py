"""The signed-request check as a FastAPI dependency: every tenant route depends on it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from openkyc.audit import service as audit
from openkyc.keys import service as keys
from openkyc.kit.errors import AuthHeadersMissing, Unauthorized
from openkyc.kit.web import DbSession, State, add_response_headers, raw_body
from openkyc.usage import service as usage

_KEY = APIKeyHeader(
    name="X-API-KEY", auto_error=False, scheme_name="ApiKey", description="public API key id"
)
_TIMESTAMP = APIKeyHeader(
    name="X-API-TIMESTAMP",
    auto_error=False,
    scheme_name="ApiTimestamp",
    description="Unix time in seconds or milliseconds",
)
_SIGN = APIKeyHeader(
    name="X-API-SIGN",
    auto_error=False,
    scheme_name="ApiSignature",
    description='hex(hmac_sha256(secret, timestamp + "\\n" + METHOD + "\\n" + path + "\\n" '
    '+ sha256_hex(body) [+ "\\n" + nonce]))',
)
_NONCE = APIKeyHeader(
    name="X-API-NONCE",
    auto_error=False,
    scheme_name="ApiNonce",
    description="optional; 1-128 of [A-Za-z0-9_-], signed after the body hash",
)


def _signed_path(request: Request) -> str:
    raw: bytes = request.scope.get("raw_path") or request.url.path.encode()
    query: bytes = request.scope.get("query_string", b"")
    return (raw + (b"?" + query if query else b"")).decode("latin-1")


def current_caller(
    request: Request,
    session: DbSession,
    state: State,
    body: Annotated[bytes, Depends(raw_body)],
    key_id: Annotated[str | None, Security(_KEY)] = None,
    timestamp: Annotated[str | None, Security(_TIMESTAMP)] = None,
    sign: Annotated[str | None, Security(_SIGN)] = None,
    nonce: Annotated[str | None, Security(_NONCE)] = None,
) -> keys.Caller:
    signed = keys.SignedRequest(
        key_id=key_id or "",
        timestamp=timestamp or "",
        signature=sign or "",
        nonce=nonce,
        method=request.method,
        path=_signed_path(request),
        body=body,
    )
    try:
        missing = [
            name
            for name, value in (
                ("X-API-KEY", key_id),
                ("X-API-TIMESTAMP", timestamp),
                ("X-API-SIGN", sign),
            )
            if not value
        ]
        if missing:
            raise AuthHeadersMissing(
                f"signed request headers missing: {', '.join(missing)}",
                details={"missing": missing},
            )
        caller = keys.authenticate(
            session, state.keyring, state.replay, signed, state.clock_skew_seconds
        )
    except Unauthorized as failure:
        _audit_failure(state, request, signed, failure)
        raise
    route = getattr(request.scope.get("route"), "path", request.url.path)
    decision = usage.check_rate(session, state.limiter, caller.tenant, caller.key.id, route)
    add_response_headers(request, usage.rate_headers(decision))
    return caller


def _audit_failure(
    state: State, request: Request, signed: keys.SignedRequest, failure: Unauthorized
) -> None:
    client = request.client.host if request.client else None
    audit.record_detached(
        state.sessions,
        action="auth.failed",
        actor=f"ip:{client}",
        object=f"api_key:{signed.key_id[:64]}" if signed.key_id else None,
        details={"code": failure.code, "method": signed.method, "path": signed.path[:200]},
    )


Caller = Annotated[keys.Caller, Depends(current_caller)]
