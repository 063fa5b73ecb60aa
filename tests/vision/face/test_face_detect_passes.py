"""The detection passes with stand-in detectors: which pass runs when, and what it keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from openkyc.vision.face.detect import DetectionConfig, find_faces


@dataclass
class Rect:
    x0: int
    y0: int
    x1: int
    y1: int

    def left(self) -> int:
        return self.x0

    def top(self) -> int:
        return self.y0

    def right(self) -> int:
        return self.x1

    def bottom(self) -> int:
        return self.y1


@dataclass
class FakeHog:
    """Answers each call with the next canned (rects, scores); records the upsample asked."""

    answers: list[tuple[list[Rect], list[float]]]
    calls: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)

    def run(self, image: np.ndarray, upsample: int, threshold: float) -> Any:
        self.calls.append((upsample, image.shape[:2]))
        rects, scores = self.answers.pop(0) if self.answers else ([], [])
        return rects, scores, [0] * len(rects)


@dataclass
class Hit:
    rect: Rect
    confidence: float


def test_weak_extra_faces_are_dropped_but_a_weak_lone_face_is_kept() -> None:
    image = np.zeros((400, 400, 3), np.uint8)
    strong_and_weak = FakeHog([([Rect(0, 0, 90, 90), Rect(200, 200, 330, 330)], [1.4, 0.1])])
    found = find_faces(image, strong_and_weak, DetectionConfig())
    assert [f.score for f in found] == [1.4]  # the larger but weak box is gone
    lone = FakeHog([([Rect(10, 10, 100, 100), Rect(0, 0, 20, 20)], [0.05, 0.02])])
    assert [f.score for f in find_faces(image, lone, DetectionConfig())] == [0.05]


def test_retries_run_in_order_and_boxes_come_back_in_image_pixels() -> None:
    image = np.zeros((1280, 960, 3), np.uint8)  # shrunk by half to 640 px for HOG
    hog = FakeHog([([], []), ([], []), ([Rect(200, 200, 280, 280)], [0.8])])
    found = find_faces(image, hog, DetectionConfig())
    assert [upsample for upsample, _ in hog.calls] == [0, 1, 1]
    assert hog.calls[0][1] == (640, 480)
    pad = round(640 * 0.25)  # the third pass saw a replicated border of this size
    assert hog.calls[2][1] == (640 + 2 * pad, 480 + 2 * pad)
    assert found[0].rect == (2 * (200 - pad), 2 * (200 - pad), 2 * (280 - pad), 2 * (280 - pad))


def test_cnn_fallback_runs_only_on_small_images_after_hog_fails() -> None:
    asked: list[int] = []

    def cnn_detector(image: np.ndarray, upsample: int) -> list[Hit]:
        asked.append(upsample)
        return [Hit(Rect(5, 5, 60, 60), 1.1), Hit(Rect(0, 0, 10, 10), -0.5)]

    small = np.zeros((120, 100, 3), np.uint8)
    found = find_faces(small, FakeHog([]), DetectionConfig(), cnn=lambda: cnn_detector)
    assert asked == [1]  # at most half the fallback size: upsampled once
    assert [f.rect for f in found] == [(5, 5, 60, 60)]
    large = np.zeros((600, 600, 3), np.uint8)
    assert find_faces(large, FakeHog([]), DetectionConfig(), cnn=lambda: cnn_detector) == []
    assert asked == [1]  # never called for a photo-sized image
