"""Frozen results of the face engine: plain values the service can serialise as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = [
    "DetectedFace",
    "FaceAnalysis",
    "FaceBox",
    "FaceQuality",
    "MatchResult",
    "MultiFacePolicy",
    "PortraitCrop",
]

#: What to do when an image holds several faces:
#: ``"largest"`` uses the widest face and says so; ``"reject"`` raises MultipleFaces;
#: ``"ask"`` analyses every face, uses none, and (in a match) raises MultipleFaces carrying the
#: boxes so the caller can ask the applicant which face is meant.
MultiFacePolicy = Literal["largest", "reject", "ask"]

Embedding = npt.NDArray[np.float32]
RGBImage = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class FaceBox:
    """A face rectangle in pixels of the image as given (x, y = top-left corner)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def area(self) -> int:
        return self.width * self.height


@dataclass(frozen=True, slots=True)
class FaceQuality:
    """Measured quality of one face; every figure is cheap and computed on the aligned chip.

    ``sharpness`` is the variance of the Laplacian of the 150x150 grey chip (so it does not
    depend on the image size); ``brightness`` is the chip's mean luminance on 0-1 and
    ``exposure_clipped`` the fraction of its pixels that are nearly black or white. Pose angles
    are rough estimates from the 5 landmarks (degrees, 0 = frontal), good to about 10 degrees.
    """

    face_width_px: int
    eye_distance_px: float
    sharpness: float
    brightness: float
    exposure_clipped: float
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    eyes_visible: bool
    occlusion_hint: str | None
    detection_score: float


@dataclass(frozen=True, slots=True)
class DetectedFace:
    """One face: where it is, its 5 landmarks (x, y) and its quality.

    ``chip`` (the aligned 150x150 RGB face) is kept only for the face that was used, and
    ``embedding`` (128 float32, dlib ResNet space, computed from the chip) only when it was
    asked for: embedding is the expensive step. Boxes, landmarks and pixel sizes are in
    pixels of the image as given.
    """

    box: FaceBox
    landmarks: tuple[tuple[float, float], ...]
    quality: FaceQuality
    embedding: Embedding | None = field(default=None, compare=False, repr=False)
    chip: RGBImage | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class FaceAnalysis:
    """Every face found in one image, which one was used, and why."""

    faces: tuple[DetectedFace, ...]
    used_index: int | None
    policy: MultiFacePolicy
    reason: str
    image_width: int
    image_height: int

    @property
    def used(self) -> DetectedFace | None:
        return None if self.used_index is None else self.faces[self.used_index]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Outcome of a 1:1 comparison.

    ``similarity`` and ``threshold`` are on 0-1 (see ``calibration.similarity_from_distance``);
    ``match`` is ``similarity >= threshold``. ``estimated_fmr`` is the false-match rate the
    threshold stands for on the calibration set. ``reasons`` are sentences for a reviewer.
    """

    match: bool
    similarity: float
    threshold: float
    distance: float
    distance_threshold: float
    estimated_fmr: float
    reasons: tuple[str, ...]
    face_a: FaceAnalysis
    face_b: FaceAnalysis
    elapsed_ms: float

    @property
    def embedding_a(self) -> Embedding | None:
        used = self.face_a.used
        return None if used is None else used.embedding

    @property
    def embedding_b(self) -> Embedding | None:
        used = self.face_b.used
        return None if used is None else used.embedding


@dataclass(frozen=True, slots=True)
class PortraitCrop:
    """The portrait found on an identity document.

    The document is first turned upright (``rotation_deg`` clockwise from the input).
    ``image`` is an RGB crop of it with margin around the face; ``crop_box`` is where that
    crop lies in the upright document and ``box`` where the face lies in the crop. ``face``
    holds landmarks, quality and embedding in upright-document coordinates; ``document_size``
    is that upright document's (width, height).
    """

    image: RGBImage = field(compare=False, repr=False)
    box: FaceBox
    crop_box: FaceBox
    rotation_deg: int
    face: DetectedFace
    document_size: tuple[int, int]

    def analysis(self) -> FaceAnalysis:
        """The portrait as a face analysis, to match it without detecting it again."""
        width, height = self.document_size
        return FaceAnalysis((self.face,), 0, "largest", "the document's portrait", width, height)
