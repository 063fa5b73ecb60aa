from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    tenant_id: str
    label: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class IssuedKey(BaseModel):
    """The only time a secret leaves the server."""

    tenant_id: str
    api_key_id: str
    api_key_secret: str
    expires_previous_at: dt.datetime | None = None
