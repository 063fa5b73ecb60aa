"""The dlib face engine: loaded lazily, once per process, through ``face_engine("dlib")``."""

from __future__ import annotations

import threading
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from openkyc.vision.face import descriptor
from openkyc.vision.face.decode import ImageInput, load
from openkyc.vision.face.detect import DetectionConfig, Found, align, clip_rect, find_faces
from openkyc.vision.face.errors import FaceTooBlurred, FaceTooSmall, MultipleFaces, NoFaceFound
from openkyc.vision.face.quality import measure_quality
from openkyc.vision.face.types import (
    DetectedFace,
    Embedding,
    FaceAnalysis,
    FaceBox,
    MultiFacePolicy,
    RGBImage,
)
from openkyc.vision.pool import Instances

__all__ = ["DlibFaceEngine", "EmbeddingConfig", "EngineConfig", "QualityGate", "face_engine"]

#: More faces than this in one picture are ignored (crowds, posters); the largest are kept.
MAX_FACES = 10


@dataclass(frozen=True, slots=True)
class QualityGate:
    """Faces below these limits are refused in a match rather than compared.

    ``min_face_width_px``: face width estimated from the landmarks (outer eye corners / 0.55),
    in pixels of the image as given. The benchmark's ~70 px ID-portrait side (67-75 px) still
    matches (FNMR 8.6 % at FMR 0.1 %, REPORT.md); below ~40 px the 150 px chip is mostly
    interpolation and HOG itself stops finding faces.
    ``min_sharpness``: Laplacian variance of the grey 150 px chip. Measured minimum: clean
    photos 18.2, ~100 px degraded portraits 12.6, ~70 px ones 8.6; skimage's astronaut
    blurred with sigma 3 gives 6.0, sigma 4 gives 4.4 (refused), sigma 6 finds no face.
    """

    min_face_width_px: int = 40
    min_sharpness: float = 5.0


@dataclass(frozen=True, slots=True)
class EmbeddingConfig:
    """How chips become embeddings; each choice is measured in benchmarks/face/REPORT.md.

    ``flip_average``: average the embeddings of the chip and its mirror image (one more
    ResNet pass, ~60 ms a face). On the held-out pairs at the default threshold, FNMR
    3.6 → 1.4 % clean and 17.9 → 12.1 % with a ~70 px portrait side, FMR still 0.
    ``jitters``: dlib's random re-crops for every embedding; 0 = off (4 cost ~0.5 s a face).
    ``close_call_jitters`` / ``close_call_margin``: in a match whose distance lies within the
    margin of the threshold, both faces are re-embedded with that many jitters and the match
    is decided on those: FNMR 1.4 → 0.7 % clean, 5.0 → 2.1 % (~100 px side), FMR still 0;
    1.5-6 % of pairs are close calls and take ~1.2 s instead of ~0.3 s.
    """

    flip_average: bool = True
    jitters: int = 0
    close_call_jitters: int = 4
    close_call_margin: float = 0.04


@dataclass(frozen=True, slots=True)
class EngineConfig:
    detection: DetectionConfig = field(default_factory=DetectionConfig)
    gate: QualityGate = field(default_factory=QualityGate)
    embedding: EmbeddingConfig = field(default_factory=EmbeddingConfig)


class _Models:
    """One set of dlib's detection models: they keep per-call buffers, so a set serves one
    call at a time (`DlibFaceEngine` pools them)."""

    def __init__(self) -> None:
        import dlib
        import face_recognition_models as models

        self.detector: Any = dlib.get_frontal_face_detector()
        # The 5-point model is public domain; the 68-point one (iBUG 300-W) is non-commercial.
        five_points = models.pose_predictor_five_point_model_location()
        self.predictor: Any = dlib.shape_predictor(five_points)
        self._cnn: Any = None  # the mmod CNN detector, loaded only if the fallback runs

    def cnn(self) -> Any:
        if self._cnn is None:
            import dlib
            import face_recognition_models as models

            self._cnn = dlib.cnn_face_detection_model_v1(models.cnn_face_detector_model_location())
        return self._cnn


class DlibFaceEngine:
    """HOG detection, 5-point alignment, 150 px chips and dlib's 128-D ResNet embeddings.

    Thread-safe: each concurrent call borrows its own set of detection models (dlib releases
    the GIL, so two searches use both cores); the ResNet runs in ``descriptor`` (in this
    process, or in its helper processes).
    """

    name = "dlib"

    def __init__(self, config: EngineConfig | None = None) -> None:
        self.config = config or EngineConfig()
        self._models: Instances[_Models] = Instances(_Models)
        with self._models.borrow():  # load one set now: a missing model fails here
            pass

    def prepare(self, sets: int) -> None:
        """Load `sets` sets of detection models, each with its CNN fallback, for as many
        calls side by side (a set loads in ~0.3 s: the first calls would wait for it)."""
        self._models.fill(sets)
        with ExitStack() as borrowed:  # all at once: one by one would get the same set back
            for _ in range(sets):
                borrowed.enter_context(self._models.borrow()).cnn()

    def analyze(
        self,
        image: ImageInput,
        *,
        policy: MultiFacePolicy = "largest",
        embed: bool = True,
        detection: DetectionConfig | None = None,
    ) -> FaceAnalysis:
        """Find, align and measure every face; pick one by ``policy``; embed it if asked.
        ``detection`` replaces the engine's detection settings for this call.

        Raises ImageUnreadable, NoFaceFound, or MultipleFaces under ``"reject"``.
        """
        decoded = load(image)
        rgb = decoded.rgb
        settings = detection or self.config.detection
        with self._models.borrow() as models:
            found = find_faces(rgb, models.detector, settings, models.cnn)
            found = found[:MAX_FACES]
            described = [self._describe(rgb, f, decoded.scale, models) for f in found]
        if not described:
            raise NoFaceFound("no face found")
        faces = [face for face, _ in described]
        used, reason = _choose(tuple(faces), policy)
        if used is not None:
            chip = described[used][1]
            embedding = self.embed_chip(chip) if embed else None
            faces[used] = replace(faces[used], embedding=embedding, chip=chip)
        return FaceAnalysis(tuple(faces), used, policy, reason, decoded.width, decoded.height)

    def embed_chip(self, chip: RGBImage, *, jitters: int | None = None) -> Embedding:
        """128-D float32 embedding of an aligned 150x150 RGB chip.

        ``jitters`` overrides the configured number (used for close calls in a match).
        """
        settings = self.config.embedding
        count = settings.jitters if jitters is None else jitters
        chips = [np.ascontiguousarray(chip)]
        if settings.flip_average:
            chips.append(np.ascontiguousarray(chip[:, ::-1]))
        vectors = descriptor.describe(chips, count)
        mean: Embedding = np.mean(vectors, axis=0).astype(np.float32)
        return mean

    def check_quality(self, face: DetectedFace) -> None:
        """Raise FaceTooSmall or FaceTooBlurred when a face is below the quality gate."""
        gate, quality = self.config.gate, face.quality
        if quality.face_width_px < gate.min_face_width_px:
            raise FaceTooSmall(
                f"face is {quality.face_width_px} px wide, below {gate.min_face_width_px} px"
            )
        if quality.sharpness < gate.min_sharpness:
            raise FaceTooBlurred(
                f"face sharpness {quality.sharpness:.1f} is below {gate.min_sharpness:.1f}"
            )

    def _describe(
        self, rgb: RGBImage, found: Found, scale: float, models: _Models
    ) -> tuple[DetectedFace, RGBImage]:
        """Landmarks, chip and quality on the decoded image; sizes reported as given."""
        points, chip = align(rgb, found.rect, models.predictor)
        left, top, right, bottom = clip_rect(found.rect, rgb.shape[1], rgb.shape[0])
        box = FaceBox(
            round(left * scale),
            round(top * scale),
            round((right - left) * scale),
            round((bottom - top) * scale),
        )
        quality = measure_quality(rgb, points, chip, found.score, pixel_scale=scale)
        landmarks = tuple(
            (round(float(x) * scale, 1), round(float(y) * scale, 1)) for x, y in points
        )
        return DetectedFace(box, landmarks, quality), chip


def _choose(faces: tuple[DetectedFace, ...], policy: MultiFacePolicy) -> tuple[int | None, str]:
    """Index of the face to use (faces come largest first) and the sentence saying why."""
    if len(faces) == 1:
        return 0, "the only face found"
    if policy == "largest":
        return 0, f"largest of {len(faces)} faces"
    boxes = tuple(face.box for face in faces)
    if policy == "reject":
        raise MultipleFaces(f"{len(faces)} faces found; exactly one is required", boxes=boxes)
    return None, f"{len(faces)} faces found; the caller must say which one to use"


_ENGINES: dict[str, DlibFaceEngine] = {}
_ENGINES_LOCK = threading.Lock()


def face_engine(name: str = "dlib") -> DlibFaceEngine:
    """The process-wide engine called ``name``; models load on the first call only."""
    if name != "dlib":
        raise ValueError(f"unknown face engine {name!r}; available: 'dlib'")
    with _ENGINES_LOCK:
        if name not in _ENGINES:
            _ENGINES[name] = DlibFaceEngine()
        return _ENGINES[name]
