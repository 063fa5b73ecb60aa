"""Per-tenant pipeline configurations, versioned: every save is a new version, the newest is
active, and each verification records the version it ran with. Version 0 is the default."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.kit.clock import utcnow
from openkyc.kit.ids import new_id
from openkyc.workflow import rules
from openkyc.workflow.errors import WorkflowInvalid, WorkflowVersionNotFound
from openkyc.workflow.models import WorkflowVersion
from openkyc.workflow.repository import WorkflowRepository
from openkyc.workflow.schemas import PipelineConfig


@dataclass(frozen=True)
class Versioned:
    version: int
    config: PipelineConfig


def active(session: Session, tenant_id: str) -> Versioned:
    row = WorkflowRepository(session).latest(tenant_id)
    if row is None:
        return Versioned(0, PipelineConfig())
    return Versioned(row.version, PipelineConfig.model_validate_json(row.config))


def at_version(session: Session, tenant_id: str, version: int) -> Versioned:
    if version == 0:
        return Versioned(0, PipelineConfig())
    row = WorkflowRepository(session).get(tenant_id, version)
    if row is None:
        raise WorkflowVersionNotFound(f"workflow version {version} does not exist")
    return Versioned(row.version, PipelineConfig.model_validate_json(row.config))


def check_rules(config: PipelineConfig) -> list[rules.Rule]:
    try:
        return rules.parse_all(config.rules)
    except rules.RuleError as exc:
        raise WorkflowInvalid(str(exc), details={"field": "body.rules"}) from exc


def save(session: Session, tenant_id: str, config: PipelineConfig, actor: str) -> Versioned:
    check_rules(config)
    current = active(session, tenant_id)
    row = WorkflowVersion(
        id=new_id("wfv"),
        tenant_id=tenant_id,
        version=current.version + 1,
        config=config.model_dump_json(),
        created_by=actor[:120],
        created_at=utcnow(),
    )
    WorkflowRepository(session).add(row)
    audit.record(
        session,
        action="workflow.saved",
        actor=actor,
        tenant_id=tenant_id,
        object=f"workflow:{row.version}",
    )
    return Versioned(row.version, config)


def versions(session: Session, tenant_id: str) -> list[Versioned]:
    rows = WorkflowRepository(session).list_versions(tenant_id)
    return [Versioned(r.version, PipelineConfig.model_validate_json(r.config)) for r in rows]
