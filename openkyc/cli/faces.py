"""``openkyc face``: the face engine on local files, without a server."""

from __future__ import annotations

from pathlib import Path

import click

from openkyc.faces import service
from openkyc.kit.errors import OpenKYCError
from openkyc.kit.image_intake import ImageLimits, clean_image
from openkyc.usage.schemas import UsageReport


@click.group()
def face() -> None:
    """Face match on local images."""


@face.command("match")
@click.argument("image_a", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("image_b", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True, max_open=True))
@click.option("--policy", type=click.Choice(["largest", "reject", "ask"]), default="largest")
@click.option("--json", "as_json", is_flag=True, help="print the API's JSON")
def face_match(
    image_a: Path, image_b: Path, threshold: float | None, policy: str, as_json: bool
) -> None:
    """Compare the face of IMAGE_A (live photo) with IMAGE_B (document or stored photo)."""
    limits = ImageLimits()
    try:
        a = clean_image(image_a.read_bytes(), limits, field="image_a").data
        b = clean_image(image_b.read_bytes(), limits, field="image_b").data
        result = service.compare(a, b, threshold=threshold, policy=policy)  # type: ignore[arg-type]
    except OpenKYCError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    response = service.describe(
        result, UsageReport(module="face_match", billed=False, reason="local")
    )
    if as_json:
        click.echo(response.model_dump_json(indent=2))
        return
    verdict = "MATCH" if response.match else "NO MATCH"
    click.echo(
        f"{verdict}: similarity {response.similarity:.3f} "
        f"(threshold {response.threshold:.3f}, {response.processing_ms:.0f} ms)"
    )
    for reason in response.reasons:
        click.echo(f"  - {reason}")
