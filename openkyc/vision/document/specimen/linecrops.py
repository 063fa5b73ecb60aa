"""Cut degraded single-line crops out of a rendered MRZ band (recogniser training data)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.document.specimen import degrade
from openkyc.vision.document.specimen.lines import (
    RENDER_SIZE,
    random_band,
    random_style,
    render_band,
)

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


def _hatching(img: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    """Fine diagonal security lines printed under and over the zone (visa foils, laminates)."""
    height, width = img.shape[:2]
    spacing = rng.uniform(4, 12)
    slope = rng.uniform(-1.5, 1.5)
    shade = rng.uniform(20, 70)
    out = img.astype(np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    lines = np.abs(((xx + slope * yy) % spacing) - spacing / 2) < rng.uniform(0.6, 1.6)
    out[lines] -= shade
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def _stamp(img: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    """Arcs and strokes of a rubber stamp or signature crossing the characters."""
    out = img.copy()
    height, width = img.shape[:2]
    colour = tuple(float(v) for v in rng.uniform(40, 160, 3))
    for _ in range(int(rng.integers(1, 5))):
        centre = (int(rng.uniform(0, width)), int(rng.uniform(-height, 2 * height)))
        axes = (int(rng.uniform(20, width / 2)), int(rng.uniform(20, 3 * height)))
        start = float(rng.uniform(0, 360))
        end = start + float(rng.uniform(20, 120))
        turn, thickness = float(rng.uniform(0, 180)), int(rng.integers(1, 5))
        cv2.ellipse(out, centre, axes, turn, start, end, colour, thickness, cv2.LINE_AA)
    alpha = rng.uniform(0.3, 0.9)
    return np.asarray(alpha * out + (1 - alpha) * img, np.uint8)


def _lighting(img: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    """A brightness ramp across the band (a shadow or a lamp off to one side)."""
    width = img.shape[1]
    ramp = np.linspace(rng.uniform(0.55, 1.0), rng.uniform(0.55, 1.0), width, dtype=np.float32)
    gain = ramp[None, :, None] if img.ndim == 3 else ramp[None, :]
    return np.asarray(np.clip(img.astype(np.float32) * gain, 0, 255), np.uint8)


def _motion(img: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    """A short straight motion blur (hand shake), mostly along the line."""
    length = int(rng.integers(3, 9))
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0 / length
    turn = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(-60, 60), 1)
    turned = np.asarray(cv2.warpAffine(kernel, turn, (length, length)), np.float32)
    turned /= max(float(turned.sum()), 1e-6)
    return np.asarray(cv2.filter2D(img, -1, turned), np.uint8)


def _photo(img: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    if rng.random() < 0.15:
        img = _hatching(img, rng)
    if rng.random() < 0.15:
        img = _stamp(img, rng)
    if rng.random() < 0.25:
        img = _lighting(img, rng)
    if rng.random() < 0.15:
        img = _motion(img, rng)
    if rng.random() < 0.5:
        size = 1 if rng.random() < 0.5 else 2
        kernel = np.ones((size + 1, size + 1), np.uint8)
        op = cv2.erode if rng.random() < 0.5 else cv2.dilate
        img = np.asarray(op(img, kernel), np.uint8)
    if rng.random() < 0.3:
        img = degrade.glare(img, rng, rng.uniform(0.2, 0.9))
    return img


CHAR_HEIGHT_PX = (5.0, 30.0)
"""Character heights of the training crops (log-uniform): a 272 px passport scan prints its
MRZ about 6 px tall."""


def _downsample(crop: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    """Scale so the characters end up `CHAR_HEIGHT_PX` tall, sometimes upsampled again."""
    char_height = float(np.exp(rng.uniform(*np.log(CHAR_HEIGHT_PX))))
    scale = char_height / (RENDER_SIZE * 0.7)
    small = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # blur in proportion to the characters: a 5 px character blurred by a whole pixel is a
    # smudge nobody can read, and learning to guess those only makes the model less sure
    small = degrade.blur(
        np.asarray(small, np.uint8), rng.uniform(0, 1.0) * min(1.0, char_height / 10)
    )
    if rng.random() < 0.25:
        up = rng.uniform(1.5, 3.0)
        small = cv2.resize(small, None, fx=up, fy=up, interpolation=cv2.INTER_LINEAR)
    small = degrade.noise(np.asarray(small, np.uint8), rng, rng.uniform(0, 10))
    return degrade.jpeg(small, int(rng.integers(20, 96)))


def _to_gray(img: UInt8Array, rng: np.random.Generator) -> UInt8Array:
    if rng.random() < 0.2:
        return np.ascontiguousarray(img[..., int(rng.integers(0, 3))])
    return np.asarray(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), np.uint8)


def _vertical_margins(rng: np.random.Generator) -> tuple[float, float]:
    """Room above and below a line, in line heights. The reader's crops (`locate.py`: the
    detector's box, which already stands out from the glyphs, taken 1.3 times as tall) put
    the text in the middle half of the crop, so most margins are about equal and 0.3-0.8 a
    line; some are lopsided or tight, as a box off by a few pixels makes them."""
    if rng.random() < 0.7:
        around = rng.uniform(0.3, 0.8)
        return around, float(np.clip(around + rng.normal(0, 0.08), 0.0, 1.0))
    return rng.uniform(0.0, 0.8), rng.uniform(0.0, 0.8)


def training_crops(rng: np.random.Generator) -> list[tuple[UInt8Array, str]]:
    """Every line of one rendered, degraded band as a grayscale crop with its text.

    Each crop gets its own margins and resolution; the lines of a band share the print style,
    as the lines of one document do."""
    lines = random_band(rng)
    band, boxes = render_band(lines, rng, random_style(rng) if rng.random() < 0.7 else None)
    band = _photo(band, rng)
    band, matrix = _skew(band, rng)
    crops = []
    for row, text in enumerate(lines):
        x0, y0, x1, y1 = _box_after(boxes[row], matrix)
        line_h = y1 - y0
        above, below = _vertical_margins(rng)
        top = int(y0 - line_h * above)
        bottom = int(y1 + line_h * below)
        left = int(x0 - RENDER_SIZE * rng.uniform(0.0, 1.5))
        right = int(x1 + RENDER_SIZE * rng.uniform(-0.1, 1.5))
        crop = band[max(top, 0) : bottom, max(left, 0) : right]
        crops.append((_to_gray(_downsample(crop, rng), rng), text))
    return crops
