"""Face match rules: images checked like every upload (never stored by this call), the
engine's match with the tenant's threshold, failures as 422s naming the image, one metered
``face_match`` event per successful comparison."""

from __future__ import annotations

from sqlalchemy.orm import Session

from openkyc.faces.errors import translate
from openkyc.faces.schemas import Box, FaceMatchRequest, FaceMatchResponse, FaceSide, Quality
from openkyc.kit.image_intake import clean_base64_image
from openkyc.kit.runtime import Runtime
from openkyc.tenants.models import Tenant
from openkyc.usage import service as usage
from openkyc.usage.schemas import UsageReport
from openkyc.vision.face import (
    FaceAnalysis,
    FaceError,
    ImageInput,
    MatchResult,
    MultiFacePolicy,
    match,
)
from openkyc.workflow import service as workflows

MODULE = "face_match"


def compare(
    image_a: ImageInput,
    image_b: ImageInput | FaceAnalysis,
    *,
    threshold: float | None = None,
    policy: MultiFacePolicy = "largest",
) -> MatchResult:
    """The engine's 1:1 match, with its failures turned into contract errors."""
    try:
        return match(image_a, image_b, threshold=threshold, policy=policy)
    except FaceError as exc:
        raise translate(exc) from exc


def match_images(
    session: Session,
    runtime: Runtime,
    tenant: Tenant,
    api_key_id: str | None,
    request: FaceMatchRequest,
) -> FaceMatchResponse:
    usage.ensure_available(session, tenant, MODULE)
    image_a = clean_base64_image(request.image_a_base64, "image_a_base64", runtime.image_limits)
    image_b = clean_base64_image(request.image_b_base64, "image_b_base64", runtime.image_limits)
    threshold = request.threshold  # the request's, else the tenant's workflow setting
    if threshold is None:
        threshold = workflows.active(session, tenant.id).config.thresholds.face_similarity
    result = compare(image_a, image_b, threshold=threshold, policy=request.multi_face_policy)
    metered = usage.meter(session, tenant, MODULE, api_key_id=api_key_id)
    return describe(result, metered.report())


def _side(analysis: FaceAnalysis) -> FaceSide:
    used = analysis.used
    assert used is not None  # match() only returns when both sides have a chosen face
    q = used.quality
    return FaceSide(
        box=Box(x=used.box.x, y=used.box.y, width=used.box.width, height=used.box.height),
        quality=Quality(
            face_width_px=q.face_width_px,
            sharpness=round(q.sharpness, 3),
            brightness=round(q.brightness, 3),
            exposure_clipped=round(q.exposure_clipped, 3),
            yaw_deg=round(q.yaw_deg, 1),
            pitch_deg=round(q.pitch_deg, 1),
            roll_deg=round(q.roll_deg, 1),
            eyes_visible=q.eyes_visible,
            occlusion_hint=q.occlusion_hint,
        ),
        faces_found=len(analysis.faces),
        selection=analysis.reason,
    )


def describe(result: MatchResult, usage_info: UsageReport) -> FaceMatchResponse:
    return FaceMatchResponse(
        match=result.match,
        similarity=result.similarity,
        threshold=result.threshold,
        estimated_false_match_rate=result.estimated_fmr,
        faces={"a": _side(result.face_a), "b": _side(result.face_b)},
        reasons=list(result.reasons),
        processing_ms=result.elapsed_ms,
        usage=usage_info,
    )
