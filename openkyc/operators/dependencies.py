from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from openkyc.audit import service as audit
from openkyc.kit.errors import Unauthorized
from openkyc.kit.web import DbSession, State
from openkyc.operators import service
from openkyc.operators.errors import OperatorTokenMissing

_BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="OperatorToken",
    description="okop_<id>.<secret> from `openkyc operator token create`",
)


def current_operator(
    request: Request,
    session: DbSession,
    state: State,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)] = None,
) -> service.Operator:
    try:
        if credentials is None or not credentials.credentials:
            raise OperatorTokenMissing("operator routes need Authorization: Bearer <token>")
        operator = service.authenticate(session, credentials.credentials)
    except Unauthorized as failure:
        client = request.client.host if request.client else None
        audit.record_detached(
            state.sessions,
            action="auth.failed",
            actor=f"ip:{client}",
            details={"code": failure.code, "path": request.url.path[:200]},
        )
        raise
    # Every operator request is audited, reads included; changes also get their own entry.
    audit.record(
        session,
        action="operator.request",
        actor=operator.actor,
        details={"method": request.method, "path": request.url.path[:200]},
    )
    return operator


Operator = Annotated[service.Operator, Depends(current_operator)]
