from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from openkyc.kit.db import Base, UTCDateTime

MONEY = sa.Numeric(14, 4)


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "period"),)

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(7))
    plan: Mapped[str] = mapped_column(sa.String(20))
    currency: Mapped[str] = mapped_column(sa.String(3))
    lines: Mapped[str] = mapped_column(sa.Text)  # JSON list of InvoiceLine
    subtotal: Mapped[Decimal] = mapped_column(MONEY)
    discount: Mapped[Decimal] = mapped_column(MONEY)
    total: Mapped[Decimal] = mapped_column(MONEY)
    events_count: Mapped[int] = mapped_column(sa.Integer)
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
