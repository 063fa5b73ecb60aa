from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from openkyc.media.models import MediaObject


class MediaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def scoped(self, tenant_id: str) -> sa.Select[MediaObject]:
        return sa.select(MediaObject).where(MediaObject.tenant_id == tenant_id)

    def get(self, tenant_id: str, media_id: str) -> MediaObject | None:
        statement = self.scoped(tenant_id).where(MediaObject.id == media_id)
        return self.session.execute(statement).scalar_one_or_none()

    def list_page(self, tenant_id: str, limit: int, before: str | None) -> list[MediaObject]:
        statement = self.scoped(tenant_id)
        if before is not None:
            statement = statement.where(MediaObject.id < before)
        statement = statement.order_by(MediaObject.id.desc()).limit(limit)
        return list(self.session.execute(statement).scalars())

    def add(self, media: MediaObject) -> None:
        self.session.add(media)
        self.session.flush()

    def delete(self, media: MediaObject) -> None:
        self.session.delete(media)
        self.session.flush()
