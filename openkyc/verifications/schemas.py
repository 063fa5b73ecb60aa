from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openkyc.kya.schemas import Applicant
from openkyc.workflow.schemas import PipelineConfig, VersionNumber


class DocumentImages(BaseModel):
    model_config = ConfigDict(extra="forbid")
    front_base64: str = Field(min_length=1, description="JPEG, PNG or WebP, ≤ 10 MB")
    back_base64: str | None = Field(None, min_length=1)


class LivenessEvidence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    challenge_id: str = Field(min_length=1, max_length=40)
    video_base64: str = Field(min_length=1, description="WebM or MP4, ≤ 10 s, ≤ 15 MB")


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: DocumentImages | None = None
    selfie_base64: str | None = Field(None, min_length=1)
    liveness: LivenessEvidence | None = None
    applicant: Applicant | None = None
    reference: str | None = Field(None, max_length=200, description="your own id, echoed back")
    workflow: VersionNumber | PipelineConfig | None = Field(
        None, description="a saved version number, an inline configuration, or the active one"
    )
    callback_url: str | None = Field(
        None,
        max_length=2000,
        description="a registered webhook endpoint URL that must get "
        "this verification's events even if it is not subscribed to them",
    )


class VerifyAccepted(BaseModel):
    job_id: str
    verification_id: str
    status: Literal["queued", "running", "completed", "failed"]


class Factor(BaseModel):
    name: str
    weight: float
    score: float = Field(description="points this factor contributed to the 0-100 score")
    status: str
    passed: bool
    reasons: list[str]


class VerificationResult(BaseModel):
    verification_id: str
    reference: str | None
    decision: Literal["accepted", "review", "rejected"]
    score: float
    factors: list[Factor]
    reasons: list[str]
    workflow_version: int
    document: dict[str, Any] = Field(
        default_factory=dict, description="detected type/country, fields, MRZ"
    )
    checks: list[dict[str, Any]] = Field(default_factory=list)
    face_match: dict[str, Any] = Field(default_factory=dict)
    liveness: dict[str, Any] = Field(default_factory=dict)
    kya: list[dict[str, Any]] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)


class JobView(BaseModel):
    id: str
    task: str
    status: Literal["queued", "running", "completed", "failed"]
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    error: dict[str, Any] | None = None
    result: dict[str, Any] | None = Field(None, description="the task's own short result")
    verification: VerificationResult | None = None

    @field_validator("error", "result", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class DryRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=40, description="a completed verification job")
    workflow: PipelineConfig


class DryRunResult(BaseModel):
    job_id: str
    stored_decision: str | None
    stored_score: float | None
    decision: str
    score: float
    factors: list[Factor]
    reasons: list[str]
