"""Job rules: enqueue (ids only), claim with a lease, finish exactly once, retry with backoff.

A job row committed with status ``queued`` *is* the enqueue in embedded mode; listeners
registered with :func:`on_enqueued` hear about it only after the commit (to wake a worker
thread, or to send a Celery message in the scale-out mode).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from openkyc.jobs.errors import JobNotFound
from openkyc.jobs.models import Job
from openkyc.jobs.repository import JobRepository
from openkyc.kit.clock import utcnow
from openkyc.kit.db import after_commit
from openkyc.kit.ids import new_id

MAX_PAYLOAD_VALUE = 200  # payloads carry ids, never images or personal data
Listener = Callable[[str, str, dt.datetime], None]
_listeners: list[Listener] = []


def on_enqueued(listener: Listener) -> Callable[[], None]:
    """Call ``listener(job_id, task, run_after)`` after each enqueue commits; returns an
    unsubscribe function."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def enqueue(
    session: Session,
    tenant_id: str,
    task: str,
    payload: dict[str, str | int],
    *,
    max_attempts: int = 3,
    run_after: dt.datetime | None = None,
) -> Job:
    for key, value in payload.items():
        if not isinstance(value, str | int) or len(str(value)) > MAX_PAYLOAD_VALUE:
            raise ValueError(f"job payload {key!r} must be a short id, not data")
    now = utcnow()
    job = Job(
        id=new_id("job"),
        tenant_id=tenant_id,
        task=task,
        status="queued",
        payload=json.dumps(payload, sort_keys=True),
        attempts=0,
        max_attempts=max_attempts,
        run_after=run_after or now,
        created_at=now,
    )
    JobRepository(session).add(job)
    after_commit(session, lambda: _notify(job.id, task, job.run_after))
    return job


def _notify(job_id: str, task: str, run_after: dt.datetime) -> None:
    for listener in list(_listeners):
        listener(job_id, task, run_after)


def get(session: Session, tenant_id: str, job_id: str) -> Job:
    job = JobRepository(session).get(tenant_id, job_id)
    if job is None:
        raise JobNotFound(f"job {job_id} does not exist")
    return job


def claim(
    session: Session, worker: str, lease: dt.timedelta, *, job_id: str | None = None
) -> Job | None:
    return JobRepository(session).claim_next(worker, utcnow(), lease, job_id)


def stale(session: Session, grace: dt.timedelta) -> list[Job]:
    return JobRepository(session).stale(utcnow(), grace)


def complete(session: Session, job_id: str, worker: str, result: dict[str, Any]) -> bool:
    """Mark done in the task's own transaction; False if the lease was lost meanwhile."""
    job = JobRepository(session).lock_owned(job_id, worker)
    if job is None:
        return False
    job.status, job.result, job.finished_at = "completed", json.dumps(result), utcnow()
    job.locked_by = job.locked_until = None
    session.flush()
    return True


def fail(
    session: Session,
    job_id: str,
    worker: str,
    error: dict[str, Any],
    retry_delays: tuple[float, ...],
) -> str | None:
    """Requeue with the next delay while attempts remain, else mark failed for good.
    Returns the new status, or None when this worker no longer holds the job."""
    job = JobRepository(session).lock_owned(job_id, worker)
    if job is None:
        return None
    job.error, job.locked_by, job.locked_until = json.dumps(error), None, None
    if job.attempts < job.max_attempts:
        delay = retry_delays[min(job.attempts - 1, len(retry_delays) - 1)] if retry_delays else 0
        job.status, job.run_after = "queued", utcnow() + dt.timedelta(seconds=delay)
    else:
        job.status, job.finished_at = "failed", utcnow()
    session.flush()
    return job.status
