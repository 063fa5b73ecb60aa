from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from openkyc.kit.db import Base, UTCDateTime


class Verification(Base):
    """One e-KYC run. Evidence is referenced by media id; the applicant's declarations and the
    result (which holds extracted personal data) are sealed with the tenant's data key."""

    __tablename__ = "verifications"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"), index=True)
    job_id: Mapped[str] = mapped_column(sa.String(40), index=True)
    reference: Mapped[str | None] = mapped_column(sa.String(200))
    workflow_version: Mapped[int] = mapped_column(sa.Integer)  # -1: inline configuration
    config: Mapped[str] = mapped_column(sa.Text)  # the PipelineConfig it ran with
    evidence: Mapped[str] = mapped_column(sa.Text)  # JSON: {"document_front": "med_…", …}
    applicant_ciphertext: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    callback_endpoint_id: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20))
    decision: Mapped[str | None] = mapped_column(sa.String(20))
    score: Mapped[float | None] = mapped_column(sa.Float)
    result_ciphertext: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class IdempotencyKey(Base):
    """A claimed ``Idempotency-Key``: the first request with it wins (INSERT … ON CONFLICT)."""

    __tablename__ = "idempotency_keys"

    tenant_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    scope: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    request_sha256: Mapped[str] = mapped_column(sa.String(64))
    resource_id: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
