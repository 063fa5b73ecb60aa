"""The systems compared: openkyc engine variants and the face_recognition package."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from openkyc.vision.face import (
    DetectionConfig,
    DlibFaceEngine,
    EmbeddingConfig,
    EngineConfig,
    FaceError,
)


@dataclass
class Result:
    """One image through one system: embedding or the failure code, face width, seconds."""

    embedding: np.ndarray | None
    error: str | None
    face_px: int
    seconds: float


Embedder = Callable[[bytes], Result]

VARIANTS: dict[str, EngineConfig] = {
    "v0 base (no flip)": EngineConfig(embedding=EmbeddingConfig(flip_average=False)),
    "v1 +upscale small images to 400 px": EngineConfig(
        detection=DetectionConfig(min_side=400), embedding=EmbeddingConfig(flip_average=False)
    ),
    "v2 +flip averaging": EngineConfig(embedding=EmbeddingConfig(close_call_jitters=0)),
    "v3 flip + 4 jitters (used only near threshold)": EngineConfig(
        embedding=EmbeddingConfig(flip_average=True, jitters=4)
    ),
}


def openkyc_embedder(config: EngineConfig) -> Embedder:
    engine = DlibFaceEngine(config)

    def run(data: bytes) -> Result:
        started = time.perf_counter()
        try:
            analysis = engine.analyze(data, policy="largest")
            used = analysis.used
            assert used is not None
            engine.check_quality(used)  # what match() does after analysing each side
        except FaceError as exc:
            return Result(None, exc.code, 0, time.perf_counter() - started)
        return Result(used.embedding, None, used.box.width, time.perf_counter() - started)

    return run


def face_recognition_embedder() -> Embedder:
    """The package at its documented defaults: HOG upsample 1, 1 jitter, 'small' landmarks."""
    import io

    import face_recognition

    def run(data: bytes) -> Result:
        started = time.perf_counter()
        image = face_recognition.load_image_file(io.BytesIO(data))
        locations = face_recognition.face_locations(image)
        encodings = face_recognition.face_encodings(image, locations)
        seconds = time.perf_counter() - started
        if not encodings:
            return Result(None, "NO_FACE_FOUND", 0, seconds)
        # Like a typical integration: the first face it returns.
        _top, right, _bottom, left = locations[0]
        return Result(np.asarray(encodings[0]), None, right - left, seconds)

    return run
