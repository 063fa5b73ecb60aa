"""``openkyc liveness``: challenges and checks on local files, without a server."""

from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path
from typing import Any

import click

from openkyc.liveness.service import draw_steps
from openkyc.vision import liveness as engine
from openkyc.workflow.schemas import LivenessChallengeSettings


@click.group()
def liveness() -> None:
    """Active liveness challenges and passive cues on local files."""


@liveness.command("challenge")
@click.option("--json", "as_json", is_flag=True)
def challenge(as_json: bool) -> None:
    """Draw a random challenge from the default pool (not stored: the API issues real ones)."""
    settings = LivenessChallengeSettings()
    steps = draw_steps(list(settings.steps), settings.min_steps, settings.max_steps)
    payload = {"steps": steps, "nonce": secrets.token_urlsafe(18)}
    click.echo(json.dumps(payload) if as_json else " then ".join(steps))


def _fail(exc: engine.LivenessError) -> click.ClickException:
    return click.ClickException(f"{exc.code.upper()}: {exc}")


@liveness.command("verify")
@click.argument("video", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--challenge-steps", required=True, help="e.g. blink,turn_left")
@click.option("--mirrored", is_flag=True, help="the video is a mirrored selfie preview")
@click.option("--json", "as_json", is_flag=True)
def verify(video: Path, challenge_steps: str, mirrored: bool, as_json: bool) -> None:
    """Check that VIDEO performs the steps, with the temporal and passive checks."""
    try:
        result = engine.verify_video(
            video.read_bytes(), challenge_steps.split(","), engine.VerifyConfig(mirrored=mirrored)
        )
    except engine.LivenessError as exc:
        raise _fail(exc) from exc
    payload: dict[str, Any] = {
        "is_live": result.is_live,
        "spoof_type": result.spoof_type,
        "confidence": round(result.confidence, 3),
        "hints": list(result.hints),
        "reasons": list(result.reasons),
        "processing_ms": round(result.processing_ms, 1),
        "steps": [dataclasses.asdict(step) for step in result.steps],
    }
    if as_json:
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(
        f"{'LIVE' if result.is_live else 'NOT LIVE'} ({result.spoof_type}, "
        f"confidence {result.confidence:.2f}, {result.processing_ms:.0f} ms)"
    )
    for step in result.steps:
        click.echo(f"  {step.step}: {'yes' if step.detected else 'no'} - {step.reason}")
    for reason in result.reasons:
        click.echo(f"  ! {reason}")


@liveness.command("analyze")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
def analyze(image: Path, as_json: bool) -> None:
    """Passive presentation-attack cues on a still (a still cannot prove liveness)."""
    try:
        result = engine.analyze_still(image.read_bytes())
    except engine.LivenessError as exc:
        raise _fail(exc) from exc
    payload = {
        "is_live": result.is_live,
        "spoof_type": result.spoof_type,
        "confidence": round(result.confidence, 3),
        "hints": list(result.hints),
        "cues": [dataclasses.asdict(cue) for cue in result.cues],
    }
    click.echo(
        json.dumps(payload, indent=2)
        if as_json
        else f"{'no attack cue' if result.is_live else result.spoof_type}: "
        f"{'; '.join(result.hints)}"
    )
