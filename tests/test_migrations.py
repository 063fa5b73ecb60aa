"""The hand-written migrations and the SQLAlchemy models describe the same schema."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from openkyc.models import metadata
from openkyc.platform import Platform


def _relevant(diff: Any) -> bool:
    kind = diff[0] if isinstance(diff, tuple) else diff[0][0]
    # Index names and server defaults are not modelled on every column; types and tables are.
    return kind not in {"add_index", "remove_index", "modify_default"}


def test_models_match_migrations(fresh_platform: Platform) -> None:
    with fresh_platform.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if _relevant(d)]
    tables = {
        d[1].name for d in diffs if isinstance(d, tuple) and d[0] in ("add_table", "remove_table")
    }
    assert tables <= {"alembic_version"}, tables
    assert [d for d in diffs if not (isinstance(d, tuple) and d[0] == "remove_table")] == []
