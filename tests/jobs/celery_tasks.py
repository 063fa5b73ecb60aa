"""Tasks the Celery worker under test loads through OPENKYC_JOBS_TASK_MODULES."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.kit.runtime import Runtime
from openkyc.worker import REGISTRY


@REGISTRY.register("test.note")
def note(_runtime: Runtime, session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    audit.record(session, action="test.job_ran", actor="celery", object=str(payload["note"]))
    return {"noted": payload["note"]}


@REGISTRY.register("test.slow_note")
def slow_note(_runtime: Runtime, session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    audit.record(session, action="test.job_ran", actor="celery", object=str(payload["note"]))
    time.sleep(float(payload.get("seconds", 4)))  # long enough to kill the worker mid-job
    return {"noted": payload["note"]}
