from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CheckStatus = Literal["pass", "warn", "fail", "skip"]


class Applicant(BaseModel):
    """What the applicant declared; every field optional."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=300)
    birth_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)
    ip: str | None = Field(None, max_length=45)
    country: str | None = Field(None, pattern=r"^[A-Z]{3}$")


class KyaCheck(BaseModel):
    name: str
    status: CheckStatus
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
