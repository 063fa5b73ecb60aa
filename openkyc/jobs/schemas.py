from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

JobStatus = Literal["queued", "running", "completed", "failed"]


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    task: str
    status: JobStatus
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    result: dict[str, Any] | None
    error: dict[str, Any] | None

    @field_validator("result", "error", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value
