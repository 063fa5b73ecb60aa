from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from openkyc.kit.db import Base, UTCDateTime


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    plan: Mapped[str] = mapped_column(sa.String(20))
    country: Mapped[str | None] = mapped_column(sa.String(3))
    support_email: Mapped[str | None] = mapped_column(sa.String(320))
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    # The tenant's AES-256 data key, wrapped by the master key (AAD = tenant id).
    wrapped_data_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    plan_overrides: Mapped[str | None] = mapped_column(sa.Text)  # tenants.plans.PlanOverrides


class PlanRecord(Base):
    """A plan's terms as JSON (``tenants.plans.PlanTerms``), editable by the operator."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    terms: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
