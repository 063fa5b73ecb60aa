"""``openkyc demo``: the first thing to run after setup."""

from __future__ import annotations

import json

import click

from openkyc.client import OpenKYC
from openkyc.demo import run


@click.command("demo")
@click.option("--url", help="a running server (default: an embedded one in a temporary folder)")
@click.option("--key-id", envvar="OPENKYC_API_KEY_ID")
@click.option("--secret", envvar="OPENKYC_API_KEY_SECRET")
@click.option("--json", "as_json", is_flag=True)
def demo(url: str | None, key_id: str | None, secret: str | None, as_json: bool) -> None:
    """Verify a SPECIMEN passport and selfie (NASA's public-domain astronaut photograph) and
    print the decision, the score and every reason."""
    if url and not (key_id and secret):
        raise click.BadParameter("--url needs --key-id and --secret (or OPENKYC_API_KEY_*)")
    click.echo("rendering a SPECIMEN passport and running a full verification ...", err=True)
    try:
        job = (
            run.verify(OpenKYC(url, key_id=key_id or "", secret=secret or ""))
            if url
            else run.embedded()
        )
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    result = job.get("verification") or {}
    if as_json:
        click.echo(json.dumps(job, indent=2, default=str))
        return
    if job.get("status") != "completed":
        raise click.ClickException(f"the job {job.get('status')}: {job.get('error')}")
    click.echo(f"decision {result['decision'].upper()}, score {result['score']:g}/100")
    for factor in result["factors"]:
        click.echo(
            f"  {factor['name']:<9} {factor['status']:<5} {factor['score']:>5.1f} of "
            f"{factor['weight']:g}: {'; '.join(factor['reasons'])}"
        )
    for reason in result["reasons"]:
        click.echo(f"  - {reason}")
