from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.jobs.models import Job


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def scoped(self, tenant_id: str) -> sa.Select[Job]:
        return sa.select(Job).where(Job.tenant_id == tenant_id)

    def get(self, tenant_id: str, job_id: str) -> Job | None:
        statement = self.scoped(tenant_id).where(Job.id == job_id)
        return self.session.execute(statement).scalar_one_or_none()

    def add(self, job: Job) -> None:
        self.session.add(job)
        self.session.flush()

    def claim_next(
        self, worker: str, now: dt.datetime, lease: dt.timedelta, job_id: str | None = None
    ) -> Job | None:
        """Atomically take the oldest runnable job (or this one): queued and due, or running
        with an expired lease (its worker died). SKIP LOCKED on PostgreSQL; SQLite serialises
        writers."""
        runnable = sa.or_(
            sa.and_(Job.status == "queued", Job.run_after <= now),
            sa.and_(Job.status == "running", Job.locked_until < now),
        )
        if job_id is not None:
            runnable = sa.and_(Job.id == job_id, runnable)
        candidate = (
            sa.select(Job.id)
            .where(runnable)
            .order_by(Job.run_after, Job.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        statement = (
            sa.update(Job)
            .where(Job.id == candidate)
            .where(runnable)
            .values(
                status="running",
                locked_by=worker,
                locked_until=now + lease,
                attempts=Job.attempts + 1,
                started_at=sa.func.coalesce(Job.started_at, now),
            )
            .returning(Job.id)
        )
        job_id = self.session.execute(statement).scalar_one_or_none()
        if job_id is None:
            return None
        return self.session.execute(
            sa.select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
        ).scalar_one()

    def lock_owned(self, job_id: str, worker: str) -> Job | None:
        """The job if this worker still holds its lease (a reclaimed job is not finished twice)."""
        statement = (
            sa.select(Job)
            .where(Job.id == job_id, Job.locked_by == worker, Job.status == "running")
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return self.session.execute(statement).scalar_one_or_none()

    def stale(self, now: dt.datetime, grace: dt.timedelta) -> list[Job]:
        """Jobs no worker has taken: queued and due for longer than ``grace``, or running
        with an expired lease. Across tenants: for the dispatcher's sweep only."""
        statement = (
            sa.select(Job)
            .where(
                sa.or_(
                    sa.and_(Job.status == "queued", Job.run_after <= now - grace),
                    sa.and_(Job.status == "running", Job.locked_until < now),
                )
            )
            .order_by(Job.run_after)
            .limit(500)
        )
        return list(self.session.execute(statement).scalars())
