from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from openkyc.kit.db import Base, UTCDateTime

MONEY = sa.Numeric(12, 4)


class UsageEvent(Base):
    """One billable call, written in the same transaction as the work it bills."""

    __tablename__ = "usage_events"
    __table_args__ = (
        sa.Index("ix_usage_events_period", "tenant_id", "period", "module"),
        sa.Index(
            "uq_usage_events_idempotency", "tenant_id", "module", "idempotency_key", unique=True
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"))
    api_key_id: Mapped[str | None] = mapped_column(sa.String(40))
    module: Mapped[str] = mapped_column(sa.String(20))
    job_id: Mapped[str | None] = mapped_column(sa.String(40))
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(200))
    billed: Mapped[bool] = mapped_column(sa.Boolean)
    reason: Mapped[str] = mapped_column(sa.String(40))
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(sa.String(3))
    period: Mapped[str] = mapped_column(sa.String(7))  # YYYY-MM, UTC
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class UsageCounter(Base):
    """Calls per tenant, module and month: the row lock makes quota checks exact."""

    __tablename__ = "usage_counters"

    tenant_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    calls: Mapped[int] = mapped_column(sa.Integer, default=0)


class UsageThreshold(Base):
    """A quota threshold (80 or 100 %) crossed once per period: the unique key sends it once."""

    __tablename__ = "usage_thresholds"

    tenant_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(7), primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    percent: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    calls: Mapped[int] = mapped_column(sa.Integer)
    quota: Mapped[int] = mapped_column(sa.Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
