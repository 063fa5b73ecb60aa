"""Operator credentials: ``okop_<id>.<secret>`` bearer tokens issued by the CLI (staff login
with OpenID Connect comes later). Only the SHA-256 of the 256-bit random secret is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.kit.clock import utcnow
from openkyc.operators.errors import OperatorTokenInvalid, OperatorTokenNotFound
from openkyc.operators.models import OperatorToken
from openkyc.operators.repository import OperatorRepository


@dataclass(frozen=True)
class Operator:
    token_id: str
    name: str

    @property
    def actor(self) -> str:
        return f"operator:{self.token_id}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session: Session, name: str, actor: str) -> tuple[OperatorToken, str]:
    token_id, secret = f"okop_{secrets.token_hex(8)}", secrets.token_urlsafe(32)
    token = OperatorToken(
        id=token_id, name=name[:100], secret_sha256=_digest(secret), created_at=utcnow()
    )
    OperatorRepository(session).add(token)
    audit.record(
        session,
        action="operator_token.created",
        actor=actor,
        object=f"operator_token:{token_id}",
        details={"name": name[:100]},
    )
    return token, f"{token_id}.{secret}"


def revoke_token(session: Session, token_id: str, actor: str) -> OperatorToken:
    token = OperatorRepository(session).get(token_id)
    if token is None:
        raise OperatorTokenNotFound(f"operator token {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            action="operator_token.revoked",
            actor=actor,
            object=f"operator_token:{token_id}",
        )
    return token


def authenticate(session: Session, bearer: str) -> Operator:
    token_id, _, secret = bearer.partition(".")
    token = OperatorRepository(session).get(token_id) if secret else None
    if (
        token is None
        or token.revoked_at is not None
        or not hmac.compare_digest(token.secret_sha256, _digest(secret))
    ):
        raise OperatorTokenInvalid("operator token is unknown, revoked or wrong")
    return Operator(token_id=token.id, name=token.name)
