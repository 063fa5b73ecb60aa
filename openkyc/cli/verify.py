"""``openkyc verify``: the whole verification pipeline on local files, without a server."""

from __future__ import annotations

import json
from pathlib import Path

import click
from pydantic import ValidationError

from openkyc.kit.errors import OpenKYCError
from openkyc.kya.schemas import Applicant
from openkyc.verifications.local import verify_files
from openkyc.workflow.schemas import PipelineConfig

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("verify")
@click.option("--document", "front", type=FILE, required=True, help="document front image")
@click.option("--back", type=FILE, help="document back image")
@click.option("--selfie", type=FILE, help="selfie image")
@click.option("--video", type=FILE, help="liveness video (WebM or MP4)")
@click.option("--steps", help="the steps the video performs, e.g. blink,turn_left")
@click.option("--applicant", help='declared data as JSON, e.g. {"name": "...", "phone": "+225..."}')
@click.option("--workflow", type=FILE, help="a pipeline configuration (JSON)")
@click.option("--json", "as_json", is_flag=True)
def verify(
    front: Path,
    back: Path | None,
    selfie: Path | None,
    video: Path | None,
    steps: str | None,
    applicant: str | None,
    workflow: Path | None,
    as_json: bool,
) -> None:
    """Score a document, selfie and optional liveness video, and print the decision."""
    if video is not None and not steps:
        raise click.BadParameter("--video needs --steps", param_hint="--steps")
    try:
        declared = Applicant.model_validate_json(applicant) if applicant else None
        config = PipelineConfig.model_validate_json(workflow.read_text()) if workflow else None
    except ValidationError as exc:
        raise click.BadParameter(str(exc)) from exc
    try:
        result = verify_files(
            front.read_bytes(),
            selfie.read_bytes() if selfie else None,
            document_back=back.read_bytes() if back else None,
            video=video.read_bytes() if video else None,
            steps=steps.split(",") if steps else None,
            applicant=declared,
            config=config,
        )
    except OpenKYCError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    if as_json:
        click.echo(json.dumps(result, indent=2, default=str))
        return
    click.echo(f"{result['decision'].upper()}  score {result['score']:g}/100")
    for factor in result["factors"]:
        click.echo(
            f"  {factor['name']:<9} {factor['status']:<5} {factor['score']:>5.1f}/"
            f"{factor['weight']:<4g} {'; '.join(factor['reasons'])}"
        )
    for reason in result["reasons"][1:]:
        click.echo(f"  {reason}")
