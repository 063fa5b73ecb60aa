"""The jobs table as a queue: run once, retry with backoff, survive a dead worker."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.jobs import service as jobs
from openkyc.jobs.models import Job
from openkyc.kit.db import transaction
from openkyc.kit.runtime import Runtime
from openkyc.platform import Platform
from openkyc.vision.face import descriptor
from openkyc.worker import EmbeddedWorkers, TaskRegistry
from tests.support import TenantKey, signed_api


@pytest.fixture
def registry() -> TaskRegistry:
    registry = TaskRegistry()

    @registry.register("test.audit_note")
    def audit_note(_rt: Runtime, session: Session, payload: dict[str, Any]) -> dict[str, Any]:
        audit.record(
            session,
            action="test.job_ran",
            actor="worker",
            tenant_id=payload["tenant_id"],
            object=f"job:{payload['note']}",
        )
        return {"noted": payload["note"]}

    @registry.register("test.always_fails")
    def always_fails(_rt: Runtime, session: Session, payload: dict[str, Any]) -> dict[str, Any]:
        audit.record(session, action="test.must_roll_back", actor="worker")
        raise RuntimeError("engine exploded")

    return registry


def _enqueue(platform: Platform, tenant: TenantKey, task: str, note: str = "n") -> str:
    with transaction(platform.sessions) as session:
        return jobs.enqueue(
            session,
            tenant.tenant_id,
            task,
            {"tenant_id": tenant.tenant_id, "note": note},
            max_attempts=2,
        ).id


def _job(platform: Platform, job_id: str) -> Job:
    with transaction(platform.sessions) as session:
        return session.execute(sa.select(Job).where(Job.id == job_id)).scalar_one()


def _count(platform: Platform, action: str) -> int:
    with transaction(platform.sessions) as session:
        return len(
            session.execute(
                sa.text("SELECT id FROM audit_entries WHERE action = :a"), {"a": action}
            ).all()
        )


def test_worker_threads_run_a_job_once(
    platform: Platform, tenant: TenantKey, client: Any, registry: TaskRegistry
) -> None:
    workers = EmbeddedWorkers(platform.runtime(), registry, threads=2, poll_seconds=0.05)
    workers.start()
    try:
        assert descriptor.helper_processes() == 2  # one face-descriptor helper per thread
        job_id = _enqueue(platform, tenant, "test.audit_note", "once")
        api = signed_api(client, tenant)
        deadline = time.monotonic() + 20
        while api.get(f"/v1/jobs/{job_id}").json()["status"] != "completed":
            assert time.monotonic() < deadline, "job did not complete"
            time.sleep(0.05)
    finally:
        workers.stop()
    assert descriptor.helper_processes() == 0
    body = api.get(f"/v1/jobs/{job_id}").json()
    assert body["result"] == {"noted": "once"}
    assert body["attempts"] == 1
    assert _count(platform, "test.job_ran") == 1


def test_failures_retry_then_fail_and_roll_back(
    fresh_platform: Platform, registry: TaskRegistry
) -> None:
    from tests.support import create_tenant

    tenant = create_tenant(fresh_platform)
    workers = EmbeddedWorkers(fresh_platform.runtime(), registry, retry_delays=(0.0,))
    job_id = _enqueue(fresh_platform, tenant, "test.always_fails")
    assert workers.run_once("w1")
    assert _job(fresh_platform, job_id).status == "queued"
    assert workers.run_once("w1")
    job = _job(fresh_platform, job_id)
    assert (job.status, job.attempts) == ("failed", 2)
    assert "engine exploded" in (job.error or "")
    assert _count(fresh_platform, "test.must_roll_back") == 0
    assert not workers.run_once("w1")


def test_dead_worker_job_is_reclaimed_and_finished_once(
    fresh_platform: Platform, registry: TaskRegistry
) -> None:
    from tests.support import create_tenant

    tenant = create_tenant(fresh_platform)
    job_id = _enqueue(fresh_platform, tenant, "test.audit_note", "reclaimed")
    with transaction(fresh_platform.sessions) as session:  # a worker claims, then dies
        claimed = jobs.claim(session, "dead-worker", dt.timedelta(seconds=-1))
        assert claimed is not None
    survivor = EmbeddedWorkers(fresh_platform.runtime(), registry)
    assert survivor.run_once("survivor")
    job = _job(fresh_platform, job_id)
    assert (job.status, job.attempts) == ("completed", 2)
    with transaction(fresh_platform.sessions) as session:  # the dead worker cannot finish it
        assert not jobs.complete(session, job_id, "dead-worker", {"late": True})
    assert _count(fresh_platform, "test.job_ran") == 1


def test_unknown_task_fails_with_a_reason(fresh_platform: Platform, registry: TaskRegistry) -> None:
    from tests.support import create_tenant

    tenant = create_tenant(fresh_platform)
    job_id = _enqueue(fresh_platform, tenant, "test.nobody_knows")
    workers = EmbeddedWorkers(fresh_platform.runtime(), registry, retry_delays=(0.0,))
    while workers.run_once("w"):
        pass
    job = _job(fresh_platform, job_id)
    assert job.status == "failed"
    assert "test.nobody_knows" in (job.error or "")


def test_payload_carries_ids_not_data(platform: Platform, tenant: TenantKey) -> None:
    with pytest.raises(ValueError, match="short id"), transaction(platform.sessions) as session:
        jobs.enqueue(session, tenant.tenant_id, "test.audit_note", {"image": "A" * 5000})
