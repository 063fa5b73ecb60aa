"""The ``openkyc`` command line: serve, tenants and keys, audit verification, signing helper.

Every command honours ``--data-dir`` / ``OPENKYC_DATA_DIR`` and ``--database-url`` /
``OPENKYC_DATABASE_URL``; the rest of the configuration comes from ``OPENKYC_*`` variables.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from sqlalchemy.orm import Session

from openkyc.audit import service as audit
from openkyc.keys import service as keys
from openkyc.kit import crypto, signing
from openkyc.kit.db import transaction
from openkyc.kit.errors import OpenKYCError
from openkyc.platform import Platform, build_platform
from openkyc.settings import ConfigurationError, Settings
from openkyc.tenants import service as tenants
from openkyc.tenants.schemas import TenantCreate
from openkyc.worker import EmbeddedWorkers

F = TypeVar("F", bound=Callable[..., Any])
CLI_ACTOR = "cli"


def platform_options(command: F) -> F:
    command = click.option(
        "--database-url",
        envvar="OPENKYC_DATABASE_URL",
        help="SQLAlchemy URL (default: SQLite in the data dir)",
    )(command)
    return click.option(
        "--data-dir",
        envvar="OPENKYC_DATA_DIR",
        type=click.Path(path_type=Path),
        help="data folder (default ./data)",
    )(command)


def load_settings(data_dir: Path | None, database_url: str | None) -> Settings:
    settings = Settings()
    if data_dir is not None:
        settings.data_dir = data_dir
    if database_url:
        settings.database.url = database_url
    return settings


@contextmanager
def opened(data_dir: Path | None, database_url: str | None) -> Iterator[Platform]:
    try:
        platform = build_platform(load_settings(data_dir, database_url))
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration: {exc}") from exc
    try:
        yield platform
    finally:
        platform.close()


def emit(as_json: bool, payload: dict[str, Any], human: str) -> None:
    click.echo(json.dumps(payload, indent=2, default=str) if as_json else human)


@click.group()
@click.version_option(package_name="openkyc")
def main() -> None:
    """openkyc: self-hosted identity verification and anti-fraud."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@platform_options
def serve(host: str, port: int, data_dir: Path | None, database_url: str | None) -> None:
    """Run the API on the embedded defaults (SQLite, encrypted media files, in-process jobs)."""
    import uvicorn

    from openkyc.api import create_app

    try:
        platform = build_platform(load_settings(data_dir, database_url))
    except ConfigurationError as exc:
        raise click.ClickException(f"configuration: {exc}") from exc
    settings = platform.settings
    if platform.master_key_origin == "generated":
        click.echo(f"generated a development master key in {settings.data_dir / 'master.key'}")
    click.echo(
        f"openkyc {settings.env}: database {platform.engine.url.render_as_string()}, "
        f"media {type(platform.store).__name__}"
    )
    workers = EmbeddedWorkers(
        platform.sessions,
        threads=settings.jobs.threads,
        poll_seconds=settings.jobs.poll_seconds,
        lease=dt.timedelta(seconds=settings.jobs.lease_seconds),
    )
    workers.start()
    click.echo(f"openkyc is running: open http://{host}:{port}/docs")
    click.echo("create a tenant and key:  openkyc tenant create 'My company' --json")
    try:
        uvicorn.run(create_app(platform=platform), host=host, port=port, log_level="warning")
    finally:
        workers.stop()
        platform.close()


@main.command()
def keygen() -> None:
    """Print a new random master key (base64) for OPENKYC_CRYPTO_MASTER_KEY."""
    click.echo(crypto.encode_key(crypto.new_key()))


@main.group()
def tenant() -> None:
    """Tenants and their API keys."""


@tenant.command("create")
@click.argument("name")
@click.option("--plan", type=click.Choice(["free", "pro", "enterprise"]), default="free")
@click.option("--country", help="ISO 3166-1 alpha-3, e.g. CIV")
@click.option("--email", help="support e-mail of the tenant")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@platform_options
def tenant_create(
    name: str,
    plan: str,
    country: str | None,
    email: str | None,
    as_json: bool,
    data_dir: Path | None,
    database_url: str | None,
) -> None:
    """Create a tenant and its first API key; the secret is shown this once."""
    try:
        data = TenantCreate(name=name, plan=plan, country=country, support_email=email)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.BadParameter(problems) from exc
    with opened(data_dir, database_url) as platform, _unit(platform) as session:
        created = tenants.create(session, platform.keyring, data, CLI_ACTOR)
        issued = keys.issue(session, platform.keyring, created, CLI_ACTOR, label="initial")
    emit(
        as_json,
        {
            "tenant_id": issued.tenant_id,
            "api_key_id": issued.api_key_id,
            "api_key_secret": issued.api_key_secret,
        },
        f"tenant {issued.tenant_id}\nAPI key id {issued.api_key_id}\n"
        f"API key secret {issued.api_key_secret}   (shown once: store it now)",
    )


@tenant.command("list")
@click.option("--json", "as_json", is_flag=True)
@platform_options
def tenant_list(as_json: bool, data_dir: Path | None, database_url: str | None) -> None:
    """List tenants (operator view)."""
    with opened(data_dir, database_url) as platform, _unit(platform) as session:
        rows = [tenants.describe(t).model_dump(mode="json") for t in tenants.list_all(session)]
    emit(
        as_json,
        {"tenants": rows},
        "\n".join(f"{r['id']}  {r['plan']:<10} {r['status']:<9} {r['name']}" for r in rows)
        or "no tenants",
    )


@tenant.group("key")
def tenant_key() -> None:
    """Rotate and revoke API keys."""


@tenant_key.command("rotate")
@click.argument("tenant_id")
@click.option(
    "--overlap-hours", type=float, help="old key life (default OPENKYC_AUTH_KEY_OVERLAP_HOURS=24)"
)
@click.option("--json", "as_json", is_flag=True)
@platform_options
def key_rotate(
    tenant_id: str,
    overlap_hours: float | None,
    as_json: bool,
    data_dir: Path | None,
    database_url: str | None,
) -> None:
    """Issue a new key; the tenant's current keys keep working for the overlap."""
    with opened(data_dir, database_url) as platform, _unit(platform) as session:
        hours = platform.settings.auth.key_overlap_hours if overlap_hours is None else overlap_hours
        owner = tenants.get(session, tenant_id)
        issued = keys.rotate(session, platform.keyring, owner, CLI_ACTOR, dt.timedelta(hours=hours))
    emit(
        as_json,
        issued.model_dump(mode="json"),
        f"new API key id {issued.api_key_id}\nAPI key secret {issued.api_key_secret}   "
        f"(shown once)\nprevious keys stop working at {issued.expires_previous_at}",
    )


@tenant_key.command("revoke")
@click.argument("key_id")
@click.option("--json", "as_json", is_flag=True)
@platform_options
def key_revoke(key_id: str, as_json: bool, data_dir: Path | None, database_url: str | None) -> None:
    """Revoke an API key at once."""
    with opened(data_dir, database_url) as platform, _unit(platform) as session:
        key = keys.revoke(session, key_id, CLI_ACTOR)
        payload = {"api_key_id": key.id, "tenant_id": key.tenant_id, "revoked_at": key.revoked_at}
    emit(as_json, payload, f"revoked {key_id}")


@main.group("audit")
def audit_group() -> None:
    """The append-only audit log."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
@platform_options
def audit_verify(as_json: bool, data_dir: Path | None, database_url: str | None) -> None:
    """Walk the hash chain; exit 0 when intact, 1 naming the first broken entry."""
    with opened(data_dir, database_url) as platform, _unit(platform) as session:
        report = audit.verify(session)
    emit(
        as_json,
        report.__dict__,
        f"audit chain intact: {report.checked} entries"
        if report.intact
        else f"audit chain BROKEN at entry {report.first_broken_id}: {report.reason}",
    )
    sys.exit(0 if report.intact else 1)


@main.command()
@click.option("--key-id", envvar="OPENKYC_API_KEY_ID", required=True)
@click.option("--secret", envvar="OPENKYC_API_KEY_SECRET", required=True)
@click.option(
    "--body", "body_file", type=click.File("rb"), help="file with the exact body, - for stdin"
)
@click.argument("method")
@click.argument("path")
def sign(key_id: str, secret: str, body_file: Any, method: str, path: str) -> None:
    """Print signed headers for one request, as curl -H arguments."""
    body = body_file.read() if body_file else b""
    headers = signing.signed_headers(key_id, secret, method, path, body)
    click.echo(" ".join(f"-H '{name}: {value}'" for name, value in headers.items()))


@contextmanager
def _unit(platform: Platform) -> Iterator[Session]:
    try:
        with transaction(platform.sessions) as session:
            yield session
    except OpenKYCError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc


if __name__ == "__main__":
    main()
