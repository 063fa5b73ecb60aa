"""Test videos written by the tests themselves from skimage.data.astronaut() (NASA, public
domain), with real geometric motion: a photo held still, moved as a whole, looped, shuffled."""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction

import av
import cv2
import numpy as np
from numpy.typing import NDArray
from skimage import data

RGB = NDArray[np.uint8]


def astronaut() -> RGB:
    return np.ascontiguousarray(data.astronaut())


def encode(
    frames: Sequence[RGB], fps: float = 15.0, fmt: str = "mp4", codec: str | None = None
) -> bytes:
    """Encode RGB frames; mp4 -> H.264, webm -> VP8 unless ``codec`` says otherwise."""
    codec = codec or ("libx264" if fmt == "mp4" else "libvpx")
    buf = io.BytesIO()
    height, width = frames[0].shape[:2] if frames else (64, 64)
    with av.open(buf, mode="w", format=fmt) as out:
        stream = out.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if codec == "mjpeg":
            stream.pix_fmt = "yuvj420p"
        for rgb in frames:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        out.mux(stream.encode(None))
    return buf.getvalue()


def held_photo(n: int, moved: bool, seed: int = 0) -> list[RGB]:
    """A printed photo in front of the camera: still, or moved/rotated/scaled as a whole."""
    rng = np.random.default_rng(seed)
    photo = astronaut()
    frames = []
    for i in range(n):
        t = i / max(1, n - 1)
        amp = 1.0 if moved else 0.0
        angle = amp * 6.0 * np.sin(2 * np.pi * t)
        scale = 1.0 + amp * 0.08 * np.sin(np.pi * t)
        mat = cv2.getRotationMatrix2D((256.0, 256.0), angle, scale)
        mat[:, 2] += amp * np.array([20 * np.sin(2 * np.pi * t), 10 * np.sin(4 * np.pi * t)])
        warped = cv2.warpAffine(photo, mat, (512, 512), borderValue=(90, 90, 90))
        noise = rng.normal(0.0, 2.0, warped.shape)
        frames.append(np.clip(warped + noise, 0, 255).astype(np.uint8))
    return frames


def looped(frames: Sequence[RGB], times: int = 3) -> list[RGB]:
    head = list(frames[: len(frames) // times])
    return (head * times)[: len(frames)]


def shuffled(frames: Sequence[RGB], seed: int = 1) -> list[RGB]:
    order = np.random.default_rng(seed).permutation(len(frames))
    return [frames[i] for i in order]


def jpeg(rgb: RGB) -> bytes:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    return bytes(buf.tobytes())
