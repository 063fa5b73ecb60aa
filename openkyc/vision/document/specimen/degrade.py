"""Photographic degradations for specimen images: perspective, skew, blur, glare, noise, JPEG."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from openkyc.vision.imaging import rotate_grown

UInt8Array = npt.NDArray[np.uint8]


def jpeg(img: UInt8Array, quality: int) -> UInt8Array:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return np.asarray(cv2.imdecode(buf, cv2.IMREAD_UNCHANGED), np.uint8)


def glare(img: UInt8Array, rng: np.random.Generator, strength: float) -> UInt8Array:
    """A bright elliptical highlight, like a lamp on a laminated card."""
    height, width = img.shape[:2]
    cy, cx = rng.uniform(0, height), rng.uniform(0, width)
    sy, sx = rng.uniform(0.1, 0.5) * height, rng.uniform(0.05, 0.3) * width
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    blob = np.exp(-(((yy - cy) / sy) ** 2 + ((xx - cx) / sx) ** 2))
    if img.ndim == 3:
        blob = blob[..., None]
    out = img.astype(np.float32) + strength * 255.0 * blob
    return np.asarray(np.clip(out, 0, 255), dtype=np.uint8)


def noise(img: UInt8Array, rng: np.random.Generator, sigma: float) -> UInt8Array:
    out = img.astype(np.float32) + rng.normal(0, sigma, img.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def blur(img: UInt8Array, sigma: float) -> UInt8Array:
    if sigma <= 0.05:
        return img
    return np.asarray(cv2.GaussianBlur(img, (0, 0), sigma), np.uint8)


def perspective(
    img: UInt8Array, rng: np.random.Generator, amount: float, border: int = 0
) -> UInt8Array:
    """Move each corner inwards by up to `amount` of the size; fill with `border` gray."""
    height, width = img.shape[:2]
    src = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    jitter = rng.uniform(0, amount, (4, 2)) * np.array([width, height], dtype=np.float32)
    signs = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], dtype=np.float32)
    dst = (src + jitter * signs).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    fill = (border,) * 3 if img.ndim == 3 else border
    out = cv2.warpPerspective(img, matrix, (width, height), borderValue=fill)
    return np.asarray(out, np.uint8)


def rotate(img: UInt8Array, degrees: float, border: int = 0) -> UInt8Array:
    """Rotate about the centre, growing the canvas so nothing is cut."""
    return rotate_grown(img, degrees, (border,) * 3 if img.ndim == 3 else border)[0]
