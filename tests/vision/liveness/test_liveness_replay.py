"""Perceptual fingerprints: a re-submission matches, another recording does not."""

from __future__ import annotations

import cv2
from liveness_media_helpers import astronaut, encode, held_photo, looped
from skimage import data

from openkyc.vision.liveness import (
    Fingerprint,
    decode_video,
    fingerprint_image,
    fingerprint_media,
    fingerprint_similarity,
    is_replay,
)


def test_resubmission_reencoded_smaller_is_recognised() -> None:
    frames = held_photo(30, moved=True)
    original = fingerprint_media(decode_video(encode(frames)))
    smaller = [cv2.resize(f, (384, 384), interpolation=cv2.INTER_AREA) for f in frames]
    again = fingerprint_media(decode_video(encode(smaller, fmt="webm")))
    assert fingerprint_similarity(original, again) == 1.0
    refused, similarity = is_replay(again, [original])
    assert refused
    assert similarity == 1.0


def test_loop_of_a_known_clip_is_recognised() -> None:
    frames = held_photo(30, moved=True)
    original = fingerprint_media(decode_video(encode(frames)))
    loop = fingerprint_media(decode_video(encode(looped(frames, times=2))))
    assert is_replay(loop, [original])[0]


def test_a_different_recording_is_not_a_replay() -> None:
    moving = fingerprint_media(decode_video(encode(held_photo(30, moved=True))))
    still = fingerprint_media(decode_video(encode(held_photo(30, moved=False, seed=3))))
    other_scene = fingerprint_image(data.chelsea())
    assert fingerprint_similarity(moving, other_scene) == 0.0
    assert is_replay(other_scene, [moving, still]) == (False, 0.0)
    assert fingerprint_similarity(moving, still) < 0.5


def test_fingerprint_round_trips_through_bytes() -> None:
    fingerprint = fingerprint_image(astronaut())
    restored = Fingerprint.from_bytes(fingerprint.to_bytes())
    assert len(fingerprint.to_bytes()) == 1024
    assert fingerprint_similarity(fingerprint, restored) == 1.0
