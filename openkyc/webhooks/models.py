from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from openkyc.kit.db import Base, UTCDateTime


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str | None] = mapped_column(sa.String(200))
    event_types: Mapped[str] = mapped_column(sa.Text)  # JSON list; empty list: every event
    secret_ciphertext: Mapped[bytes] = mapped_column(sa.LargeBinary)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class WebhookEvent(Base):
    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"), index=True)
    type: Mapped[str] = mapped_column(sa.String(60))
    payload: Mapped[str] = mapped_column(sa.Text)  # JSON, no images, no raw personal data
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"), index=True)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("webhook_events.id"), index=True)
    endpoint_id: Mapped[str] = mapped_column(sa.ForeignKey("webhook_endpoints.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))  # pending | succeeded | failed
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    """One HTTP attempt: every delivery try is logged, successful or not."""

    __tablename__ = "webhook_attempts"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    delivery_id: Mapped[str] = mapped_column(sa.ForeignKey("webhook_deliveries.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    latency_ms: Mapped[int] = mapped_column(sa.Integer)
    response_snippet: Mapped[str | None] = mapped_column(sa.String(500))
    error: Mapped[str | None] = mapped_column(sa.String(500))
