"""Frame-sequence cues: duplicated, looped and shuffled frames, rigid (planar) motion.

All distances are RMS grey-level differences between 32x32 thumbnails (0-255), so
they do not depend on the video's resolution. A live person in front of a camera produces
sensor noise, smooth motion and non-rigid landmark changes (blinks, 3-D head rotation); a
photo moved as a whole is a plane, so its landmarks follow one homography.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from openkyc.vision.liveness.landmarks import FaceObservation

# Stable landmarks of the 478-point mesh (forehead, nose bridge, cheeks, chin), excluding eyes
# and mouth, and the inter-ocular pair used to normalise distances.
_OUTER_EYES = (33, 263)


@dataclass(frozen=True)
class TemporalThresholds:
    """Named thresholds; figures from benchmarks/liveness (bona fide clips vs built attacks)."""

    #: Adjacent thumbnails closer than this are the same frame (codec noise alone is >= 0.3).
    duplicate_diff_max: float = 0.15
    #: Share of duplicated adjacent frames above which the clip is refused.
    #: (0.7: MediaRecorder pads a 15 fps low-light camera to 30 fps, i.e. 50% duplicates.)
    duplicate_share_max: float = 0.7
    #: Loop: an eventful frame (adjacent change >= factor x the clip's median change and >=
    #: event_min grey levels) whose copy at some lag is closer than ratio x its own change.
    #: Re-encoded loop copies sit at 0.45-0.57 RMS, while events move >= 1 grey level
    #: (benchmarks/liveness, 12 bona fide windows and their loops).
    loop_event_factor: float = 1.5
    loop_event_min: float = 1.0
    loop_diff_ratio_max: float = 0.6
    loop_min_lag: int = 4
    #: A loop needs at least this many repeated events and this share of the events.
    loop_min_events: int = 3
    loop_min_share: float = 0.6
    loop_min_run: int = 6
    #: Shuffle: adjacent-frame distance over distance between far-apart frames.
    shuffle_ratio_max: float = 0.6
    #: Below this far-apart distance the clip is too still to judge order.
    shuffle_motion_floor: float = 2.0
    #: Non-rigid landmark residual after a homography, in inter-ocular units (95th percentile).
    #: A frozen photo measures 0.004; a live person holding still with one blink 0.017. A
    #: photo moved and tilted as a whole also measures 0.013-0.018 (MediaPipe fits a 3-D head
    #: to it), so this cue only fails clips that are also still (see ``shuffle_motion_floor``).
    nonrigid_min: float = 0.008


DEFAULT_TEMPORAL = TemporalThresholds()


@dataclass(frozen=True)
class TemporalCues:
    duplicate_share: float
    loop_lag: int  # 0 when no loop
    loop_share: float  # share of eventful frames repeated at loop_lag
    shuffle_ratio: float  # NaN when the clip is too still to judge
    nonrigid: float  # NaN when too few face frames
    motion: float  # median far-apart thumbnail distance


def _pairwise(thumbs: NDArray[np.float32]) -> NDArray[np.float32]:
    # RMS grey-level difference through one matrix product (a full |a-b| tensor of a 10 s,
    # 30 fps clip would take 370 MB).
    flat = thumbs.reshape(len(thumbs), -1).astype(np.float64)
    sq = np.einsum("ij,ij->i", flat, flat)
    d2 = (sq[:, None] + sq[None, :] - 2.0 * flat @ flat.T) / flat.shape[1]
    dist: NDArray[np.float32] = np.sqrt(np.maximum(d2, 0.0)).astype(np.float32)
    return dist


def duplicate_share(dist: NDArray[np.float32], th: TemporalThresholds) -> float:
    adjacent = np.diagonal(dist, offset=1)
    return float(np.mean(adjacent < th.duplicate_diff_max)) if len(adjacent) else 0.0


def find_loop(dist: NDArray[np.float32], th: TemporalThresholds) -> tuple[int, float]:
    """Return (lag, share of eventful frames repeated at that lag) of the strongest loop.

    Only "eventful" frames (a blink, a turn: adjacent change well above the clip's noise) are
    compared, because a still face repeats itself without any loop. A loop copies an event to
    within codec noise; a person never repeats one that exactly.
    """
    n = len(dist)
    adjacent = np.diagonal(dist, offset=1)
    if n < 2 * th.loop_min_run:
        return 0, 0.0
    noise = float(np.median(adjacent))
    eventful = np.flatnonzero(adjacent >= max(th.loop_event_factor * noise, th.loop_event_min))
    best_lag, best_share = 0, 0.0
    for lag in range(th.loop_min_lag, n - 1):
        cand = eventful[eventful + lag < n]
        if len(cand) < th.loop_min_events:
            break
        copies = dist[cand, cand + lag] <= th.loop_diff_ratio_max * adjacent[cand]
        share = float(np.mean(copies))
        if int(copies.sum()) >= th.loop_min_events and share > best_share:
            best_lag, best_share = lag, share
    return best_lag, best_share


def _longest_run(mask: NDArray[np.bool_]) -> int:
    best = cur = 0
    for flag in mask:
        cur = cur + 1 if flag else 0
        best = max(best, cur)
    return best


def shuffle_ratio(dist: NDArray[np.float32], th: TemporalThresholds) -> tuple[float, float]:
    """(adjacent / far-apart distance, far-apart distance); ratio NaN when too still."""
    n = len(dist)
    if n < 8:
        return float("nan"), 0.0
    far = np.concatenate([np.diagonal(dist, offset=k) for k in range(n // 4, n)])
    motion = float(np.median(far))
    if motion < th.shuffle_motion_floor:
        return float("nan"), motion
    return float(np.median(np.diagonal(dist, offset=1))) / motion, motion


def nonrigid_residual(observations: Sequence[FaceObservation]) -> float:
    """95th percentile landmark residual after the best homography to the first face frame."""
    clouds = [o.points for o in observations if o.found and o.points is not None]
    if len(clouds) < 3:
        return float("nan")
    ref = clouds[0]
    iod = float(np.linalg.norm(ref[_OUTER_EYES[0]] - ref[_OUTER_EYES[1]])) or 1.0
    residuals = []
    for cloud in clouds[1:]:
        hom, _ = cv2.findHomography(ref, cloud, 0)
        if hom is None:
            continue
        mapped = cv2.perspectiveTransform(ref.reshape(-1, 1, 2), hom).reshape(-1, 2)
        err = np.linalg.norm(mapped - cloud, axis=1)
        residuals.append(float(np.sqrt(np.mean(err**2))) / iod)
    return float(np.percentile(residuals, 95)) if residuals else float("nan")


def temporal_cues(
    thumbs: NDArray[np.float32],
    observations: Sequence[FaceObservation],
    th: TemporalThresholds = DEFAULT_TEMPORAL,
) -> TemporalCues:
    """Measure every frame-sequence cue once."""
    dist = _pairwise(thumbs)
    ratio, motion = shuffle_ratio(dist, th)
    lag, share = find_loop(dist, th)
    return TemporalCues(
        duplicate_share=duplicate_share(dist, th),
        loop_lag=lag if share >= th.loop_min_share else 0,
        loop_share=share,
        shuffle_ratio=ratio,
        nonrigid=nonrigid_residual(observations),
        motion=motion,
    )
