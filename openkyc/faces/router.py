from __future__ import annotations

from fastapi import APIRouter, Request

from openkyc.faces import service
from openkyc.faces.schemas import FaceMatchRequest, FaceMatchResponse
from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, State, error_responses, warn_quota

router = APIRouter(
    prefix="/v1/face", tags=["face"], responses=error_responses(*SIGNED_ERRORS, 413, 415)
)


@router.post("/match", response_model=FaceMatchResponse, summary="Compare two faces (1:1)")
def match_faces(
    body: FaceMatchRequest, request: Request, caller: Caller, session: DbSession, state: State
) -> FaceMatchResponse:
    """Live photo (`image_a_base64`) against a document or stored photo (`image_b_base64`).
    `match` is `similarity >= threshold`; the threshold used is always returned. No face,
    several faces under a strict policy, an unreadable image, a face too small or too blurred
    are 422s with distinct codes naming the image. Images are not stored."""
    response = service.match_images(session, state, caller.tenant, caller.key.id, body)
    warn_quota(request, response.usage.warnings)
    return response
