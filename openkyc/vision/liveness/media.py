"""Decode a short liveness video (WebM VP8/VP9, MP4 H.264) or a JPEG/PNG frame burst.

Every limit is a field of :class:`MediaLimits`; each failure is a distinct ``MediaError``.
Container and encoder tags that point at virtual cameras or re-encoding are returned as
hints (CEN/TS 18099 injection cues): they are evidence for a reviewer, not silent rejections.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from openkyc.vision.imaging import shrink
from openkyc.vision.liveness.errors import (
    CorruptContainer,
    FrameUnreadable,
    MediaTooLarge,
    MediaTooLong,
    NoFrames,
    UnsupportedCodec,
)

RGBImage = NDArray[np.uint8]

#: Encoder / muxer tags (lower-cased substrings) and the hint each one raises.
#: Browsers write "Chrome"/"Firefox"/"QTmuxingAppLibWebM"; phones write vendor tags.
SUSPICIOUS_ENCODER_TAGS: tuple[tuple[str, str], ...] = (
    ("obs", "encoder tag names OBS (screen/virtual-camera software)"),
    ("manycam", "encoder tag names ManyCam (virtual camera)"),
    ("xsplit", "encoder tag names XSplit (virtual camera)"),
    ("snap camera", "encoder tag names Snap Camera (virtual camera)"),
    ("virtual", "encoder tag names a virtual camera"),
    ("lavf", "container written by ffmpeg/libavformat: file was generated or re-encoded"),
    ("lavc", "stream encoded by ffmpeg/libavcodec: file was generated or re-encoded"),
    ("handbrake", "encoder tag names HandBrake (re-encoded file)"),
)

_ACCEPTED_FORMATS = ("matroska", "webm", "mp4", "mov")


@dataclass(frozen=True)
class MediaLimits:
    """Limits of a liveness submission (defaults: issue 5, browsers' 3-5 s recordings)."""

    max_seconds: float = 10.0
    max_bytes: int = 15 * 1024 * 1024
    max_frames: int = 300  # decoded frames kept for analysis (frame cap)
    max_side: int = 640  # longest side after downscaling, px
    max_analysis_fps: float = 15.0  # frames closer than 1/fps are skipped (blinks last >= 100 ms)
    max_burst_frames: int = 60
    burst_fps: float = 10.0  # assumed when a burst comes without timestamps
    accepted_codecs: tuple[str, ...] = ("vp8", "vp9", "h264")


DEFAULT_LIMITS = MediaLimits()


@dataclass(frozen=True)
class DecodedMedia:
    """Frames (RGB, downscaled) with their presentation times and container facts."""

    frames: tuple[RGBImage, ...]
    timestamps_ms: tuple[float, ...]
    source: str  # "video" or "burst"
    container: str
    codec: str
    width: int  # as stored, before downscaling
    height: int
    duration_ms: float
    tags: tuple[tuple[str, str], ...]
    hints: tuple[str, ...]
    #: 32x32 grey thumbnails of *every* decoded frame (not only analysed ones), float32 0..255,
    #: so duplicate/loop checks and the perceptual hash see the stream at its own frame rate.
    thumbs: NDArray[np.float32]
    thumb_times_ms: tuple[float, ...]


def decode_video(data: bytes, limits: MediaLimits = DEFAULT_LIMITS) -> DecodedMedia:
    """Decode a WebM/MP4 video from bytes; raise a ``MediaError`` subclass when unusable."""
    if len(data) > limits.max_bytes:
        raise MediaTooLarge(f"video is {len(data)} bytes > limit {limits.max_bytes}")
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise CorruptContainer(f"not a readable video container: {exc}") from exc
    with container:
        fmt = container.format.name
        if not any(name in fmt.split(",") for name in _ACCEPTED_FORMATS):
            raise UnsupportedCodec(f"container format {fmt!r} is not WebM/Matroska or MP4")
        if not container.streams.video:
            raise NoFrames("container holds no video stream")
        stream = container.streams.video[0]
        codec = stream.codec_context.name
        if codec not in limits.accepted_codecs:
            raise UnsupportedCodec(f"video codec {codec!r} not in {limits.accepted_codecs}")
        declared = float(container.duration or 0) / 1e6
        if declared > limits.max_seconds + 0.25:
            raise MediaTooLong(f"video lasts {declared:.2f} s > limit {limits.max_seconds} s")
        tags = _tags(container, stream)
        frames, times, thumbs, hints = _decode_stream(container, stream, limits)
        width, height = stream.codec_context.width, stream.codec_context.height
    if not frames:
        raise NoFrames("no frame could be decoded from the video stream")
    hints += _tag_hints(tags)
    duration = times[-1] - times[0] if len(times) > 1 else 0.0
    return DecodedMedia(
        tuple(frames), tuple(times), "video", fmt, codec, width, height, duration, tags,
        tuple(hints), np.stack([t for _, t in thumbs]), tuple(t for t, _ in thumbs),
    )  # fmt: skip


def _tags(
    container: av.container.InputContainer, stream: av.VideoStream
) -> tuple[tuple[str, str], ...]:
    merged = {**dict(container.metadata), **dict(stream.metadata)}
    return tuple(sorted((str(k).lower(), str(v)) for k, v in merged.items()))


def _tag_hints(tags: Sequence[tuple[str, str]]) -> list[str]:
    hints: list[str] = []
    for key, value in tags:
        if key not in ("encoder", "muxingapp", "writingapp", "handler_name", "comment"):
            continue
        for needle, hint in SUSPICIOUS_ENCODER_TAGS:
            if needle in value.lower() and hint not in hints:
                hints.append(f"{hint} ({key}={value!r})")
    return hints


def _decode_stream(
    container: av.container.InputContainer, stream: av.VideoStream, limits: MediaLimits
) -> tuple[list[RGBImage], list[float], list[tuple[float, NDArray[np.float32]]], list[str]]:
    frames: list[RGBImage] = []
    times: list[float] = []
    thumbs: list[tuple[float, NDArray[np.float32]]] = []
    hints: list[str] = []
    min_gap_ms = 1000.0 / limits.max_analysis_fps
    try:
        for frame in _frames(container, stream):
            t_ms = float(frame.time or 0.0) * 1000.0
            if thumbs and t_ms - thumbs[0][0] > limits.max_seconds * 1000.0 + 250.0:
                raise MediaTooLong(f"video runs past {limits.max_seconds} s")
            if len(thumbs) < 4 * limits.max_frames:
                thumbs.append((t_ms, _thumb(frame)))
            if times and t_ms - times[-1] < min_gap_ms - 1.0:
                continue
            if len(frames) >= limits.max_frames:
                hints.append(f"frame cap {limits.max_frames} reached: later frames ignored")
                break
            frames.append(_to_rgb(frame, limits.max_side))
            times.append(t_ms)
    except av.FFmpegError as exc:
        if not frames:
            raise CorruptContainer(f"video stream cannot be decoded: {exc}") from exc
        hints.append(f"video stream is truncated or damaged after {len(frames)} frames")
    return frames, times, thumbs, hints


def _thumb(frame: av.VideoFrame) -> NDArray[np.float32]:
    grey = frame.reformat(width=32, height=32, format="gray").to_ndarray()
    rotation = int(getattr(frame, "rotation", 0) or 0) % 360
    return np.rot90(grey, k=rotation // 90).astype(np.float32)


def thumbnail(rgb: RGBImage) -> NDArray[np.float32]:
    """32x32 grey thumbnail of an RGB frame (same scale as the video thumbnails)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, (32, 32), interpolation=cv2.INTER_AREA)
    return np.asarray(small, dtype=np.float32)


def _frames(
    container: av.container.InputContainer, stream: av.VideoStream
) -> Iterator[av.VideoFrame]:
    stream.thread_type = "AUTO"
    yield from container.decode(stream)


def _to_rgb(frame: av.VideoFrame, max_side: int) -> RGBImage:
    scale = min(1.0, max_side / max(frame.width, frame.height))
    width = max(2, round(frame.width * scale / 2) * 2)
    height = max(2, round(frame.height * scale / 2) * 2)
    rgb = np.asarray(
        frame.reformat(width=width, height=height, format="rgb24").to_ndarray(), dtype=np.uint8
    )
    rotation = int(getattr(frame, "rotation", 0) or 0) % 360
    if rotation:
        # Phones store portrait video as landscape plus a display rotation (counter-clockwise).
        rgb = np.ascontiguousarray(np.rot90(rgb, k=rotation // 90))
    return rgb


def decode_burst(
    images: Sequence[bytes],
    timestamps_ms: Sequence[float] | None = None,
    limits: MediaLimits = DEFAULT_LIMITS,
) -> DecodedMedia:
    """Decode a burst of JPEG/PNG frames (in capture order) taken by the client."""
    if not images:
        raise NoFrames("the frame burst is empty")
    if len(images) > limits.max_burst_frames:
        raise MediaTooLarge(f"{len(images)} frames > limit {limits.max_burst_frames}")
    if sum(len(b) for b in images) > limits.max_bytes:
        raise MediaTooLarge(f"frame burst exceeds {limits.max_bytes} bytes")
    hints: list[str] = []
    if timestamps_ms is None:
        timestamps_ms = [i * 1000.0 / limits.burst_fps for i in range(len(images))]
        hints.append(f"burst has no timestamps: {limits.burst_fps:g} fps assumed")
    elif len(timestamps_ms) != len(images) or any(
        b <= a for a, b in itertools.pairwise(timestamps_ms)
    ):
        raise FrameUnreadable("burst timestamps must be increasing, one per frame")
    if timestamps_ms[-1] - timestamps_ms[0] > limits.max_seconds * 1000.0:
        raise MediaTooLong(f"frame burst spans more than {limits.max_seconds} s")
    frames = [decode_image(b, limits.max_side, index=i) for i, b in enumerate(images)]
    height, width = frames[0].shape[:2]
    duration = float(timestamps_ms[-1] - timestamps_ms[0])
    times = tuple(float(t) for t in timestamps_ms)
    return DecodedMedia(
        tuple(frames), times, "burst", "burst", "image", width, height, duration, (),
        tuple(hints), np.stack([thumbnail(f) for f in frames]), times,
    )  # fmt: skip


def decode_image(data: bytes, max_side: int = 640, index: int = 0) -> RGBImage:
    """Decode one JPEG/PNG (checked by magic bytes) to RGB, downscaled to ``max_side``."""
    if not (data[:3] == b"\xff\xd8\xff" or data[:8] == b"\x89PNG\r\n\x1a\n"):
        raise FrameUnreadable(f"frame {index} is not a JPEG or PNG")
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FrameUnreadable(f"frame {index} does not decode")
    rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
    return shrink(rgb, max_side)[0]
