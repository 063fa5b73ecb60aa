from __future__ import annotations

from fastapi import APIRouter, Request

from openkyc.documents import service
from openkyc.documents.schemas import (
    DocumentOcrResponse,
    DocumentRequest,
    ValidateRequest,
    ValidateResponse,
)
from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, State, error_responses, warn_quota

router = APIRouter(
    prefix="/v1/document", tags=["document"], responses=error_responses(*SIGNED_ERRORS, 413, 415)
)


@router.post("/ocr", response_model=DocumentOcrResponse, summary="Read an identity document")
def read_document(
    body: DocumentRequest, request: Request, caller: Caller, session: DbSession, state: State
) -> DocumentOcrResponse:
    """Type and country, fields (each with its confidence and source, `mrz` or `viz`), the MRZ
    with every check digit, the portrait as `face_crop_base64`, and capture quality. An MRZ is
    `accepted` only when its check digits pass as read and a second engine confirms what no
    check digit covers. Images are not stored by this call."""
    response = service.ocr(session, state, caller.tenant, caller.key.id, body)
    warn_quota(request, response.usage.warnings)
    return response


@router.post("/validate", response_model=ValidateResponse, summary="Validate a document")
def validate_document(
    body: ValidateRequest, request: Request, caller: Caller, session: DbSession, state: State
) -> ValidateResponse:
    """Every MRZ check digit, formats, coherent dates, not expired, minimum age (the tenant's
    workflow setting unless given), country codes, capture quality and portrait presence, each
    `pass | fail | warn | skip` with a message a person can act on. Send the images, or a
    result of `/v1/document/ocr` to avoid reading twice."""
    response = service.validate(session, state, caller.tenant, caller.key.id, body)
    warn_quota(request, response.usage.warnings)
    return response
