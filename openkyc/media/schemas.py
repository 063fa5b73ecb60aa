from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Purpose = Literal["document_front", "document_back", "selfie", "portrait", "other"]


class MediaCreate(BaseModel):
    """An image as base64 in JSON (a ``data:image/...;base64,`` prefix is accepted)."""

    model_config = ConfigDict(extra="forbid")

    image_base64: str = Field(min_length=1, description="JPEG, PNG or WebP, at most 10 MB")
    purpose: Purpose = "other"


class MediaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    purpose: str
    content_type: str
    width: int
    height: int
    byte_size: int
    sha256: str = Field(description="SHA-256 of the stored (cleaned) image")
    created_at: dt.datetime


class MediaList(BaseModel):
    items: list[MediaOut]
    next_before: str | None = Field(None, description="pass as ?before= for the next page")
