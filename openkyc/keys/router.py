from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from openkyc.keys import service
from openkyc.keys.dependencies import Caller
from openkyc.keys.schemas import ApiKeyOut, IssuedKey
from openkyc.kit.web import SIGNED_ERRORS, DbSession, State, error_responses

router = APIRouter(prefix="/v1/keys", tags=["keys"], responses=error_responses(*SIGNED_ERRORS))


@router.get("", response_model=list[ApiKeyOut], summary="List the tenant's API keys")
def list_keys(caller: Caller, session: DbSession) -> list[ApiKeyOut]:
    return [ApiKeyOut.model_validate(k) for k in service.list_keys(session, caller.tenant.id)]


@router.post("/rotate", response_model=IssuedKey, status_code=201, summary="Rotate the API key")
def rotate_key(caller: Caller, session: DbSession, state: State) -> IssuedKey:
    """Issue a new key (its secret is shown this once); the current keys keep working for the
    configured overlap (default 24 h) so clients can roll over without downtime."""
    overlap = dt.timedelta(hours=state.key_overlap_hours)
    return service.rotate(session, state.keyring, caller.tenant, caller.actor, overlap)


@router.post("/{key_id}/revoke", response_model=ApiKeyOut, summary="Revoke an API key now")
def revoke_key(key_id: str, caller: Caller, session: DbSession) -> ApiKeyOut:
    key = service.revoke(session, key_id, caller.actor, tenant_id=caller.tenant.id)
    return ApiKeyOut.model_validate(key)
