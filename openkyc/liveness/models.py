from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from openkyc.kit.db import Base, UTCDateTime


class LivenessChallenge(Base):
    """A random step sequence issued to one tenant (and session), answered at most once."""

    __tablename__ = "liveness_challenges"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"), index=True)
    steps: Mapped[str] = mapped_column(sa.Text)  # JSON list
    nonce: Mapped[str] = mapped_column(sa.String(64))
    session_ref: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class LivenessFingerprint(Base):
    """A perceptual fingerprint of a submitted video or still (sealed: thumbnails of a face),
    the tenant's index against re-submission."""

    __tablename__ = "liveness_fingerprints"

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(sa.ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # video | still
    ciphertext: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
