"""Cheap quality measures of one face, from its 5 landmarks and its aligned chip.

Landmark order of dlib's 5-point model: 0-1 outer and inner corner of the eye on the image's
right, 2-3 outer and inner corner of the eye on the image's left, 4 the base of the nose.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.face.types import FaceQuality, RGBImage

__all__ = ["EYE_MIN_CONTRAST", "MOUTH_MIN_CONTRAST", "measure_quality"]

FloatArray = npt.NDArray[np.float64]

#: Eye-base-of-nose geometry of a frontal adult face, in units of the distance between the eye
#: centres (measured on skimage's astronaut and dlib's johns chips): the nose base sits 0.72
#: below the eye line and ~0.55 in front of the eye plane. Used only for the rough pose figures.
FRONTAL_NOSE_DROP = 0.72
NOSE_DEPTH = 0.55
#: Grey-level standard deviation below which an eye patch is "not visible" (sunglasses, hair,
#: hand): an open or closed eye with lids and lashes is well above 10 on 0-255.
EYE_MIN_CONTRAST = 6.0
#: Same for the mouth patch; a surgical mask or a hand gives a flat patch.
MOUTH_MIN_CONTRAST = 5.0
#: Outer-eye-corner span as a fraction of the face width (bizygomatic breadth), adult mean.
OUTER_EYES_PER_FACE_WIDTH = 0.55
#: Pixels this close to 0 or 255 count as clipped exposure.
CLIP_MARGIN = 8


def measure_quality(
    rgb: RGBImage,
    points: FloatArray,
    chip: RGBImage,
    detection_score: float,
    *,
    pixel_scale: float = 1.0,
) -> FaceQuality:
    """Measure one face; ``points`` are the 5 landmarks in ``rgb`` coordinates.

    ``pixel_scale`` converts ``rgb`` pixels to pixels of the image as given (it is > 1 when a
    large JPEG was decoded reduced), so face sizes always read in the caller's pixels.
    """
    grey_chip = np.asarray(cv2.cvtColor(chip, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    right_eye, left_eye, nose = points[0:2].mean(0), points[2:4].mean(0), points[4]
    eye_distance = float(np.linalg.norm(right_eye - left_eye))
    yaw, pitch, roll = _pose(right_eye, left_eye, nose, eye_distance)
    grey = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    eyes_visible = all(
        _patch_std(grey, eye, eye_distance * 0.25) >= EYE_MIN_CONTRAST
        for eye in (right_eye, left_eye)
    )
    return FaceQuality(
        face_width_px=round(_face_width(points) * pixel_scale),
        eye_distance_px=round(eye_distance * pixel_scale, 1),
        sharpness=round(float(cv2.Laplacian(grey_chip, cv2.CV_64F).var()), 1),
        brightness=round(float(grey_chip.mean()) / 255.0, 3),
        exposure_clipped=round(_clipped_fraction(grey_chip), 3),
        yaw_deg=yaw,
        pitch_deg=pitch,
        roll_deg=roll,
        eyes_visible=eyes_visible,
        occlusion_hint=_occlusion_hint(grey, points, eyes_visible, eye_distance),
        detection_score=round(detection_score, 3),
    )


def _face_width(points: FloatArray) -> float:
    """Face width from the landmarks: outer eye corners span ~0.55 of a face's width.

    Landmark-based rather than the HOG box, whose size jumps with the detector's pyramid
    level (the same face measured 87 and 115 px in two scalings of skimage's astronaut).
    """
    return float(np.linalg.norm(points[0] - points[2])) / OUTER_EYES_PER_FACE_WIDTH


def _pose(
    right_eye: FloatArray, left_eye: FloatArray, nose: FloatArray, eye_distance: float
) -> tuple[float, float, float]:
    """Yaw, pitch, roll in degrees from the nose offset in the eye-aligned frame."""
    dx, dy = right_eye - left_eye
    roll = math.atan2(dy, dx)
    middle = (right_eye + left_eye) / 2.0
    cos, sin = math.cos(-roll), math.sin(-roll)
    off_x, off_y = nose - middle
    across = (off_x * cos - off_y * sin) / max(eye_distance, 1e-6)
    down = (off_x * sin + off_y * cos) / max(eye_distance, 1e-6)
    yaw = math.asin(float(np.clip(across / NOSE_DEPTH, -1.0, 1.0)))
    pitch = math.asin(float(np.clip((FRONTAL_NOSE_DROP - down) / NOSE_DEPTH, -1.0, 1.0)))
    return tuple(round(math.degrees(a), 1) for a in (yaw, pitch, roll))  # type: ignore[return-value]


def _patch_std(grey: npt.NDArray[np.uint8], centre: FloatArray, half: float) -> float:
    half = max(half, 2.0)
    x0, y0 = int(centre[0] - half), int(centre[1] - half)
    x1, y1 = int(centre[0] + half) + 1, int(centre[1] + half) + 1
    if x0 < 0 or y0 < 0 or x1 > grey.shape[1] or y1 > grey.shape[0]:
        return 0.0  # outside the picture: not visible
    return float(grey[y0:y1, x0:x1].std())


def _clipped_fraction(grey: npt.NDArray[np.uint8]) -> float:
    clipped = (grey <= CLIP_MARGIN) | (grey >= 255 - CLIP_MARGIN)
    return float(clipped.mean())


def _occlusion_hint(
    grey: npt.NDArray[np.uint8], points: FloatArray, eyes_visible: bool, eye_distance: float
) -> str | None:
    height, width = grey.shape
    if (points < 0).any() or (points[:, 0] >= width).any() or (points[:, 1] >= height).any():
        return "face is cut by the image border"
    if not eyes_visible:
        return "an eye region is flat (sunglasses, hair or a hand?)"
    mouth = points[4] + np.array([0.0, 0.55 * eye_distance])
    if _patch_std(grey, mouth, eye_distance * 0.3) < MOUTH_MIN_CONTRAST:
        return "mouth region is flat (mask or hand?)"
    return None
