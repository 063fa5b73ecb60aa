"""Perceptual fingerprints of a video or still, so a service can refuse re-submissions.

A fingerprint is the 32x32 grey thumbnails (uint8, 1 KB each) of up to 24 evenly spaced
frames. A re-submission, even re-encoded at another size and quality, matches its original
frame for frame within ~1.3 grey levels RMS; another recording of the same person in the same
room (other windows of the same clip) stays >= 3.6 (benchmarks/liveness). Coarse bit hashes
(a 256-bit dHash) could not separate those two cases, so thumbnails are compared directly.
Thumbnails are tiny images of a face: the service stores them encrypted, as it does media.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openkyc.vision.liveness.media import DecodedMedia, thumbnail

THUMB_SIDE = 32
#: Two frames are the same capture when their thumbnails differ by at most this RMS
#: (re-encoded copies <= 1.3, other recordings of the same scene >= 3.6).
FRAME_MATCH_MAX_RMS = 2.0
#: Share of matched frames from which a submission is a replay of an indexed one.
REPLAY_SIMILARITY_MIN = 0.5


@dataclass(frozen=True)
class Fingerprint:
    """Thumbnails of one submission, (frames, 32, 32) uint8."""

    thumbs: NDArray[np.uint8]

    def to_bytes(self) -> bytes:
        return bytes(self.thumbs.astype(np.uint8).tobytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        flat = np.frombuffer(data, dtype=np.uint8)
        return cls(flat.reshape(-1, THUMB_SIDE, THUMB_SIDE).copy())


def fingerprint_media(media: DecodedMedia, max_frames: int = 24) -> Fingerprint:
    """Fingerprint of a decoded video or burst from evenly spaced frames."""
    count = len(media.thumbs)
    picks = np.unique(np.linspace(0, count - 1, min(count, max_frames)).round().astype(int))
    return Fingerprint(np.clip(media.thumbs[picks].round(), 0, 255).astype(np.uint8))


def fingerprint_image(rgb: NDArray[np.uint8]) -> Fingerprint:
    """Fingerprint of a single still."""
    return Fingerprint(np.clip(thumbnail(rgb).round(), 0, 255).astype(np.uint8)[None])


def _min_rms(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> NDArray[np.float64]:
    fa = a.reshape(len(a), -1).astype(np.float64)
    fb = b.reshape(len(b), -1).astype(np.float64)
    d2 = (fa**2).sum(1)[:, None] + (fb**2).sum(1)[None, :] - 2.0 * fa @ fb.T
    rms: NDArray[np.float64] = np.sqrt(np.maximum(d2, 0.0) / fa.shape[1]).min(axis=1)
    return rms


def fingerprint_similarity(
    a: Fingerprint, b: Fingerprint, frame_match_max_rms: float = FRAME_MATCH_MAX_RMS
) -> float:
    """Share (0-1) of the shorter fingerprint's frames that have a same-capture frame in the
    other: 1.0 for a re-submission, also when trimmed, looped or re-encoded."""
    if not len(a.thumbs) or not len(b.thumbs):
        return 0.0
    short, long_ = (a, b) if len(a.thumbs) <= len(b.thumbs) else (b, a)
    return float(np.mean(_min_rms(short.thumbs, long_.thumbs) <= frame_match_max_rms))


def is_replay(
    candidate: Fingerprint,
    index: Sequence[Fingerprint],
    similarity_min: float = REPLAY_SIMILARITY_MIN,
) -> tuple[bool, float]:
    """(refuse?, best similarity) of a candidate against earlier submissions."""
    best = max((fingerprint_similarity(candidate, f) for f in index), default=0.0)
    return best >= similarity_min, best
