"""``openkyc audit``, ``openkyc operator`` and ``openkyc invoices``: the operator's tools."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from openkyc.audit import service as audit
from openkyc.audit.schemas import AuditEntryOut
from openkyc.cli.common import CLI_ACTOR, emit, opened, platform_options, unit
from openkyc.invoices import service as invoice_service
from openkyc.invoices.schemas import InvoiceOut
from openkyc.keys import service as keys
from openkyc.keys.schemas import ApiKeyOut
from openkyc.kit.clock import utcnow
from openkyc.operators import service as operators
from openkyc.tenants import service as tenants
from openkyc.tenants.plans import PlanOverrides
from openkyc.usage import service as usage


@click.group("audit")
def audit_group() -> None:
    """The append-only audit log."""


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True)
@platform_options
def audit_verify(as_json: bool, data_dir: Path | None, database_url: str | None) -> None:
    """Walk the hash chain; exit 0 when intact, 1 naming the first broken entry."""
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        report = audit.verify(session)
    emit(
        as_json,
        report.__dict__,
        f"audit chain intact: {report.checked} entries"
        if report.intact
        else f"audit chain BROKEN at entry {report.first_broken_id}: {report.reason}",
    )
    sys.exit(0 if report.intact else 1)


@audit_group.command("search")
@click.option("--tenant", "tenant_id")
@click.option("--action", help="prefix, e.g. auth. or api_key.")
@click.option("--since", type=click.DateTime(), help="UTC")
@click.option("--limit", type=int, default=100, show_default=True)
@platform_options
def audit_search(
    tenant_id: str | None,
    action: str | None,
    since: dt.datetime | None,
    limit: int,
    data_dir: Path | None,
    database_url: str | None,
) -> None:
    """Print audit entries as JSON lines, newest first."""
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        entries = audit.search(
            session,
            tenant_id=tenant_id,
            action=action,
            limit=limit,
            since=since.replace(tzinfo=dt.UTC) if since else None,
        )
        lines = [AuditEntryOut.model_validate(e).model_dump_json() for e in entries]
    click.echo("\n".join(lines) if lines else "no entries")


@click.group()
def operator() -> None:
    """Operator credentials and tenant administration."""


@operator.command("token")
@click.argument("action", type=click.Choice(["create", "revoke"]))
@click.argument("name_or_id")
@click.option("--json", "as_json", is_flag=True)
@platform_options
def operator_token(
    action: str, name_or_id: str, as_json: bool, data_dir: Path | None, database_url: str | None
) -> None:
    """create NAME: a bearer token for /v1/operator (shown once); revoke TOKEN_ID."""
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        if action == "create":
            token, bearer = operators.create_token(session, name_or_id, CLI_ACTOR)
            payload: dict[str, object] = {"token_id": token.id, "token": bearer}
            human = f"operator token {token.id}\nAuthorization: Bearer {bearer}   (shown once)"
        else:
            token = operators.revoke_token(session, name_or_id, CLI_ACTOR)
            payload, human = {"token_id": token.id, "revoked_at": token.revoked_at}, "revoked"
    emit(as_json, payload, human)


@operator.command("suspend")
@click.argument("tenant_id")
@click.option("--reactivate", is_flag=True, help="lift a suspension instead")
@platform_options
def operator_suspend(
    tenant_id: str, reactivate: bool, data_dir: Path | None, database_url: str | None
) -> None:
    """Suspend a tenant (its keys get 403 TENANT_SUSPENDED) or reactivate it."""
    status = "active" if reactivate else "suspended"
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        tenants.set_status(session, tenant_id, status, CLI_ACTOR)
    click.echo(f"{tenant_id} is {status}")


@operator.command("plan")
@click.argument("tenant_id")
@click.argument("plan", type=click.Choice(["free", "pro", "enterprise"]))
@click.option("--overrides", help='JSON, e.g. {"hard_limit": true, "requests_per_minute": 120}')
@platform_options
def operator_plan(
    tenant_id: str,
    plan: str,
    overrides: str | None,
    data_dir: Path | None,
    database_url: str | None,
) -> None:
    """Set a tenant's plan and optional overrides of its terms."""
    try:
        parsed = PlanOverrides.model_validate_json(overrides) if overrides else None
    except ValidationError as exc:
        raise click.BadParameter(str(exc), param_hint="--overrides") from exc
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        tenants.set_plan(session, tenant_id, plan, parsed, CLI_ACTOR)
    click.echo(f"{tenant_id} is on {plan}")


@operator.command("keys")
@click.argument("tenant_id")
@platform_options
def operator_keys(tenant_id: str, data_dir: Path | None, database_url: str | None) -> None:
    """A tenant's API keys (never their secrets), as JSON lines."""
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        rows = [
            ApiKeyOut.model_validate(k).model_dump_json()
            for k in keys.list_keys(session, tenants.get(session, tenant_id).id)
        ]
    click.echo("\n".join(rows) if rows else "no keys")


@operator.command("usage")
@click.argument("tenant_id")
@click.option("--period", help="YYYY-MM (default: this month)")
@platform_options
def operator_usage(
    tenant_id: str, period: str | None, data_dir: Path | None, database_url: str | None
) -> None:
    """A tenant's usage per module, as JSON."""
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        chosen = usage.parse_period(period) if period else usage.period_of(utcnow())
        summary = usage.summary(session, tenants.get(session, tenant_id), chosen)
    click.echo(summary.model_dump_json(indent=2))


@click.group()
def invoices_group() -> None:
    """Monthly invoices."""


@invoices_group.command("close")
@click.option("--tenant", "tenant_id", help="with --period: close one tenant's month")
@click.option("--period", help="YYYY-MM")
@platform_options
def invoices_close(
    tenant_id: str | None, period: str | None, data_dir: Path | None, database_url: str | None
) -> None:
    """Close every ended month still open (the scheduled job), or one tenant's month."""
    with opened(data_dir, database_url) as platform, unit(platform) as session:
        if tenant_id and period:
            closed = [
                invoice_service.close(session, tenants.get(session, tenant_id), period, CLI_ACTOR)
            ]
        else:
            closed = invoice_service.close_due(session, CLI_ACTOR)
        rows = [InvoiceOut.model_validate(i).model_dump_json() for i in closed]
    click.echo("\n".join(rows) if rows else "nothing to close")
