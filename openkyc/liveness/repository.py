from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.liveness.models import LivenessChallenge, LivenessFingerprint


class LivenessRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def challenges(self, tenant_id: str) -> sa.Select[LivenessChallenge]:
        return sa.select(LivenessChallenge).where(LivenessChallenge.tenant_id == tenant_id)

    def get_challenge(self, tenant_id: str, challenge_id: str) -> LivenessChallenge | None:
        statement = self.challenges(tenant_id).where(LivenessChallenge.id == challenge_id)
        return self.session.execute(statement).scalar_one_or_none()

    def use_challenge(self, tenant_id: str, challenge_id: str, now: dt.datetime) -> bool:
        """Mark used if still unused: exactly one of two concurrent answers wins."""
        statement = (
            sa.update(LivenessChallenge)
            .where(
                LivenessChallenge.tenant_id == tenant_id,
                LivenessChallenge.id == challenge_id,
                LivenessChallenge.used_at.is_(None),
            )
            .values(used_at=now)
            .returning(LivenessChallenge.id)
        )
        return self.session.execute(statement).scalar_one_or_none() is not None

    def add(self, row: object) -> None:
        self.session.add(row)
        self.session.flush()

    def fingerprints(
        self, tenant_id: str, kind: str, since: dt.datetime
    ) -> list[LivenessFingerprint]:
        statement = sa.select(LivenessFingerprint).where(
            LivenessFingerprint.tenant_id == tenant_id,
            LivenessFingerprint.kind == kind,
            LivenessFingerprint.created_at >= since,
        )
        return list(self.session.execute(statement).scalars())
