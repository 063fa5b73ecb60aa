"""``openkyc document``: read and validate identity documents in local files, without a server."""

from __future__ import annotations

from pathlib import Path

import click

from openkyc.documents import service
from openkyc.documents.schemas import DocumentOcrResponse
from openkyc.kit.errors import OpenKYCError
from openkyc.kit.image_intake import ImageLimits, clean_image

_IMAGE = click.Path(exists=True, dir_okay=False, path_type=Path)
_HINTS = ["auto", "passport", "id_card", "driver_license", "residence_permit"]


@click.group()
def document() -> None:
    """Identity documents in local images: the MRZ, printed fields, checks."""


def _read(front: Path, back: Path | None, hint: str, country: str) -> DocumentOcrResponse:
    limits = ImageLimits()
    try:
        front_bytes = clean_image(front.read_bytes(), limits, field="front").data
        back_bytes = clean_image(back.read_bytes(), limits, field="back").data if back else None
    except OpenKYCError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    return service.read_local(front_bytes, back_bytes, hint, country)


def _country(value: str) -> str:
    code = value.upper()
    if code != "AUTO" and not (len(code) == 3 and code.isalpha()):
        raise click.BadParameter("an ISO 3166 alpha-3 code such as CIV, or auto")
    return code.lower() if code == "AUTO" else code


@document.command("read")
@click.argument("front", type=_IMAGE)
@click.option("--back", type=_IMAGE, help="the back of a card")
@click.option("--hint", type=click.Choice(_HINTS), default="auto", show_default=True)
@click.option("--country", default="auto", show_default=True, help="ISO 3166 alpha-3")
@click.option("--json", "as_json", is_flag=True, help="print the API's JSON")
def read(front: Path, back: Path | None, hint: str, country: str, as_json: bool) -> None:
    """Read FRONT (and --back): type and country, the MRZ, the printed fields."""
    result = _read(front, back, hint, _country(country))
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        return
    detected = result.detected
    click.echo(
        f"{detected.type} {detected.country or '?'} (confidence {detected.confidence:.2f}, "
        f"{result.processing_ms:.0f} ms)"
    )
    if result.mrz is not None:
        verdict = "accepted" if result.mrz.accepted else "not accepted"
        click.echo(
            f"MRZ {result.mrz.format} on the {result.mrz.side}, {verdict}: {result.mrz.reason}"
        )
        for line in result.mrz.lines:
            click.echo(f"  {line}")
    else:
        click.echo("no MRZ found")
    for name, field in result.fields.items():
        value = field.value_accented or field.value
        click.echo(f"  {name:<18} {value}  ({field.source}, {field.confidence:.2f})")
    for refusal in result.quality.refusals:
        click.echo(f"  quality: {refusal.message}")


@document.command("validate")
@click.argument("front", type=_IMAGE)
@click.option("--back", type=_IMAGE, help="the back of a card")
@click.option("--minimum-age", type=click.IntRange(0, 120), default=18, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the API's JSON")
def validate(front: Path, back: Path | None, minimum_age: int, as_json: bool) -> None:
    """Read FRONT (and --back) and run every check; exits 1 when the document is not valid."""
    result = service.validate_local(_read(front, back, "auto", "auto"), minimum_age)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        verdict = "VALID" if result.document_valid else "NOT VALID"
        click.echo(f"{verdict} (confidence {result.confidence:.2f})")
        for check in result.checks:
            click.echo(f"  {check.status:<4} {check.name}: {check.message}")
    if not result.document_valid:
        raise SystemExit(1)
