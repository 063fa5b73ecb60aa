from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from openkyc.kit.db import Base, UTCDateTime


class AuditEntry(Base):
    """One link of the chain; ``hash`` covers every other column and ``prev_hash``."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    tenant_id: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    actor: Mapped[str] = mapped_column(sa.String(120))
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    object: Mapped[str | None] = mapped_column(sa.String(200))
    details: Mapped[str] = mapped_column(sa.Text)  # canonical JSON, hashed as stored
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


class AuditHead(Base):
    """A single row holding the chain's tip; updating it serialises writers on every backend."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(sa.BigInteger)
    last_hash: Mapped[str] = mapped_column(sa.String(64))
