"""Celery mode (``OPENKYC_JOBS=celery``): the broker carries job ids, the jobs table keeps the
state. Start workers with ``openkyc worker`` (or ``celery -A openkyc.celery_app worker``).

Each worker process builds the platform once from the same ``OPENKYC_*`` settings as the
server. Messages are acknowledged late and re-queued if a worker process is lost; a job that
is delivered twice is claimed once (the claim is atomic), so it never runs twice at a time,
and a job whose worker died is run again only after its lease expires.
"""

from __future__ import annotations

import datetime as dt
import secrets
import socket
from functools import cache

from celery import Celery

from openkyc.jobs import service as jobs
from openkyc.kit.clock import utcnow
from openkyc.kit.db import transaction
from openkyc.platform import Platform, build_platform
from openkyc.settings import Settings
from openkyc.worker import JobRunner, load_task_modules

RUN_TASK = "openkyc.jobs.run"


def make_celery(settings: Settings) -> Celery:
    broker = settings.workers.broker_url or settings.redis.url or "redis://127.0.0.1:6379/0"
    app = Celery("openkyc", broker=broker)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.workers.queue,
        broker_transport_options={"visibility_timeout": max(60, settings.workers.lease_seconds)},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


app = make_celery(Settings())


@cache
def _platform() -> Platform:
    settings = Settings()
    load_task_modules(settings.workers.task_modules)
    platform = build_platform(settings, migrate=False)
    jobs.on_enqueued(CeleryDispatcher(app).send)  # jobs enqueued by jobs (webhook retries)
    return platform


@app.task(name=RUN_TASK)  # type: ignore[untyped-decorator]
def run_job(job_id: str) -> bool:
    platform = _platform()
    runner = JobRunner(
        platform.runtime(), lease=dt.timedelta(seconds=platform.settings.workers.lease_seconds)
    )
    return runner.run_job(job_id, f"celery-{socket.gethostname()}-{secrets.token_hex(3)}")


class CeleryDispatcher:
    """Sends committed jobs to the broker, delayed until their ``run_after``."""

    def __init__(self, celery: Celery) -> None:
        self.celery = celery

    def send(self, job_id: str, _task: str, run_after: dt.datetime) -> None:
        countdown = max(0.0, (run_after - utcnow()).total_seconds())
        self.celery.send_task(RUN_TASK, args=[job_id], countdown=countdown)

    def sweep(self, platform: Platform, grace: dt.timedelta) -> int:
        """Send again the jobs no worker took (lost message, dead worker): claiming is
        atomic, so a duplicate message is harmless."""
        with transaction(platform.sessions) as session:
            stale = [(job.id, job.task) for job in jobs.stale(session, grace)]
        for job_id, task in stale:
            self.send(job_id, task, utcnow())
        return len(stale)
