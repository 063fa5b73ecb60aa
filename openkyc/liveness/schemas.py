from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from openkyc.usage.schemas import UsageReport


class ChallengeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_ref: str | None = Field(
        None, max_length=200, description="your capture session, bound to the challenge"
    )


class ChallengeOut(BaseModel):
    challenge_id: str
    steps: list[str]
    nonce: str = Field(description="send it back with the answer; binds it to this challenge")
    expires_at: dt.datetime


class LivenessVerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    challenge_id: str = Field(min_length=1, max_length=40)
    nonce: str = Field(min_length=1, max_length=64)
    video_base64: str | None = Field(None, min_length=1, description="WebM or MP4, ≤ 10 s")
    frames_base64: list[str] | None = Field(
        None, min_length=3, max_length=300, description="or a burst of JPEG/PNG frames"
    )
    timestamps_ms: list[float] | None = None
    mirrored: bool = Field(False, description="the video is a mirrored selfie preview")
    session_ref: str | None = Field(
        None, max_length=200, description="required when the challenge was issued for one"
    )

    @model_validator(mode="after")
    def _one_source(self) -> LivenessVerifyRequest:
        if (self.video_base64 is None) == (self.frames_base64 is None):
            raise ValueError("send exactly one of video_base64 or frames_base64")
        return self


class StepOut(BaseModel):
    step: str
    detected: bool
    at_ms: float | None
    value: float
    threshold: float
    threshold_name: str
    reason: str


class LivenessVerifyResponse(BaseModel):
    is_live: bool
    spoof_type: str = Field(description="none | screen | paper | mask | deepfake | unknown")
    confidence: float = Field(description="confidence in the verdict, 0-1")
    hints: list[str]
    reasons: list[str]
    steps: list[StepOut]
    face: dict[str, Any] = Field(description="the best frame: time, box and quality")
    replay: dict[str, Any]
    processing_ms: float
    usage: UsageReport


class AnalyzeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_live_base64: str = Field(min_length=1)
    hints: dict[str, bool] | None = Field(None, description="accepted for compatibility")


class AnalyzeResponse(BaseModel):
    is_live: bool
    spoof_type: str
    confidence: float
    hints: list[str]
    cues: list[dict[str, Any]]
    replay: dict[str, Any]
    processing_ms: float
    usage: UsageReport
