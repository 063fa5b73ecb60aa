from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from openkyc.usage.schemas import UsageReport

Policy = Literal["largest", "reject", "ask"]


class FaceMatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image_a_base64: str = Field(min_length=1, description="live photo (selfie), ≤ 10 MB")
    image_b_base64: str = Field(min_length=1, description="document portrait or stored photo")
    threshold: float | None = Field(
        None,
        gt=0,
        lt=1,
        description="similarity threshold; default: the tenant's, else the "
        "engine's threshold for a 0.1% false-match rate",
    )
    multi_face_policy: Policy = Field(
        "largest",
        description="several faces: use the largest, reject, or ask (reject naming "
        "every face found)",
    )


class Box(BaseModel):
    x: int
    y: int
    width: int
    height: int


class Quality(BaseModel):
    face_width_px: int
    sharpness: float
    brightness: float
    exposure_clipped: float
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    eyes_visible: bool
    occlusion_hint: str | None


class FaceSide(BaseModel):
    box: Box
    quality: Quality
    faces_found: int
    selection: str = Field(description="which face was used and why")


class FaceMatchResponse(BaseModel):
    match: bool
    similarity: float = Field(description="0-1, monotonic in the embedding distance")
    threshold: float
    estimated_false_match_rate: float = Field(
        description="false-match rate the threshold stands for on the calibration set"
    )
    faces: dict[str, FaceSide]
    reasons: list[str]
    processing_ms: float
    usage: UsageReport

    @classmethod
    def example(cls) -> dict[str, Any]:
        return {"match": True, "similarity": 0.84, "threshold": 0.75}
