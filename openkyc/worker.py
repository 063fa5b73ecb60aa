"""Job workers. Embedded mode: threads in the server process polling the jobs table.

One job is one transaction: the task's writes and the ``completed`` mark commit together. A
worker that dies mid-task commits nothing; its lease expires and another worker runs the job
again (``attempts`` counts each run). Tasks are registered by stable names such as
``"verification.run"`` and receive the job's payload of ids.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from openkyc.invoices import service as invoice_service
from openkyc.jobs import service as jobs
from openkyc.kit.db import transaction
from openkyc.kit.logging import bind_trace_id, clear_context, get_logger
from openkyc.kit.runtime import Runtime
from openkyc.webhooks import tasks as webhook_tasks

Task = Callable[[Runtime, Session, dict[str, Any]], dict[str, Any]]
log = get_logger("openkyc.worker")


class TaskRegistry:
    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}

    def register(self, name: str) -> Callable[[Task], Task]:
        def decorate(task: Task) -> Task:
            self._tasks[name] = task
            return task

        return decorate

    def get(self, name: str) -> Task | None:
        return self._tasks.get(name)


REGISTRY = TaskRegistry()
REGISTRY.register("webhooks.deliver")(webhook_tasks.deliver)


@dataclass(frozen=True)
class Periodic:
    """Work the scheduler thread runs every ``seconds`` in its own transaction."""

    name: str
    seconds: float
    run: Callable[[Runtime, Session], object]


PERIODIC = (
    Periodic(
        "invoices.close_due", 600.0, lambda _runtime, session: invoice_service.close_due(session)
    ),
)


class _LeaseLost(Exception):
    pass


class EmbeddedWorkers:
    def __init__(
        self,
        runtime: Runtime,
        registry: TaskRegistry = REGISTRY,
        *,
        threads: int = 2,
        poll_seconds: float = 1.0,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        retry_delays: tuple[float, ...] = (5.0, 30.0, 120.0),
        periodic: tuple[Periodic, ...] = PERIODIC,
    ) -> None:
        self.periodic = periodic
        self.runtime, self.registry, self.threads = runtime, registry, threads
        self.sessions = runtime.sessions
        self.poll_seconds, self.lease, self.retry_delays = poll_seconds, lease, retry_delays
        self._stop, self._wake = threading.Event(), threading.Event()
        self._workers: list[threading.Thread] = []
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        self._unsubscribe = jobs.on_enqueued(lambda _job, _task: self._wake.set())
        for index in range(self.threads):
            name = f"embedded-{index}-{secrets.token_hex(3)}"
            thread = threading.Thread(target=self._loop, args=(name,), name=name, daemon=True)
            thread.start()
            self._workers.append(thread)
        if self.periodic:
            scheduler = threading.Thread(target=self._schedule, name="scheduler", daemon=True)
            scheduler.start()
            self._workers.append(scheduler)

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        for thread in self._workers:
            thread.join(timeout)
        if self._unsubscribe:
            self._unsubscribe()

    def _loop(self, name: str) -> None:
        while not self._stop.is_set():
            try:
                worked = self.run_once(name)
            except Exception:  # a broken database must not kill the thread; retry later
                log.exception("worker loop error", worker=name)
                worked = False
            if not worked:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def _schedule(self) -> None:
        due = dict.fromkeys((p.name for p in self.periodic), 0.0)
        while not self._stop.is_set():
            now = time.monotonic()
            for periodic in self.periodic:
                if now >= due[periodic.name]:
                    due[periodic.name] = now + periodic.seconds
                    self.run_periodic(periodic)
            self._stop.wait(min(p.seconds for p in self.periodic))

    def run_periodic(self, periodic: Periodic) -> None:
        try:
            with transaction(self.sessions) as session:
                periodic.run(self.runtime, session)
        except Exception:  # logged and retried at the next tick
            log.exception("periodic task failed", task=periodic.name)

    def run_once(self, name: str) -> bool:
        """Claim and run one job; False when nothing was due."""
        with transaction(self.sessions) as session:
            job = jobs.claim(session, name, self.lease)
            if job is None:
                return False
            job_id, task_name, payload = job.id, job.task, json.loads(job.payload)
        bind_trace_id(job_id)
        try:
            self._run(name, job_id, task_name, payload)
        except _LeaseLost:
            log.warning("job lease lost; its result was discarded", job_id=job_id)
        except Exception as exc:
            log.exception("job failed", job_id=job_id, task=task_name)
            with transaction(self.sessions) as session:
                jobs.fail(
                    session,
                    job_id,
                    name,
                    {"code": type(exc).__name__, "message": str(exc)[:500]},
                    self.retry_delays,
                )
        finally:
            clear_context()
        return True

    def _run(self, name: str, job_id: str, task_name: str, payload: dict[str, Any]) -> None:
        task = self.registry.get(task_name)
        if task is None:
            raise LookupError(f"no task registered as {task_name!r}")
        with transaction(self.sessions) as session:
            result = task(self.runtime, session, payload)
            if not jobs.complete(session, job_id, name, result):
                raise _LeaseLost(job_id)
        log.info("job completed", job_id=job_id, task=task_name)
