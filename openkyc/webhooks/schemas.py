from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

EVENT_TYPES = ("kyc.completed", "kyc.failed", "usage.threshold")


def known_event_types(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(EVENT_TYPES))
    if unknown:
        raise ValueError(f"unknown event types {unknown}; known: {list(EVENT_TYPES)}")
    return sorted(set(value))


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=8, max_length=2000)
    description: str | None = Field(None, max_length=200)
    event_types: list[str] = Field(default_factory=list, description="empty: every event")

    @field_validator("event_types")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        return known_event_types(value)


class EndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(None, min_length=8, max_length=2000)
    description: str | None = Field(None, max_length=200)
    event_types: list[str] | None = None
    enabled: bool | None = None

    @field_validator("event_types")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else known_event_types(value)


class EndpointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    url: str
    description: str | None
    event_types: list[str]
    enabled: bool
    created_at: dt.datetime

    @field_validator("event_types", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class EndpointCreated(EndpointOut):
    secret: str = Field(description="whsec_… signing secret, shown this once")


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    at: dt.datetime
    status_code: int | None
    latency_ms: int
    response_snippet: str | None
    error: str | None


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    event_id: str
    event_type: str
    endpoint_id: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    created_at: dt.datetime
    attempt_log: list[AttemptOut] = Field(default_factory=list)
