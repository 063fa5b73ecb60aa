"""Real photographs shipped inside installed packages; no shared data needed."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PIL import Image

from openkyc.vision.face import DlibFaceEngine, face_engine


@pytest.fixture(scope="session")
def engine() -> DlibFaceEngine:
    return face_engine("dlib")


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """Eileen Collins, NASA portrait (public domain); face ~87 px wide at 512x512."""
    return np.asarray(skimage.data.astronaut())


@pytest.fixture(scope="session")
def hopper() -> np.ndarray:
    """Grace Hopper (US Navy, public domain), shipped as matplotlib sample data."""
    cbook = pytest.importorskip("matplotlib.cbook", reason="matplotlib sample data not installed")
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    return np.asarray(Image.open(path).convert("RGB"))
