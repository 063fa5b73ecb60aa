"""Job workers, the same runner in both modes.

- Embedded (default): threads in the server process poll the jobs table (woken at once by each
  committed enqueue).
- Celery (``OPENKYC_JOBS=celery``): each committed enqueue sends ``openkyc.jobs.run(job_id)``;
  Celery workers (``openkyc worker``) claim that job by id and run it with this runner.

One job is one transaction: the task's writes and the ``completed`` mark commit together.
Tasks read first and write last (see ``verifications.service.run``), so a job holds no write
lock while it computes and two workers really run two jobs at once. A worker that dies
mid-task commits nothing; its lease expires, a sweeper sends the job again
and another worker runs it (``attempts`` counts each run), so it finishes exactly once. Tasks
are registered by stable names such as ``"verification.run"`` and receive a payload of ids.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from openkyc.invoices import service as invoice_service
from openkyc.jobs import service as jobs
from openkyc.kit.db import transaction
from openkyc.kit.logging import bind_trace_id, clear_context, get_logger
from openkyc.kit.runtime import Runtime
from openkyc.verifications import tasks as verification_tasks
from openkyc.vision.face import descriptor
from openkyc.webhooks import tasks as webhook_tasks

Task = Callable[[Runtime, Session, dict[str, Any]], dict[str, Any]]
FailureHook = Callable[[Runtime, Session, dict[str, Any], dict[str, Any]], None]
log = get_logger("openkyc.worker")


class TaskRegistry:
    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._on_failed: dict[str, FailureHook] = {}

    def register(self, name: str, on_failed: FailureHook | None = None) -> Callable[[Task], Task]:
        """Register a task; ``on_failed`` runs in the transaction that marks the job failed for
        good (after its last attempt), e.g. to tell the tenant."""

        def decorate(task: Task) -> Task:
            self._tasks[name] = task
            if on_failed is not None:
                self._on_failed[name] = on_failed
            return task

        return decorate

    def get(self, name: str) -> Task | None:
        return self._tasks.get(name)

    def on_failed(self, name: str) -> FailureHook | None:
        return self._on_failed.get(name)


REGISTRY = TaskRegistry()
REGISTRY.register("webhooks.deliver")(webhook_tasks.deliver)
REGISTRY.register("verification.run", on_failed=verification_tasks.failed)(verification_tasks.run)


def load_task_modules(modules: Iterable[str]) -> None:
    """Import extra modules that register tasks on REGISTRY (plugins, tests)."""
    for module in modules:
        importlib.import_module(module)


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


class JobRunner:
    """Claims a job (the next due one, or one by id), runs its task, records the outcome."""

    def __init__(
        self,
        runtime: Runtime,
        registry: TaskRegistry = REGISTRY,
        *,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        retry_delays: tuple[float, ...] = (5.0, 30.0, 120.0),
    ) -> None:
        self.runtime, self.registry = runtime, registry
        self.sessions = runtime.sessions
        self.lease, self.retry_delays = lease, retry_delays

    def run_once(self, worker: str) -> bool:
        """Claim and run the next due job; False when nothing was due."""
        return self._claim_and_run(worker, None)

    def run_job(self, job_id: str, worker: str) -> bool:
        """Run this job if it is due (or its previous worker's lease ran out)."""
        return self._claim_and_run(worker, job_id)

    def _claim_and_run(self, worker: str, job_id: str | None) -> bool:
        with transaction(self.sessions) as session:
            job = jobs.claim(session, worker, self.lease, job_id=job_id)
            if job is None:
                return False
            claimed, task_name, payload = job.id, job.task, json.loads(job.payload)
        bind_trace_id(claimed)
        try:
            self._run(worker, claimed, task_name, payload)
        except _LeaseLost:
            log.warning("job lease lost; its result was discarded", job_id=claimed)
        except Exception as exc:
            log.exception("job failed", job_id=claimed, task=task_name)
            error = {"code": type(exc).__name__, "message": str(exc)[:500]}
            with transaction(self.sessions) as session:
                status = jobs.fail(session, claimed, worker, error, self.retry_delays)
                hook = self.registry.on_failed(task_name)
                if status == "failed" and hook is not None:
                    hook(self.runtime, session, payload, error)
        finally:
            clear_context()
        return True

    def _run(self, worker: str, job_id: str, task_name: str, payload: dict[str, Any]) -> None:
        task = self.registry.get(task_name)
        if task is None:
            raise LookupError(f"no task registered as {task_name!r}")
        with transaction(self.sessions) as session:
            result = task(self.runtime, session, payload)
            if not jobs.complete(session, job_id, worker, result):
                raise _LeaseLost(job_id)
        log.info("job completed", job_id=job_id, task=task_name)


class EmbeddedWorkers(JobRunner):
    """Worker threads (``threads`` may be 0: scheduler only) plus one scheduler thread.

    ``face_processes``: helper processes for dlib's face descriptors, which hold the GIL while
    they run (see ``openkyc.vision.face.descriptor``); ``None`` starts one per worker thread.
    """

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
        face_processes: int | None = None,
    ) -> None:
        super().__init__(runtime, registry, lease=lease, retry_delays=retry_delays)
        self.threads, self.poll_seconds, self.periodic = threads, poll_seconds, periodic
        helpers = threads if face_processes is None else face_processes
        self.face_processes = helpers if threads else 0  # no worker thread, no face to describe
        self._stop, self._wake = threading.Event(), threading.Event()
        self._workers: list[threading.Thread] = []
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        if self.face_processes:
            descriptor.start_helpers(self.face_processes)
        if self.threads:
            self._unsubscribe = jobs.on_enqueued(lambda _job, _task, _at: self._wake.set())
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
        if self.face_processes:
            descriptor.stop_helpers()

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
