"""Clip tools for the liveness benchmark: encode frames, cut labelled windows, build attacks.

Every attack is built from frames of the bona fide clips with real geometric transforms
(no synthesised blinks), then encoded to MP4/H.264 so it goes through the same decoder as
a browser upload.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction

import av
import cv2
import numpy as np
from numpy.typing import NDArray

RGB = NDArray[np.uint8]


def encode(frames: Sequence[RGB], fps: float, fmt: str = "mp4", crf: int = 23) -> bytes:
    """Encode RGB frames to MP4/H.264 (``fmt="mp4"``) or WebM/VP8 (``fmt="webm"``)."""
    buf = io.BytesIO()
    height, width = frames[0].shape[:2]
    codec = "libx264" if fmt == "mp4" else "libvpx"
    with av.open(buf, mode="w", format=fmt) as out:
        stream = out.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height = width - width % 2, height - height % 2
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf)} if codec == "libx264" else {"b": "1M"}
        for rgb in frames:
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(rgb[: stream.height, : stream.width]), format="rgb24"
            )
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buf.getvalue()


def fit(rgb: RGB, width: int, height: int) -> RGB:
    """Scale and centre-crop to exactly width x height (a webcam-like 640x480 frame)."""
    scale = max(width / rgb.shape[1], height / rgb.shape[0])
    big = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    y0 = (big.shape[0] - height) // 2
    x0 = (big.shape[1] - width) // 2
    out: RGB = np.ascontiguousarray(big[y0 : y0 + height, x0 : x0 + width])
    return out


def noisy(rgb: RGB, rng: np.random.Generator, sigma: float = 2.0) -> RGB:
    """Sensor-like noise, so a re-filmed still is not bit-identical frame to frame."""
    out = rgb.astype(np.float32) + rng.normal(0.0, sigma, rgb.shape).astype(np.float32)
    result: RGB = np.clip(out, 0, 255).astype(np.uint8)
    return result


def still_video(
    still: RGB, n: int, rng: np.random.Generator, moved: bool, scale: float = 1.0
) -> list[RGB]:
    """A photo held in front of the camera: static, or moved/tilted as a whole (homography)."""
    height, width = still.shape[:2]
    src = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    frames = []
    for i in range(n):
        t = i / max(1, n - 1)
        amp = 1.0 if moved else 0.0
        dx, dy = amp * 25 * np.sin(2 * np.pi * t), amp * 12 * np.sin(4 * np.pi * t)
        tilt = amp * 0.06 * np.sin(2 * np.pi * t) * width  # perspective: a sheet turned
        s = scale * (1.0 + amp * 0.08 * np.sin(np.pi * t))
        cx, cy = width / 2, height / 2
        dst = (src - [cx, cy]) * s + [cx + dx, cy + dy]
        dst[1, 1] += tilt * 0.3
        dst[2, 1] -= tilt * 0.3
        dst[0, 0] += tilt * 0.2
        hom = cv2.getPerspectiveTransform(src, np.float32(dst))
        warped = cv2.warpPerspective(still, hom, (width, height), borderValue=(90, 90, 90))
        frames.append(noisy(warped, rng))
    return frames


def screen_texture(still: RGB, rng: np.random.Generator) -> RGB:
    """The photo shown on a screen: RGB sub-pixel stripes, a scan moire and a dark bezel."""
    height, width = still.shape[:2]
    shown = cv2.resize(still, (int(width * 0.7), int(height * 0.7)), interpolation=cv2.INTER_AREA)
    shown = shown.astype(np.float32)
    xx = np.arange(shown.shape[1])
    yy = np.arange(shown.shape[0])[:, None]
    for c in range(3):  # sub-pixel columns: each channel lit one column in three
        shown[..., c] *= 0.75 + 0.25 * ((xx + c) % 3 == 0)
    shown *= (0.9 + 0.1 * np.cos(2 * np.pi * (0.23 * xx + 0.11 * yy)))[..., None]
    canvas = np.full_like(still, 25)  # bezel / dark surround
    y0, x0 = (height - shown.shape[0]) // 2, (width - shown.shape[1]) // 2
    canvas[y0 : y0 + shown.shape[0], x0 : x0 + shown.shape[1]] = np.clip(shown, 0, 255)
    return noisy(canvas, rng)


def loop(frames: Sequence[RGB], fraction: float = 0.5) -> list[RGB]:
    """The first ``fraction`` of a clip played again and again to the original length."""
    head = list(frames[: max(2, int(len(frames) * fraction))])
    out: list[RGB] = []
    while len(out) < len(frames):
        out.extend(head)
    return out[: len(frames)]


def shuffle(frames: Sequence[RGB], rng: np.random.Generator) -> list[RGB]:
    order = rng.permutation(len(frames))
    return [frames[i] for i in order]
