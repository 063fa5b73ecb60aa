"""OPENKYC_JOBS=celery with a real `openkyc worker` (Celery) on the real Redis: jobs run, and a
worker killed mid-job leaves a job that another worker finishes exactly once."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from openkyc.celery_app import CeleryDispatcher, make_celery
from openkyc.jobs import service as jobs
from openkyc.jobs.models import Job
from openkyc.kit.db import transaction
from openkyc.platform import Platform, build_platform
from tests.conftest import DatabaseFactory
from tests.support import TEST_MASTER_KEY, create_tenant, make_settings

pytestmark = [pytest.mark.redis, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 5


@pytest.fixture
def celery_env(tmp_path: Path, databases: DatabaseFactory) -> dict[str, str]:
    return {
        **os.environ,
        "OPENKYC_ENV": "test",
        "OPENKYC_DATA_DIR": str(tmp_path),
        "OPENKYC_DATABASE_URL": databases.new(),
        "OPENKYC_CRYPTO_MASTER_KEY": TEST_MASTER_KEY,
        "OPENKYC_JOBS": "celery",
        "OPENKYC_REDIS_URL": "redis://127.0.0.1:6379/0",
        "OPENKYC_JOBS_QUEUE": f"openkyc-test-{secrets.token_hex(4)}",
        "OPENKYC_JOBS_LEASE_SECONDS": str(LEASE_SECONDS),
        "OPENKYC_JOBS_TASK_MODULES": '["tests.jobs.celery_tasks"]',
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture
def platform_and_dispatcher(
    celery_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[Platform, CeleryDispatcher]]:
    settings = make_settings(tmp_path, celery_env["OPENKYC_DATABASE_URL"])
    settings.workers.queue = celery_env["OPENKYC_JOBS_QUEUE"]
    settings.redis.url = celery_env["OPENKYC_REDIS_URL"]
    platform = build_platform(settings)
    dispatcher = CeleryDispatcher(make_celery(settings))
    unsubscribe = jobs.on_enqueued(dispatcher.send)
    yield platform, dispatcher
    unsubscribe()
    platform.close()


@pytest.fixture
def start_worker(
    celery_env: dict[str, str], tmp_path: Path
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    log = (tmp_path / "celery-worker.log").open("ab")  # read it when a test fails

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "openkyc.cli", "worker", "--concurrency", "1"],
            env=celery_env,
            cwd=ROOT,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    log.close()


def _enqueue(platform: Platform, task: str, **payload: str | int) -> str:
    tenant = create_tenant(platform)
    with transaction(platform.sessions) as session:
        return jobs.enqueue(session, tenant.tenant_id, task, {"note": "n", **payload}).id


def _wait(platform: Platform, job_id: str, status: str, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with transaction(platform.sessions) as session:
            job = session.execute(sa.select(Job).where(Job.id == job_id)).scalar_one()
        if job.status == status:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never reached {status}; last {job.status}")


def _ran(platform: Platform) -> int:
    with transaction(platform.sessions) as session:
        return len(
            session.execute(
                sa.text("SELECT id FROM audit_entries WHERE action = 'test.job_ran'")
            ).all()
        )


def test_celery_worker_runs_jobs(
    platform_and_dispatcher: tuple[Platform, CeleryDispatcher],
    start_worker: Callable[[], subprocess.Popen[bytes]],
) -> None:
    platform, _ = platform_and_dispatcher
    start_worker()
    job = _wait(platform, _enqueue(platform, "test.note"), "completed")
    assert json.loads(job.result or "{}") == {"noted": "n"}
    assert job.attempts == 1


def test_killed_worker_job_finishes_exactly_once(
    platform_and_dispatcher: tuple[Platform, CeleryDispatcher],
    start_worker: Callable[[], subprocess.Popen[bytes]],
) -> None:
    platform, dispatcher = platform_and_dispatcher
    first = start_worker()
    job_id = _enqueue(platform, "test.slow_note", seconds=6)
    _wait(platform, job_id, "running")
    os.killpg(first.pid, signal.SIGKILL)  # the worker dies in the middle of the job
    first.wait(timeout=10)
    assert _ran(platform) == 0  # its transaction never committed
    start_worker()
    time.sleep(LEASE_SECONDS + 0.5)
    assert dispatcher.sweep(platform, dt.timedelta(seconds=1)) >= 1
    job = _wait(platform, job_id, "completed", timeout=90)
    assert job.attempts == 2
    assert _ran(platform) == 1
