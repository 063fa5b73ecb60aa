"""API key rules: issue (secret shown once), rotate with an overlap, revoke, authenticate."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.keys.errors import ApiKeyNotFound
from openkyc.keys.models import ApiKey
from openkyc.keys.repository import ApiKeyRepository
from openkyc.keys.schemas import IssuedKey
from openkyc.kit import crypto, signing
from openkyc.kit.clock import utcnow
from openkyc.kit.errors import (
    ApiKeyExpired,
    ApiKeyRevoked,
    ApiKeyUnknown,
    AuthNonceInvalid,
    AuthReplayed,
    AuthSignatureInvalid,
    AuthTimestampExpired,
    AuthTimestampInFuture,
    AuthTimestampInvalid,
)
from openkyc.kit.replay import ReplayCache
from openkyc.tenants import service as tenants
from openkyc.tenants.models import Tenant
from openkyc.tenants.schemas import TenantCreate

SECRET_PREFIX = "kycs_"
REPLAY_MARGIN_SECONDS = 60


def _seal_secret(keyring: crypto.Keyring, tenant: Tenant, key_id: str, secret: str) -> bytes:
    return crypto.seal(
        tenants.data_key(keyring, tenant), secret.encode(), b"api-key:" + key_id.encode()
    )


def _open_secret(keyring: crypto.Keyring, tenant: Tenant, key: ApiKey) -> str:
    plain = crypto.open_sealed(
        tenants.data_key(keyring, tenant), key.secret_ciphertext, b"api-key:" + key.id.encode()
    )
    return plain.decode()


def issue(
    session: Session, keyring: crypto.Keyring, tenant: Tenant, actor: str, label: str | None = None
) -> IssuedKey:
    key_id = f"kyck_{secrets.token_hex(12)}"
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(
        id=key_id,
        tenant_id=tenant.id,
        label=label,
        created_at=utcnow(),
        secret_ciphertext=_seal_secret(keyring, tenant, key_id, secret),
    )
    ApiKeyRepository(session).add(key)
    audit.record(
        session,
        action="api_key.created",
        actor=actor,
        tenant_id=tenant.id,
        object=f"api_key:{key_id}",
        details={"label": label},
    )
    return IssuedKey(tenant_id=tenant.id, api_key_id=key_id, api_key_secret=secret)


def onboard(session: Session, keyring: crypto.Keyring, data: TenantCreate, actor: str) -> IssuedKey:
    """A new tenant and its first API key (the secret is in the result, shown once)."""
    tenant = tenants.create(session, keyring, data, actor)
    return issue(session, keyring, tenant, actor, label="initial")


def rotate(
    session: Session, keyring: crypto.Keyring, tenant: Tenant, actor: str, overlap: dt.timedelta
) -> IssuedKey:
    """A new key; the tenant's current keys keep working until ``now + overlap``."""
    repository = ApiKeyRepository(session)
    retire_at = utcnow() + overlap
    previous = [
        k for k in repository.usable(tenant.id) if k.expires_at is None or k.expires_at > retire_at
    ]
    issued = issue(session, keyring, tenant, actor, label="rotated")
    for key in previous:
        key.expires_at = retire_at
        key.replaced_by = issued.api_key_id
    session.flush()
    audit.record(
        session,
        action="api_key.rotated",
        actor=actor,
        tenant_id=tenant.id,
        object=f"api_key:{issued.api_key_id}",
        details={
            "retired": [k.id for k in previous],
            "overlap_seconds": int(overlap.total_seconds()),
        },
    )
    return issued.model_copy(update={"expires_previous_at": retire_at if previous else None})


def revoke(session: Session, key_id: str, actor: str, tenant_id: str | None = None) -> ApiKey:
    """Revoke at once. With ``tenant_id`` the key must belong to that tenant (else 404)."""
    repository = ApiKeyRepository(session)
    key = (
        repository.get(tenant_id, key_id) if tenant_id is not None else repository.by_key_id(key_id)
    )
    if key is None:
        raise ApiKeyNotFound(f"API key {key_id} does not exist")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            action="api_key.revoked",
            actor=actor,
            tenant_id=key.tenant_id,
            object=f"api_key:{key.id}",
        )
    return key


def list_keys(session: Session, tenant_id: str) -> list[ApiKey]:
    return ApiKeyRepository(session).list_for_tenant(tenant_id)


@dataclass(frozen=True)
class SignedRequest:
    key_id: str
    timestamp: str
    signature: str
    nonce: str | None
    method: str
    path: str
    body: bytes


@dataclass(frozen=True)
class Caller:
    tenant: Tenant
    key: ApiKey

    @property
    def actor(self) -> str:
        return f"api_key:{self.key.id}"


def authenticate(
    session: Session,
    keyring: crypto.Keyring,
    replay: ReplayCache,
    request: SignedRequest,
    skew_seconds: int,
) -> Caller:
    """Check one signed request; raises a distinct Unauthorized subclass for each failure."""
    sent_at = signing.parse_timestamp(request.timestamp)
    if sent_at is None:
        raise AuthTimestampInvalid("X-API-TIMESTAMP must be Unix seconds or milliseconds")
    if request.nonce is not None and not signing.NONCE_PATTERN.match(request.nonce):
        raise AuthNonceInvalid("X-API-NONCE must be 1-128 characters of A-Z a-z 0-9 _ -")
    key = ApiKeyRepository(session).by_key_id(request.key_id)
    if key is None:
        raise ApiKeyUnknown("X-API-KEY names no API key")
    now = utcnow()
    if key.revoked_at is not None:
        raise ApiKeyRevoked(f"API key {key.id} was revoked")
    if key.expires_at is not None and key.expires_at <= now:
        raise ApiKeyExpired(f"API key {key.id} was rotated and its overlap has ended")
    drift = sent_at - now.timestamp()
    if drift < -skew_seconds:
        raise AuthTimestampExpired(
            f"request timestamp is {-drift:.0f} s old; the limit is {skew_seconds} s"
        )
    if drift > skew_seconds:
        raise AuthTimestampInFuture(
            f"request timestamp is {drift:.0f} s in the future; the limit is {skew_seconds} s"
        )
    tenant = tenants.get(session, key.tenant_id)
    expected = signing.signature(
        _open_secret(keyring, tenant, key),
        request.timestamp,
        request.method,
        request.path,
        request.body,
        request.nonce,
    )
    if not hmac.compare_digest(expected, request.signature.lower()):
        raise AuthSignatureInvalid("X-API-SIGN does not match the request")
    token = hashlib.sha256(f"{key.id}:{expected}".encode()).hexdigest()
    if not replay.first_use(token, 2 * skew_seconds + REPLAY_MARGIN_SECONDS):
        raise AuthReplayed(
            "this signature was already used; sign each request anew "
            "(millisecond timestamps or X-API-NONCE make each one unique)"
        )
    tenants.ensure_active(tenant)
    return Caller(tenant=tenant, key=key)
