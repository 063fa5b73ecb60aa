from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def endpoints(self, tenant_id: str) -> sa.Select[WebhookEndpoint]:
        return sa.select(WebhookEndpoint).where(
            WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.deleted_at.is_(None)
        )

    def deliveries(self, tenant_id: str) -> sa.Select[WebhookDelivery]:
        return sa.select(WebhookDelivery).where(WebhookDelivery.tenant_id == tenant_id)

    def get_endpoint(self, tenant_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        statement = self.endpoints(tenant_id).where(WebhookEndpoint.id == endpoint_id)
        return self.session.execute(statement).scalar_one_or_none()

    def list_endpoints(self, tenant_id: str) -> list[WebhookEndpoint]:
        statement = self.endpoints(tenant_id).order_by(WebhookEndpoint.created_at)
        return list(self.session.execute(statement).scalars())

    def get_delivery(self, tenant_id: str, delivery_id: str) -> WebhookDelivery | None:
        statement = self.deliveries(tenant_id).where(WebhookDelivery.id == delivery_id)
        return self.session.execute(statement).scalar_one_or_none()

    def list_deliveries(
        self, tenant_id: str, limit: int, status: str | None
    ) -> list[WebhookDelivery]:
        statement = self.deliveries(tenant_id)
        if status:
            statement = statement.where(WebhookDelivery.status == status)
        statement = statement.order_by(WebhookDelivery.id.desc()).limit(limit)
        return list(self.session.execute(statement).scalars())

    def get_event(self, tenant_id: str, event_id: str) -> WebhookEvent | None:
        statement = sa.select(WebhookEvent).where(
            WebhookEvent.tenant_id == tenant_id, WebhookEvent.id == event_id
        )
        return self.session.execute(statement).scalar_one_or_none()

    def attempts(self, tenant_id: str, delivery_id: str) -> list[WebhookAttempt]:
        statement = (
            sa.select(WebhookAttempt)
            .where(WebhookAttempt.tenant_id == tenant_id, WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.at)
        )
        return list(self.session.execute(statement).scalars())

    def add(self, *rows: object) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def get_endpoint_any(self, tenant_id: str, endpoint_id: str) -> WebhookEndpoint | None:
        """Deleted endpoints included: a pending delivery must learn its endpoint is gone."""
        statement = sa.select(WebhookEndpoint).where(
            WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.id == endpoint_id
        )
        return self.session.execute(statement).scalar_one_or_none()
