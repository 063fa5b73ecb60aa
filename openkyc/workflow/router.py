from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from openkyc.keys.dependencies import Caller
from openkyc.kit.web import SIGNED_ERRORS, DbSession, error_responses
from openkyc.workflow import service
from openkyc.workflow.schemas import PipelineConfig

router = APIRouter(
    prefix="/v1/workflows", tags=["workflows"], responses=error_responses(*SIGNED_ERRORS)
)


class WorkflowOut(BaseModel):
    version: int
    config: PipelineConfig


@router.get("/current", response_model=WorkflowOut, summary="The active pipeline configuration")
def get_current(caller: Caller, session: DbSession) -> WorkflowOut:
    """Version 0 is the built-in default: liveness 30, face 40, document 25, KYA 5; accepted at
    80, review from 60; the default rules."""
    active = service.active(session, caller.tenant.id)
    return WorkflowOut(version=active.version, config=active.config)


@router.put("/current", response_model=WorkflowOut, summary="Save a new configuration version")
def save(body: PipelineConfig, caller: Caller, session: DbSession) -> WorkflowOut:
    """Every save is a new version (verifications record the version they ran with). Rules are
    checked before saving: a rule that does not compile is a 422 naming it."""
    saved = service.save(session, caller.tenant.id, body, caller.actor)
    return WorkflowOut(version=saved.version, config=saved.config)


@router.get("/versions", response_model=list[WorkflowOut], summary="Every saved version")
def list_versions(caller: Caller, session: DbSession) -> list[WorkflowOut]:
    return [
        WorkflowOut(version=v.version, config=v.config)
        for v in service.versions(session, caller.tenant.id)
    ]
