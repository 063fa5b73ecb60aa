"""The audit chain catches an edited row, a deleted row and a truncated tail."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from openkyc.audit import service as audit
from openkyc.cli import main
from openkyc.kit.db import transaction
from openkyc.platform import Platform


def _write_entries(platform: Platform, count: int) -> None:
    with transaction(platform.sessions) as session:
        for index in range(count):
            audit.record(
                session,
                action="test.event",
                actor="test",
                tenant_id="ten_x",
                object=f"thing:{index}",
                details={"index": index},
            )


def _verify_cli(platform: Platform) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(
        main,
        [
            "audit",
            "verify",
            "--json",
            "--data-dir",
            str(platform.settings.data_dir),
            "--database-url",
            platform.settings.database_url(),
        ],
    )
    return result.exit_code, json.loads(result.output)


def _tamper(platform: Platform, statement: str) -> None:
    """What an attacker with database rights would do: lift the append-only guard first."""
    with platform.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            connection.execute(sa.text(statement))
            connection.execute(sa.text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        else:
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_update"))
            connection.execute(sa.text("DROP TRIGGER audit_entries_no_delete"))
            connection.execute(sa.text(statement))


def test_intact_chain_verifies(fresh_platform: Platform) -> None:
    _write_entries(fresh_platform, 5)
    code, report = _verify_cli(fresh_platform)
    assert (code, report["intact"], report["checked"]) == (0, True, 5)


def test_database_refuses_updates_and_deletes(fresh_platform: Platform) -> None:
    _write_entries(fresh_platform, 1)
    for statement in ("UPDATE audit_entries SET actor = 'x'", "DELETE FROM audit_entries"):
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            fresh_platform.engine.begin() as connection,
        ):
            connection.execute(sa.text(statement))


def test_edited_row_is_named(fresh_platform: Platform) -> None:
    _write_entries(fresh_platform, 5)
    _tamper(fresh_platform, "UPDATE audit_entries SET actor = 'someone-else' WHERE id = 3")
    code, report = _verify_cli(fresh_platform)
    assert code == 1
    assert report["first_broken_id"] == 3
    assert "altered" in str(report["reason"])


def test_deleted_row_is_named(fresh_platform: Platform) -> None:
    _write_entries(fresh_platform, 5)
    _tamper(fresh_platform, "DELETE FROM audit_entries WHERE id = 2")
    code, report = _verify_cli(fresh_platform)
    assert (code, report["first_broken_id"]) == (1, 2)


def test_deleted_tail_is_found(fresh_platform: Platform) -> None:
    _write_entries(fresh_platform, 4)
    _tamper(fresh_platform, "DELETE FROM audit_entries WHERE id = 4")
    code, report = _verify_cli(fresh_platform)
    assert (code, report["first_broken_id"]) == (1, 4)


def test_details_are_redacted(fresh_platform: Platform) -> None:
    with transaction(fresh_platform.sessions) as session:
        entry = audit.record(
            session, action="x", actor="t", details={"email": "jane@example.org", "note": "ok"}
        )
    assert json.loads(entry.details) == {"email": "[redacted]", "note": "ok"}


def test_concurrent_writers_keep_one_chain(fresh_platform: Platform) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: _write_entries(fresh_platform, 5), range(4)))
    with transaction(fresh_platform.sessions) as session:
        report = audit.verify(session)
    assert report.intact
    assert report.checked == 20
