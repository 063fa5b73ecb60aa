from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from openkyc.kit.db import Base, UTCDateTime


class WorkflowVersion(Base):
    """One saved version of a tenant's pipeline configuration; the highest is active."""

    __tablename__ = "workflow_versions"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "version"),)

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"), index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    config: Mapped[str] = mapped_column(sa.Text)  # workflow.schemas.PipelineConfig as JSON
    created_by: Mapped[str] = mapped_column(sa.String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
