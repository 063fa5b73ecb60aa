"""The landmark model comes from an installed package, pinned by hash; never downloaded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from openkyc.vision.liveness import ModelUnavailable
from openkyc.vision.liveness.landmarks import (
    FACE_LANDMARKER_SHA256,
    FaceLandmarks,
    default_model_path,
)


def test_packaged_model_is_the_pinned_google_file() -> None:
    path = default_model_path()
    assert path.name == "face_landmarker.task"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == FACE_LANDMARKER_SHA256


def test_a_different_model_file_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "face_landmarker.task"
    fake.write_bytes(b"PK\x03\x04 not the model")
    with pytest.raises(ModelUnavailable):
        FaceLandmarks(fake)


def test_a_process_that_used_the_landmarker_exits_without_tracebacks() -> None:
    """MediaPipe closed landmarkers as they were collected at exit, after its C bindings
    were gone: one TypeError traceback each on stderr (seen in every CI run)."""
    import subprocess
    import sys

    script = (
        "import numpy as np\n"
        "from openkyc.vision.liveness.landmarks import face_landmarks\n"
        "face_landmarks().observe(np.zeros((240, 320, 3), np.uint8))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Exception ignored" not in done.stderr
