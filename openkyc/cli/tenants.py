"""``openkyc tenant``: tenants and their API keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from pydantic import ValidationError

from openkyc.cli.common import CLI_ACTOR, emit, opened, platform_options, unit
from openkyc.keys import service as keys
from openkyc.tenants import service as tenants
from openkyc.tenants.schemas import TenantCreate


@click.group()
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
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        issued = keys.onboard(session, platform.keyring, data, CLI_ACTOR)
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
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        rows = [
            tenants.describe(session, t).model_dump(mode="json") for t in tenants.list_all(session)
        ]
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
    with opened(data_dir, database_url) as platform, unit(platform) as session:
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
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        key = keys.revoke(session, key_id, CLI_ACTOR)
        payload = {"api_key_id": key.id, "tenant_id": key.tenant_id, "revoked_at": key.revoked_at}
    emit(as_json, payload, f"revoked {key_id}")
