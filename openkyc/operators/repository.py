from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.operators.models import OperatorToken


class OperatorRepository:
    """Operator tokens belong to no tenant: the platform operator is above tenants."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, token_id: str) -> OperatorToken | None:
        return self.session.execute(
            sa.select(OperatorToken).where(OperatorToken.id == token_id)
        ).scalar_one_or_none()

    def add(self, token: OperatorToken) -> None:
        self.session.add(token)
        self.session.flush()

    def list_all(self) -> list[OperatorToken]:
        return list(
            self.session.execute(
                sa.select(OperatorToken).order_by(OperatorToken.created_at)
            ).scalars()
        )
