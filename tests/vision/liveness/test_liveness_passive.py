"""Passive cues on one still: honest confidence, screen recapture cues, no-face handling."""

from __future__ import annotations

import numpy as np
import pytest
from liveness_media_helpers import astronaut, jpeg
from skimage import data

from openkyc.vision.liveness import STILL_HINT, FrameUnreadable, analyze_still


def on_screen(rgb: np.ndarray) -> np.ndarray:
    """The photo shown on a display and photographed: sub-pixel stripes and a scan moire."""
    shown = rgb.astype(np.float32)
    xx = np.arange(rgb.shape[1])
    yy = np.arange(rgb.shape[0])[:, None]
    for c in range(3):
        shown[..., c] *= 0.85 + 0.15 * ((xx + c) % 3 == 0)
    shown *= (0.92 + 0.08 * np.cos(2 * np.pi * (0.23 * xx + 0.11 * yy)))[..., None]
    return np.clip(shown, 0, 255).astype(np.uint8)


def test_a_real_photo_is_never_called_proven_live() -> None:
    result = analyze_still(jpeg(astronaut()))
    assert result.is_live
    assert result.spoof_type == "none"
    assert result.confidence <= 0.5
    assert STILL_HINT in result.hints
    assert {c.name for c in result.cues} >= {"moire_peak", "sharpness", "face_width_px"}


def test_screen_recapture_pattern_is_flagged() -> None:
    result = analyze_still(on_screen(astronaut()))
    moire = next(c for c in result.cues if c.name == "moire_peak")
    assert moire.flagged
    assert not result.is_live
    assert result.spoof_type == "screen"


def test_no_face() -> None:
    result = analyze_still(data.coffee())
    assert not result.is_live
    assert "no face found" in result.hints


def test_unreadable_image() -> None:
    with pytest.raises(FrameUnreadable):
        analyze_still(b"RIFF....WEBP")
