"""Cut degraded single-line crops out of a rendered MRZ band (recogniser training data)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.specimen import degrade
from openkyc.vision.document.specimen.lines import RENDER_SIZE, random_band, render_band

UInt8Array = npt.NDArray[np.uint8]


def _skew(img: UInt8Array, rng: np.random.Generator) -> tuple[UInt8Array, npt.NDArray[np.float64]]:
    height, width = img.shape[:2]
    angle = rng.normal(0, 0.6)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    matrix[0, 1] += rng.normal(0, 0.04)
    border = tuple(int(v) for v in img[0, 0])
    out = cv2.warpAffine(img, matrix, (width, height), borderValue=border)
    return np.asarray(out, np.uint8), np.asarray(matrix, np.float64)


def _box_after(box: tuple[int, int, int, int], matrix: npt.NDArray[np.float64]) -> list[int]:
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], np.float64) @ matrix.T
    return [int(corners[:, 0].min()), int(corners[:, 1].min()),
            int(corners[:, 0].max()), int(corners[:, 1].max())]  # fmt: skip


def _photo(img: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    if rng.random() < 0.5:
        size = 1 if rng.random() < 0.5 else 2
        kernel = np.ones((size + 1, size + 1), np.uint8)
        op = cv2.erode if rng.random() < 0.5 else cv2.dilate
        img = np.asarray(op(img, kernel), np.uint8)
    if rng.random() < 0.3:
        img = degrade.glare(img, rng, rng.uniform(0.2, 0.9))
    return img


def _downsample(crop: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    """Scale so the characters end up 7-30 px tall, sometimes upsampled again."""
    char_height = rng.uniform(7, 30)
    scale = char_height / (RENDER_SIZE * 0.7)
    small = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = degrade.blur(np.asarray(small, np.uint8), rng.uniform(0, 1.0))
    if rng.random() < 0.25:
        up = rng.uniform(1.5, 3.0)
        small = cv2.resize(small, None, fx=up, fy=up, interpolation=cv2.INTER_LINEAR)
    small = degrade.noise(np.asarray(small, np.uint8), rng, rng.uniform(0, 10))
    return degrade.jpeg(small, int(rng.integers(20, 96)))


def _to_gray(img: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    if rng.random() < 0.2:
        return np.ascontiguousarray(img[..., int(rng.integers(0, 3))])
    return np.asarray(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), np.uint8)


def training_crop(rng: np.random.Generator) -> tuple[UInt8Array, str]:
    """One degraded grayscale line crop and its text."""
    lines = random_band(rng)
    band, boxes = render_band(lines, rng)
    band = _photo(band, rng)
    band, matrix = _skew(band, rng)
    row = int(rng.integers(0, len(lines)))
    x0, y0, x1, y1 = _box_after(boxes[row], matrix)
    line_h = y1 - y0
    top = int(y0 - line_h * rng.uniform(0.0, 0.6))
    bottom = int(y1 + line_h * rng.uniform(0.0, 0.6))
    left = int(x0 - RENDER_SIZE * rng.uniform(0.0, 1.5))
    right = int(x1 + RENDER_SIZE * rng.uniform(-0.1, 1.5))
    crop = band[max(top, 0) : bottom, max(left, 0) : right]
    crop = _downsample(crop, rng)
    return _to_gray(crop, rng), lines[row]
