"""Check an active challenge (blink, turn_left, turn_right, look_up, smile) on frame signals.

Steps are searched in order: each one must happen after the previous one has ended, so a
sequence done in the wrong order fails with a reason saying so. Directions are the subject's
own: with an unmirrored camera (what MediaRecorder records) turning to one's left moves the
nose toward the image's right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openkyc.vision.liveness.errors import ChallengeInvalid
from openkyc.vision.liveness.landmarks import FaceObservation

STEPS = ("blink", "turn_left", "turn_right", "look_up", "smile")


@dataclass(frozen=True)
class ChallengeThresholds:
    """Named thresholds, with the figures (shared/data/liveness, 2026-11-21) they were set on."""

    #: Score = min of both eyes' eyeBlink blendshapes (a one-eyed wink is not a blink).
    #: Annotated blinks in live_02/07/14 peak at 0.45-0.76; live_12 (no blink, 15 s) < 0.35.
    blink_score_min: float = 0.4
    #: Rise above the clip's median blink score (live_13 squints sit at 0.26 median).
    blink_rise_min: float = 0.25
    #: Closures longer than this are not blinks (live_13 lowered eyes last 1.4-3.8 s).
    blink_max_ms: float = 1000.0
    #: Yaw change from the neutral pose; live_04 peaks at +44 and -20 degrees.
    turn_yaw_min_deg: float = 15.0
    #: Pitch change from the neutral pose; live_04 look_up reaches +38 degrees.
    look_up_pitch_min_deg: float = 15.0
    #: MediaPipe mouthSmile mean; astronaut() smiles at 0.90.
    smile_score_min: float = 0.5
    smile_rise_min: float = 0.3
    #: A step counts as ended when the signal falls below this fraction of its threshold.
    release_fraction: float = 0.5
    #: Two steps closer than this are humanly implausible ("too fast").
    min_step_gap_ms: float = 200.0
    #: Share of the first face frames whose median yaw/pitch is the neutral pose.
    neutral_share: float = 0.2


DEFAULT_THRESHOLDS = ChallengeThresholds()


@dataclass(frozen=True)
class StepResult:
    """One challenge step: found or not, when, the value measured against its named threshold."""

    step: str
    detected: bool
    at_ms: float | None
    value: float
    threshold: float
    threshold_name: str
    reason: str


@dataclass(frozen=True)
class _Signal:
    values: NDArray[np.float64]  # NaN where no face
    threshold: float
    name: str


def validate_steps(steps: Sequence[str]) -> tuple[str, ...]:
    """Return the steps as a tuple, raising ``ChallengeInvalid`` on empty or unknown names."""
    unknown = [s for s in steps if s not in STEPS]
    if not steps or unknown:
        raise ChallengeInvalid(f"steps must be a non-empty sequence of {STEPS}; got {steps!r}")
    return tuple(steps)


def check_steps(
    steps: Sequence[str],
    observations: Sequence[FaceObservation],
    times_ms: Sequence[float],
    thresholds: ChallengeThresholds = DEFAULT_THRESHOLDS,
    mirrored: bool = False,
) -> tuple[StepResult, ...]:
    """Find each step, in order, in the per-frame observations."""
    signals = _signals(observations, thresholds, mirrored)
    times = np.asarray(times_ms, dtype=np.float64)
    results: list[StepResult] = []
    cursor, last_ms = 0, -1e9
    for step in validate_steps(steps):
        signal = signals[step]
        event = _find(step, signal, times, cursor, thresholds)
        if event is None:
            done = [r.step for r in results if r.detected]
            results.append(_missing(step, signal, times, cursor, thresholds, done))
            continue
        onset, end = event
        at_ms = float(times[onset])
        peak = float(np.nanmax(signal.values[onset : end + 1]))
        reason = f"{signal.name} {peak:.2f} >= {signal.threshold:.2f} at {at_ms:.0f} ms"
        detected = at_ms - last_ms >= thresholds.min_step_gap_ms
        if not detected:
            reason = f"too fast: {at_ms - last_ms:.0f} ms after the previous step"
        results.append(
            StepResult(step, detected, at_ms, peak, signal.threshold, signal.name, reason)
        )
        cursor, last_ms = end + 1, float(times[end])
    return tuple(results)


def _signals(
    obs: Sequence[FaceObservation], th: ChallengeThresholds, mirrored: bool
) -> dict[str, _Signal]:
    def arr(attr: str) -> NDArray[np.float64]:
        return np.array([getattr(o, attr) if o.found else np.nan for o in obs], dtype=np.float64)

    yaw, pitch = arr("yaw"), arr("pitch")
    found = np.flatnonzero(~np.isnan(yaw))
    head = found[: max(3, int(len(found) * th.neutral_share))]
    yaw0 = float(np.clip(np.median(yaw[head]), -12, 12)) if len(head) else 0.0
    pitch0 = float(np.clip(np.median(pitch[head]), -12, 12)) if len(head) else 0.0
    left = (yaw - yaw0) * (-1.0 if mirrored else 1.0)
    return {
        "blink": _Signal(arr("blink"), th.blink_score_min, "blink_score_min"),
        "turn_left": _Signal(left, th.turn_yaw_min_deg, "turn_yaw_min_deg"),
        "turn_right": _Signal(-left, th.turn_yaw_min_deg, "turn_yaw_min_deg"),
        "look_up": _Signal(pitch - pitch0, th.look_up_pitch_min_deg, "look_up_pitch_min_deg"),
        "smile": _Signal(arr("smile"), th.smile_score_min, "smile_score_min"),
    }


def _find(
    step: str, sig: _Signal, times: NDArray[np.float64], start: int, th: ChallengeThresholds
) -> tuple[int, int] | None:
    """First (onset, end) frame pair of the step at or after ``start``."""
    vals = np.nan_to_num(sig.values, nan=-1e9)
    base = float(np.nanmedian(sig.values)) if np.any(~np.isnan(sig.values)) else 0.0
    level = sig.threshold
    if step == "blink":
        level = max(level, base + th.blink_rise_min)
    elif step == "smile":
        level = max(level, base + th.smile_rise_min)
    release = level * th.release_fraction if step not in ("blink", "smile") else level - 0.1
    i = start
    while i < len(vals):
        if vals[i] < level:
            i += 1
            continue
        first, end = i, i
        while first > start and vals[first - 1] >= release:
            first -= 1  # the closure began before the peak crossed the level
        while end + 1 < len(vals) and vals[end + 1] >= release:
            end += 1
        if step != "blink" or _is_blink(first, end, vals, times, release, th):
            return i, end
        i = end + 1
    return None


def _is_blink(
    onset: int,
    end: int,
    vals: NDArray[np.float64],
    times: NDArray[np.float64],
    release: float,
    th: ChallengeThresholds,
) -> bool:
    # A blink is a short closure between open eyes: open before, open after, not too long.
    open_before = onset > 0 and -1e8 < vals[onset - 1] < release
    open_after = end + 1 < len(vals) and -1e8 < vals[end + 1] < release
    return open_before and open_after and times[end] - times[onset] <= th.blink_max_ms


def _missing(
    step: str,
    sig: _Signal,
    times: NDArray[np.float64],
    cursor: int,
    th: ChallengeThresholds,
    done: Sequence[str],
) -> StepResult:
    after = sig.values[cursor:]
    peak = float(np.nanmax(after)) if np.any(~np.isnan(after)) else 0.0
    earlier = _find(step, sig, times, 0, th) if cursor > 0 else None
    if earlier is not None and earlier[0] < cursor and step not in done:
        reason = "wrong order: done before the previous step, not after it"
    elif peak >= sig.threshold and step == "blink":
        reason = f"no open-closed-open blink within {th.blink_max_ms:.0f} ms (peak {peak:.2f})"
    elif peak >= sig.threshold:
        reason = f"{sig.name} peak {peak:.2f} not above the clip's own baseline"
    else:
        reason = f"not performed: {sig.name} peak {peak:.2f} < {sig.threshold:.2f}"
    return StepResult(step, False, None, peak, sig.threshold, sig.name, reason)
