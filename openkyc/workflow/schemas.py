"""The pipeline configuration a tenant can change (and version), with the seed's defaults."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

VersionNumber = Annotated[
    int, Field(ge=0, le=2_147_483_647, description="0 is the built-in default configuration")
]
"""A saved version's number as a caller may give it: the range of the column that stores it."""
Step = Literal["liveness", "ocr", "validate", "face_match", "kya", "scoring"]
Factor = Literal["liveness", "face", "document", "kya"]
DocumentType = Literal["passport", "id_card", "driver_license", "residence_permit", "other"]

DEFAULT_STEPS: list[Step] = ["liveness", "ocr", "validate", "face_match", "kya", "scoring"]
DEFAULT_WEIGHTS: dict[Factor, float] = {
    "liveness": 30.0,
    "face": 40.0,
    "document": 25.0,
    "kya": 5.0,
}
DEFAULT_MANDATORY: list[Step] = ["ocr", "validate", "face_match"]
DEFAULT_RULES = [
    "document.evaluated && document.expired => reject",
    "liveness.evaluated && !liveness.is_live => reject",
    "face.evaluated && face.similarity < 0.5 => reject",
    'liveness.mode == "passive_only" => review',
    "face.liveness_checked && !face.liveness_match => reject",
    "document.evaluated && document.mrz_present && !document.mrz_valid => review",
]


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    face_similarity: float | None = Field(
        None, ge=0, le=1, description="null: the engine's threshold for FMR 0.1%"
    )
    liveness_confidence: float = Field(0.5, ge=0, le=1)


ChallengeStep = Literal["blink", "turn_left", "turn_right", "look_up", "smile"]
DEFAULT_CHALLENGE_STEPS: list[ChallengeStep] = ["blink", "turn_left", "turn_right", "look_up"]


class LivenessChallengeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steps: list[ChallengeStep] = Field(
        default_factory=lambda: list(DEFAULT_CHALLENGE_STEPS),
        description="the pool challenges draw from",
    )
    min_steps: int = Field(2, ge=1, le=5)
    max_steps: int = Field(4, ge=1, le=5)
    ttl_seconds: int = Field(120, ge=10, le=3600, description="a challenge expires after")

    @model_validator(mode="after")
    def _sizes(self) -> LivenessChallengeSettings:
        if self.min_steps > self.max_steps:
            raise ValueError("liveness.min_steps must not exceed liveness.max_steps")
        if not self.steps:
            raise ValueError("liveness.steps must not be empty")
        return self


class Bands(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accepted: float = Field(80, ge=0, le=100, description="score >= accepted: accepted")
    review: float = Field(60, ge=0, le=100, description="review <= score < accepted: review")

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if self.review > self.accepted:
            raise ValueError("bands.review must not exceed bands.accepted")
        return self


class PipelineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: list[Step] = Field(default_factory=lambda: list(DEFAULT_STEPS))
    mandatory: list[Step] = Field(default_factory=lambda: list(DEFAULT_MANDATORY))
    weights: dict[Factor, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    bands: Bands = Field(default_factory=Bands)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    liveness: LivenessChallengeSettings = Field(default_factory=LivenessChallengeSettings)
    mandatory_fields: list[str] = Field(
        default_factory=lambda: ["surname", "given_names", "birth_date", "document_number"]
    )
    minimum_age: int = Field(18, ge=0, le=120)
    accepted_countries: list[str] = Field(
        default_factory=list, description="ISO alpha-3; empty: any"
    )
    accepted_document_types: list[DocumentType] = Field(default_factory=list)
    rules: list[str] = Field(
        default_factory=lambda: list(DEFAULT_RULES),
        description='"<CEL condition> => reject|review"',
    )

    @field_validator("steps")
    @classmethod
    def _steps(cls, steps: list[Step]) -> list[Step]:
        if len(set(steps)) != len(steps):
            raise ValueError("a step appears twice")
        if "scoring" in steps and steps[-1] != "scoring":
            raise ValueError("scoring must be the last step")
        return steps

    @field_validator("weights")
    @classmethod
    def _weights(cls, weights: dict[Factor, float]) -> dict[Factor, float]:
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        return weights

    @model_validator(mode="after")
    def _mandatory_in_steps(self) -> PipelineConfig:
        missing = sorted(set(self.mandatory) - set(self.steps))
        if missing:
            raise ValueError(f"mandatory steps {missing} are not in steps")
        return self
