from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from openkyc.usage.schemas import UsageReport

DocumentType = Literal["passport", "id_card", "driver_license", "residence_permit", "visa", "other"]
Status = Literal["pass", "fail", "warn", "skip"]


Side = Literal["front", "back"]
"""Which image of the document a value was read on."""


class DocumentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_front_base64: str = Field(min_length=1, description="JPEG, PNG or WebP, ≤ 10 MB")
    image_back_base64: str | None = Field(None, min_length=1)
    document_hint: Literal["auto", "passport", "id_card", "driver_license", "residence_permit"] = (
        "auto"
    )
    country_hint: str = Field("auto", pattern=r"^(auto|[A-Z]{3})$")


class FieldValue(BaseModel):
    value: str
    value_accented: str | None = None
    confidence: float
    source: Literal["mrz", "viz"]
    side: Side = Field(
        "front", description="the image it was read on (the back gives e.g. the address)"
    )


class CheckDigitOut(BaseModel):
    name: str
    read: str
    computed: str
    valid: bool


class MrzOut(BaseModel):
    format: str
    lines: list[str]
    checks: list[CheckDigitOut]
    valid: bool = Field(description="every check digit passes and the country codes exist")
    countries_valid: bool
    accepted: bool = Field(description="read reliably enough to be trusted (see reason)")
    reason: str
    side: Side


class Detected(BaseModel):
    type: DocumentType | None
    country: str | None
    confidence: float


class Check(BaseModel):
    name: str
    status: Status
    message: str


class Refusal(BaseModel):
    code: str
    message: str


class Quality(BaseModel):
    """The capture as measured on the found page."""

    document_found: bool = False
    sharpness: float | None = Field(None, description="0-1")
    glare: float | None = Field(None, description="share of clipped highlights")
    resolution_px_per_mm: float | None = None
    cropping: float | None = Field(None, description="share of corners on the photo border")
    rotation_deg: int = 0
    refusals: list[Refusal] = Field(default_factory=list)


class DocumentRead(BaseModel):
    detected: Detected
    fields: dict[str, FieldValue]
    mrz: MrzOut | None
    quality: Quality
    face_found: bool
    layout: str | None = Field(None, description="the layout pack used to read printed fields")
    layout_checks: list[Check] = Field(
        default_factory=list, description="the pack's own rules (e.g. CNIC format and sex digit)"
    )


class DocumentOcrResponse(DocumentRead):
    images: dict[str, str | None] = Field(description="face_crop_base64: the portrait, JPEG")
    processing_ms: float
    usage: UsageReport


class ValidateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    image_front_base64: str | None = Field(None, min_length=1)
    image_back_base64: str | None = Field(None, min_length=1)
    ocr_result: DocumentRead | None = Field(None, description="a result of /v1/document/ocr")
    minimum_age: int | None = Field(None, ge=0, le=120)


class ValidateResponse(BaseModel):
    document_valid: bool
    checks: list[Check]
    confidence: float
    processing_ms: float
    usage: UsageReport
