from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.workflow.models import WorkflowVersion


class WorkflowRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def scoped(self, tenant_id: str) -> sa.Select[WorkflowVersion]:
        return sa.select(WorkflowVersion).where(WorkflowVersion.tenant_id == tenant_id)

    def latest(self, tenant_id: str) -> WorkflowVersion | None:
        statement = self.scoped(tenant_id).order_by(WorkflowVersion.version.desc()).limit(1)
        return self.session.execute(statement).scalar_one_or_none()

    def get(self, tenant_id: str, version: int) -> WorkflowVersion | None:
        statement = self.scoped(tenant_id).where(WorkflowVersion.version == version)
        return self.session.execute(statement).scalar_one_or_none()

    def list_versions(self, tenant_id: str) -> list[WorkflowVersion]:
        statement = self.scoped(tenant_id).order_by(WorkflowVersion.version.desc())
        return list(self.session.execute(statement).scalars())

    def add(self, row: WorkflowVersion) -> None:
        self.session.add(row)
        self.session.flush()
