"""Decoding: WebM/VP8 and MP4/H.264 from bytes, bursts, limits and every error path."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from liveness_media_helpers import astronaut, encode, held_photo, jpeg

from openkyc.vision.liveness import (
    CorruptContainer,
    FrameUnreadable,
    MediaLimits,
    MediaTooLarge,
    MediaTooLong,
    NoFrames,
    UnsupportedCodec,
    decode_burst,
    decode_video,
)


@pytest.mark.parametrize(("fmt", "codec"), [("mp4", "h264"), ("webm", "vp8")])
def test_decodes_browser_and_phone_formats(fmt: str, codec: str) -> None:
    frames = held_photo(30, moved=True)
    media = decode_video(encode(frames, fps=15.0, fmt=fmt))
    assert media.codec == codec
    assert len(media.frames) == 30
    assert media.frames[0].shape == (512, 512, 3)
    assert media.timestamps_ms[1] - media.timestamps_ms[0] == pytest.approx(66.7, abs=1)
    assert media.thumbs.shape == (30, 32, 32)


def test_vp9_is_accepted() -> None:
    media = decode_video(encode(held_photo(5, moved=False), fmt="webm", codec="libvpx-vp9"))
    assert media.codec == "vp9"


def test_downscales_and_caps_analysis_rate() -> None:
    big = [cv2.resize(f, (1024, 1024)) for f in held_photo(30, moved=True)]
    limits = MediaLimits(max_side=320, max_analysis_fps=5.0)
    media = decode_video(encode(big, fps=15.0), limits)
    assert max(media.frames[0].shape[:2]) == 320
    assert len(media.frames) == 10  # 2 s at 5 fps
    assert len(media.thumbs) == 30  # loop/duplicate checks still see every frame


def test_encoder_tags_become_hints() -> None:
    media = decode_video(encode(held_photo(5, moved=False)))
    assert any("ffmpeg" in hint for hint in media.hints)


def test_corrupt_container() -> None:
    with pytest.raises(CorruptContainer):
        decode_video(b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 40)


def test_zero_frames() -> None:
    data = encode(held_photo(10, moved=True), fmt="webm")
    # A recorder stopped before its first frame was complete: headers and a cut first block.
    cut = data[: data.index(b"\x1f\x43\xb6\x75") + 60]
    with pytest.raises(NoFrames):
        decode_video(cut)


@pytest.mark.parametrize(("fmt", "codec"), [("matroska", "mpeg4"), ("mp4", "mjpeg")])
def test_wrong_codec(fmt: str, codec: str) -> None:
    with pytest.raises(UnsupportedCodec):
        decode_video(encode(held_photo(3, moved=False), fmt=fmt, codec=codec))


def test_too_long() -> None:
    small = [cv2.resize(f, (64, 64)) for f in held_photo(24, moved=True)]
    with pytest.raises(MediaTooLong):
        decode_video(encode(small, fps=2.0))  # 12 s > 10 s


def test_too_big() -> None:
    data = encode(held_photo(5, moved=True))
    with pytest.raises(MediaTooLarge):
        decode_video(data, MediaLimits(max_bytes=len(data) - 1))
    with pytest.raises(MediaTooLarge):
        decode_video(b"\x00" * (15 * 1024 * 1024 + 1))


def test_frame_burst() -> None:
    images = [jpeg(f) for f in held_photo(6, moved=True)]
    media = decode_burst(images, timestamps_ms=[0, 100, 200, 300, 400, 500])
    assert media.source == "burst"
    assert len(media.frames) == 6
    assert np.abs(media.frames[0].astype(int) - astronaut().astype(int)).mean() < 12


def test_burst_errors() -> None:
    good = jpeg(astronaut())
    with pytest.raises(FrameUnreadable):
        decode_burst([good, b"GIF89a not a frame"])
    with pytest.raises(FrameUnreadable):
        decode_burst([good, good[:20]])  # JPEG magic, but no image
    with pytest.raises(FrameUnreadable):
        decode_burst([good, good], timestamps_ms=[100, 50])
    with pytest.raises(MediaTooLarge):
        decode_burst([good] * 61)
    with pytest.raises(NoFrames):
        decode_burst([])
    with pytest.raises(MediaTooLong):
        decode_burst([good, good], timestamps_ms=[0, 11000])
