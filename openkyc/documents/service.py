"""Document rules: images checked like every upload (not stored by these calls), the document
read (MRZ with two engines, portrait, printed fields), validation checks with the tenant's
minimum age, and one metered event per call (``ocr`` or ``validate``)."""

from __future__ import annotations

import base64
import io
import time

import numpy as np
from PIL import Image
from sqlalchemy.orm import Session

from openkyc.documents import checks as validation
from openkyc.documents import reader
from openkyc.documents.schemas import (
    DocumentOcrResponse,
    DocumentRead,
    DocumentRequest,
    ValidateRequest,
    ValidateResponse,
)
from openkyc.kit.clock import utcnow
from openkyc.kit.errors import Unprocessable
from openkyc.kit.image_intake import clean_base64_image
from openkyc.kit.runtime import Runtime
from openkyc.tenants.models import Tenant
from openkyc.usage import service as usage
from openkyc.usage.schemas import UsageReport
from openkyc.vision.face import PortraitCrop
from openkyc.workflow import service as workflows

PORTRAIT_JPEG_QUALITY = 90


def _images(front: str, back: str | None, runtime: Runtime) -> tuple[bytes, bytes | None]:
    limits = runtime.image_limits
    return (
        clean_base64_image(front, "image_front_base64", limits),
        clean_base64_image(back, "image_back_base64", limits) if back else None,
    )


def evidence(front: bytes, back: bytes | None) -> reader.Evidence:
    return reader.Evidence(reader.decode(front), reader.decode(back) if back else None)


def portrait_jpeg(face: np.ndarray | None) -> str | None:
    if face is None:
        return None
    buffer = io.BytesIO()
    Image.fromarray(face).save(buffer, format="JPEG", quality=PORTRAIT_JPEG_QUALITY)
    return base64.b64encode(buffer.getvalue()).decode()


def ocr(
    session: Session,
    runtime: Runtime,
    tenant: Tenant,
    api_key_id: str | None,
    request: DocumentRequest,
) -> DocumentOcrResponse:
    started = time.perf_counter()
    usage.ensure_available(session, tenant, "ocr")
    front, back = _images(request.image_front_base64, request.image_back_base64, runtime)
    document, portrait = reader.read(
        evidence(front, back), request.document_hint, request.country_hint
    )
    metered = usage.meter(session, tenant, "ocr", api_key_id=api_key_id)
    return DocumentOcrResponse(
        **document.model_dump(),
        images={"face_crop_base64": portrait_jpeg(portrait.image if portrait else None)},
        processing_ms=round((time.perf_counter() - started) * 1000, 1),
        usage=metered.report(),
    )


def validate(
    session: Session,
    runtime: Runtime,
    tenant: Tenant,
    api_key_id: str | None,
    request: ValidateRequest,
) -> ValidateResponse:
    started = time.perf_counter()
    usage.ensure_available(session, tenant, "validate")
    document = request.ocr_result
    if document is None:
        if request.image_front_base64 is None:
            raise Unprocessable(
                "send image_front_base64 or ocr_result",
                details={"errors": [{"field": "body.image_front_base64", "message": "required"}]},
            )
        front, back = _images(request.image_front_base64, request.image_back_base64, runtime)
        document, _ = reader.read(evidence(front, back))
    minimum_age = (
        request.minimum_age
        if request.minimum_age is not None
        else workflows.active(session, tenant.id).config.minimum_age
    )
    results = validation.validate(document, utcnow().date(), minimum_age)
    metered = usage.meter(session, tenant, "validate", api_key_id=api_key_id)
    return ValidateResponse(
        document_valid=not any(c.status == "fail" for c in results),
        checks=results,
        confidence=validation.confidence(results),
        processing_ms=round((time.perf_counter() - started) * 1000, 1),
        usage=metered.report(),
    )


def read_local(
    front: bytes, back: bytes | None, document_hint: str = "auto", country_hint: str = "auto"
) -> DocumentOcrResponse:
    """`ocr` on images already cleaned by the intake, with no tenant and nothing metered (the
    command line on local files)."""
    started = time.perf_counter()
    document, portrait = reader.read(evidence(front, back), document_hint, country_hint)
    return DocumentOcrResponse(
        **document.model_dump(),
        images={"face_crop_base64": portrait_jpeg(portrait.image if portrait else None)},
        processing_ms=round((time.perf_counter() - started) * 1000, 1),
        usage=UsageReport(module="ocr", billed=False, reason="local"),
    )


def validate_local(document: DocumentRead, minimum_age: int) -> ValidateResponse:
    """`validate` of a document already read, with no tenant and nothing metered."""
    started = time.perf_counter()
    results = validation.validate(document, utcnow().date(), minimum_age)
    return ValidateResponse(
        document_valid=not any(c.status == "fail" for c in results),
        checks=results,
        confidence=validation.confidence(results),
        processing_ms=round((time.perf_counter() - started) * 1000, 1),
        usage=UsageReport(module="validate", billed=False, reason="local"),
    )


def read_for_pipeline(
    front: bytes, back: bytes | None, minimum_age: int
) -> tuple[DocumentRead, list[dict[str, str]], PortraitCrop | None]:
    """The ocr and validate steps of a verification (evidence already cleaned and stored),
    with the portrait so the face step does not look for it again."""
    document, portrait = reader.read(evidence(front, back))
    results = validation.validate(document, utcnow().date(), minimum_age)
    return document, [c.model_dump() for c in results], portrait
