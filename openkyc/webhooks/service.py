"""Webhook rules: endpoints with their own signing secret, events written in the transaction
that causes them (an outbox), one delivery per subscribed endpoint, each attempt logged,
retries on the tenant-visible schedule, redelivery on request."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import httpx
from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.jobs import service as jobs
from openkyc.kit import crypto, webhook_signing
from openkyc.kit.clock import utcnow
from openkyc.kit.ids import new_id
from openkyc.kit.net import UnsafeUrl, check_url
from openkyc.kit.runtime import WebhookPolicy
from openkyc.tenants import service as tenants
from openkyc.tenants.models import Tenant
from openkyc.webhooks.errors import DeliveryNotFound, EndpointNotFound, WebhookUrlRefused
from openkyc.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from openkyc.webhooks.repository import WebhookRepository
from openkyc.webhooks.schemas import EndpointCreate, EndpointUpdate

DELIVER_TASK = "webhooks.deliver"
SNIPPET = 500


def _context(endpoint_id: str) -> bytes:
    return b"webhook-secret:" + endpoint_id.encode()


def _checked_url(url: str, policy: WebhookPolicy) -> str:
    try:
        check_url(url, allow_private=policy.allow_private_targets)
    except UnsafeUrl as exc:
        raise WebhookUrlRefused(str(exc), details={"field": "body.url"}) from exc
    return url


def create_endpoint(
    session: Session,
    keyring: crypto.Keyring,
    policy: WebhookPolicy,
    tenant: Tenant,
    data: EndpointCreate,
    actor: str,
) -> tuple[WebhookEndpoint, str]:
    endpoint_id, secret = new_id("whe"), webhook_signing.new_secret()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        tenant_id=tenant.id,
        url=_checked_url(data.url, policy),
        description=data.description,
        event_types=json.dumps(data.event_types),
        enabled=True,
        secret_ciphertext=crypto.seal(
            tenants.data_key(keyring, tenant), secret.encode(), _context(endpoint_id)
        ),
        created_at=utcnow(),
    )
    WebhookRepository(session).add(endpoint)
    audit.record(
        session,
        action="webhook_endpoint.created",
        actor=actor,
        tenant_id=tenant.id,
        object=f"webhook_endpoint:{endpoint_id}",
    )
    return endpoint, secret


def get_endpoint(session: Session, tenant: Tenant, endpoint_id: str) -> WebhookEndpoint:
    endpoint = WebhookRepository(session).get_endpoint(tenant.id, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(f"webhook endpoint {endpoint_id} does not exist")
    return endpoint


def list_endpoints(session: Session, tenant: Tenant) -> list[WebhookEndpoint]:
    return WebhookRepository(session).list_endpoints(tenant.id)


def update_endpoint(
    session: Session,
    policy: WebhookPolicy,
    tenant: Tenant,
    endpoint_id: str,
    data: EndpointUpdate,
    actor: str,
) -> WebhookEndpoint:
    endpoint = get_endpoint(session, tenant, endpoint_id)
    if data.url is not None:
        endpoint.url = _checked_url(data.url, policy)
    if data.description is not None:
        endpoint.description = data.description
    if data.event_types is not None:
        endpoint.event_types = json.dumps(data.event_types)
    if data.enabled is not None:
        endpoint.enabled = data.enabled
    session.flush()
    audit.record(
        session,
        action="webhook_endpoint.updated",
        actor=actor,
        tenant_id=tenant.id,
        object=f"webhook_endpoint:{endpoint_id}",
        details=data.model_dump(exclude_none=True, exclude={"url"}),
    )
    return endpoint


def delete_endpoint(session: Session, tenant: Tenant, endpoint_id: str, actor: str) -> None:
    endpoint = get_endpoint(session, tenant, endpoint_id)
    endpoint.enabled, endpoint.deleted_at = False, utcnow()
    session.flush()
    audit.record(
        session,
        action="webhook_endpoint.deleted",
        actor=actor,
        tenant_id=tenant.id,
        object=f"webhook_endpoint:{endpoint_id}",
    )


def emit(
    session: Session,
    tenant_id: str,
    event_type: str,
    data: dict[str, Any],
    *,
    also_to: str | None = None,
) -> WebhookEvent:
    """Record an event and queue one delivery per subscribed endpoint (and to ``also_to``, an
    endpoint id named by the request, subscribed or not), in the caller's transaction: if the
    work rolls back, nothing is sent."""
    repository = WebhookRepository(session)
    event = WebhookEvent(
        id=new_id("msg"),
        tenant_id=tenant_id,
        type=event_type,
        payload=json.dumps(data, default=str),
        created_at=utcnow(),
    )
    repository.add(event)
    for endpoint in repository.list_endpoints(tenant_id):
        subscribed = json.loads(endpoint.event_types)
        wanted = not subscribed or event_type in subscribed or endpoint.id == also_to
        if endpoint.enabled and wanted:
            _queue_delivery(session, event, endpoint.id)
    return event


def endpoint_for_url(session: Session, tenant: Tenant, url: str) -> WebhookEndpoint | None:
    """The tenant's enabled endpoint registered with exactly this URL."""
    for endpoint in WebhookRepository(session).list_endpoints(tenant.id):
        if endpoint.enabled and endpoint.url == url:
            return endpoint
    return None


def _queue_delivery(session: Session, event: WebhookEvent, endpoint_id: str) -> WebhookDelivery:
    now = utcnow()
    delivery = WebhookDelivery(
        id=new_id("whd"),
        tenant_id=event.tenant_id,
        event_id=event.id,
        endpoint_id=endpoint_id,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    WebhookRepository(session).add(delivery)
    jobs.enqueue(
        session,
        event.tenant_id,
        DELIVER_TASK,
        {"tenant_id": event.tenant_id, "delivery_id": delivery.id},
    )
    return delivery


def get_delivery(session: Session, tenant: Tenant, delivery_id: str) -> WebhookDelivery:
    delivery = WebhookRepository(session).get_delivery(tenant.id, delivery_id)
    if delivery is None:
        raise DeliveryNotFound(f"webhook delivery {delivery_id} does not exist")
    return delivery


def list_deliveries(
    session: Session, tenant: Tenant, limit: int, status: str | None
) -> list[WebhookDelivery]:
    return WebhookRepository(session).list_deliveries(tenant.id, limit, status)


def delivery_details(
    session: Session, delivery: WebhookDelivery
) -> tuple[str, list[WebhookAttempt]]:
    repository = WebhookRepository(session)
    event = repository.get_event(delivery.tenant_id, delivery.event_id)
    return (
        event.type if event else "unknown",
        repository.attempts(delivery.tenant_id, delivery.id),
    )


def redeliver(session: Session, tenant: Tenant, delivery_id: str, actor: str) -> WebhookDelivery:
    """Send the same event (same ``webhook-id``) again to the same endpoint, as a new delivery."""
    original = get_delivery(session, tenant, delivery_id)
    event = WebhookRepository(session).get_event(tenant.id, original.event_id)
    if event is None:
        raise DeliveryNotFound(f"the event of delivery {delivery_id} no longer exists")
    delivery = _queue_delivery(session, event, original.endpoint_id)
    audit.record(
        session,
        action="webhook.redelivered",
        actor=actor,
        tenant_id=tenant.id,
        object=f"webhook_delivery:{delivery.id}",
        details={"of": delivery_id},
    )
    return delivery


def attempt_delivery(
    session: Session,
    keyring: crypto.Keyring,
    policy: WebhookPolicy,
    tenant_id: str,
    delivery_id: str,
) -> dict[str, Any]:
    """One HTTP attempt; the job that runs it ends normally whatever the endpoint answers."""
    repository = WebhookRepository(session)
    delivery = repository.get_delivery(tenant_id, delivery_id)
    if delivery is None or delivery.status != "pending":
        return {"skipped": delivery.status if delivery else "missing"}
    endpoint = repository.get_endpoint_any(tenant_id, delivery.endpoint_id)
    event = repository.get_event(tenant_id, delivery.event_id)
    assert endpoint is not None  # foreign keys guarantee both
    assert event is not None
    tenant = tenants.get(session, tenant_id)
    if not endpoint.enabled:
        return _record(session, delivery, None, 0, None, "endpoint disabled or deleted", final=True)
    secret = crypto.open_sealed(
        tenants.data_key(keyring, tenant), endpoint.secret_ciphertext, _context(endpoint.id)
    ).decode()
    body = json.dumps(
        {
            "type": event.type,
            "timestamp": event.created_at.isoformat(),
            "data": json.loads(event.payload),
        }
    ).encode()
    try:
        check_url(endpoint.url, allow_private=policy.allow_private_targets)
    except UnsafeUrl as exc:
        return _record(session, delivery, None, 0, None, str(exc), final=True)
    headers = webhook_signing.headers(secret, event.id, int(time.time()), body)
    started = time.perf_counter()
    try:
        response = httpx.post(
            endpoint.url,
            content=body,
            headers=headers,
            timeout=policy.timeout_seconds,
            follow_redirects=False,
        )
        code, snippet, error = response.status_code, response.text[:SNIPPET], None
    except httpx.HTTPError as exc:
        code, snippet, error = None, None, f"{type(exc).__name__}: {exc}"[:SNIPPET]
    latency = int((time.perf_counter() - started) * 1000)
    if code is not None and 200 <= code < 300:
        return _record(session, delivery, code, latency, snippet, None, succeeded=True)
    return _retry_or_fail(
        session, policy, delivery, code, latency, snippet, error or f"endpoint answered {code}"
    )


def _retry_or_fail(
    session: Session,
    policy: WebhookPolicy,
    delivery: WebhookDelivery,
    code: int | None,
    latency: int,
    snippet: str | None,
    error: str,
) -> dict[str, Any]:
    schedule = policy.retry_schedule_seconds
    if delivery.attempts >= len(schedule):
        return _record(session, delivery, code, latency, snippet, error, final=True)
    wait = dt.timedelta(seconds=schedule[delivery.attempts])
    next_at = utcnow() + wait
    outcome = _record(session, delivery, code, latency, snippet, error, next_at=next_at)
    jobs.enqueue(
        session,
        delivery.tenant_id,
        DELIVER_TASK,
        {"tenant_id": delivery.tenant_id, "delivery_id": delivery.id},
        run_after=next_at,
    )
    return outcome


def _record(
    session: Session,
    delivery: WebhookDelivery,
    code: int | None,
    latency: int,
    snippet: str | None,
    error: str | None,
    *,
    succeeded: bool = False,
    final: bool = False,
    next_at: dt.datetime | None = None,
) -> dict[str, Any]:
    now = utcnow()
    WebhookRepository(session).add(
        WebhookAttempt(
            id=new_id("wha"),
            tenant_id=delivery.tenant_id,
            delivery_id=delivery.id,
            at=now,
            status_code=code,
            latency_ms=latency,
            response_snippet=snippet,
            error=error,
        )
    )
    delivery.attempts += 1
    delivery.status = "succeeded" if succeeded else "failed" if final else "pending"
    delivery.next_attempt_at = next_at
    delivery.updated_at = now
    session.flush()
    return {"delivery": delivery.id, "status": delivery.status, "status_code": code}
