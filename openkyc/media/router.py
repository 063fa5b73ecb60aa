from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import ValidationError

from openkyc.keys.dependencies import Caller
from openkyc.kit.base64data import decode_base64_field
from openkyc.kit.errors import BadRequest, Unprocessable, UnsupportedMediaType
from openkyc.kit.web import SIGNED_ERRORS, DbSession, State, error_responses, web_state
from openkyc.media import service
from openkyc.media.schemas import MediaCreate, MediaList, MediaOut

router = APIRouter(prefix="/v1/media", tags=["media"], responses=error_responses(*SIGNED_ERRORS))

_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": MediaCreate.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "purpose": MediaCreate.model_json_schema()["properties"]["purpose"],
                    },
                }
            },
        },
    }
}


class Upload:
    def __init__(self, data: bytes, purpose: str, field: str) -> None:
        self.data, self.purpose, self.field = data, purpose, field


async def parse_upload(request: Request) -> Upload:
    """Base64 in JSON or a multipart file: the HTTP shapes of one image."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    limit = web_state(request).image_limits.max_bytes
    if content_type == "application/json":
        try:
            body = MediaCreate.model_validate_json(await request.body())
        except ValidationError as exc:
            raise Unprocessable(
                "request body is invalid",
                details={
                    "errors": [
                        {
                            "field": ".".join(str(p) for p in ("body", *e["loc"])),
                            "message": e["msg"],
                            "type": e["type"],
                        }
                        for e in exc.errors(include_input=False)
                    ]
                },
            ) from exc
        data = decode_base64_field(body.image_base64, "image_base64", limit)
        return Upload(data, body.purpose, "image_base64")
    if content_type == "multipart/form-data":
        return await _parse_multipart(request, limit)
    raise UnsupportedMediaType(
        "send application/json (image_base64) or multipart/form-data (file)",
        details={"content_type": content_type or None},
    )


async def _parse_multipart(request: Request, limit: int) -> Upload:
    try:
        form = await request.form(max_files=1, max_fields=4, max_part_size=1024)
    except Exception as exc:  # the multipart parser raises several unrelated types
        raise BadRequest(f"multipart body could not be parsed: {exc}") from exc
    file = form.get("file")
    if file is None or isinstance(file, str):
        raise Unprocessable(
            "multipart field 'file' is required",
            details={"errors": [{"field": "body.file", "message": "required"}]},
        )
    data = await file.read(limit + 1)
    purpose = form.get("purpose") or "other"
    try:
        checked = MediaCreate(image_base64="-", purpose=purpose)
    except ValidationError as exc:
        raise Unprocessable(
            "purpose is invalid",
            details={"errors": [{"field": "body.purpose", "message": exc.errors()[0]["msg"]}]},
        ) from exc
    return Upload(data, checked.purpose, "file")


@router.post(
    "",
    response_model=MediaOut,
    status_code=201,
    openapi_extra=_UPLOAD_BODY,
    summary="Store an image",
    responses=error_responses(413, 415, 503),
)
def create_media(
    caller: Caller,
    session: DbSession,
    state: State,
    upload: Annotated[Upload, Depends(parse_upload)],
) -> MediaOut:
    """Checked by magic bytes and a full decode, turned upright, stripped of all metadata,
    encrypted with the tenant's key and stored. Refused images leave nothing behind."""
    ctx = service.MediaContext(state.keyring, state.store, state.image_limits)
    media = service.store_image(
        session, ctx, caller.tenant, upload.data, upload.purpose, caller.actor, field=upload.field
    )
    return MediaOut.model_validate(media)


@router.get("", response_model=MediaList, summary="List stored images")
def list_media(
    caller: Caller,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[str | None, Query(max_length=40)] = None,
) -> MediaList:
    items = service.list_media(session, caller.tenant, limit, before)
    return MediaList(
        items=[MediaOut.model_validate(m) for m in items],
        next_before=items[-1].id if len(items) == limit else None,
    )


@router.get("/{media_id}", response_model=MediaOut, summary="Metadata of a stored image")
def get_media(media_id: str, caller: Caller, session: DbSession) -> MediaOut:
    return MediaOut.model_validate(service.get(session, caller.tenant, media_id))


@router.get(
    "/{media_id}/content",
    summary="The stored image (decrypted); audited",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
)
def get_media_content(media_id: str, caller: Caller, session: DbSession, state: State) -> Response:
    ctx = service.MediaContext(state.keyring, state.store, state.image_limits)
    media, data = service.read(session, ctx, caller.tenant, media_id, caller.actor)
    return Response(data, media_type=media.content_type, headers={"Cache-Control": "no-store"})


@router.delete(
    "/{media_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a stored image; audited",
)
def delete_media(media_id: str, caller: Caller, session: DbSession, state: State) -> Response:
    ctx = service.MediaContext(state.keyring, state.store, state.image_limits)
    service.delete(session, ctx, caller.tenant, media_id, caller.actor)
    return Response(status_code=204)
