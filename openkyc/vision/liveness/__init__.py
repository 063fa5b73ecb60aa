"""Liveness: an active challenge checked on a short video or frame burst, passive cues on a
still, and perceptual fingerprints against re-submission.

Public API (what the ``liveness`` domain service calls)::

    verify_video(data, steps, config=DEFAULT_CONFIG, embedder=None) -> LivenessResult
    verify_burst(images, steps, timestamps_ms=None, config=..., embedder=None) -> LivenessResult
    analyze_still(image, thresholds=DEFAULT_PASSIVE, model_path=None) -> PassiveResult
    fingerprint_media(decode_video(data)) / fingerprint_image(rgb) -> Fingerprint
    is_replay(fingerprint, index) -> (refuse, similarity); fingerprint_similarity(a, b)

Errors: see :mod:`openkyc.vision.liveness.errors` (one tree, each with a stable ``code``).
The challenge itself (random steps, nonce, expiry, single use) is state and belongs to the
service; this package only checks that the submitted frames perform the given steps.
"""

from openkyc.vision.liveness.best_frame import BestFrame, FrameQuality
from openkyc.vision.liveness.challenge import (
    DEFAULT_THRESHOLDS,
    STEPS,
    ChallengeThresholds,
    StepResult,
    validate_steps,
)
from openkyc.vision.liveness.errors import (
    ChallengeInvalid,
    CorruptContainer,
    FrameUnreadable,
    LivenessError,
    MediaError,
    MediaTooLarge,
    MediaTooLong,
    ModelUnavailable,
    NoFrames,
    UnsupportedCodec,
)
from openkyc.vision.liveness.identity import Embedder, dlib_embedder, embedding_distance
from openkyc.vision.liveness.landmarks import FaceObservation, face_landmarks
from openkyc.vision.liveness.media import (
    DEFAULT_LIMITS,
    DecodedMedia,
    MediaLimits,
    decode_burst,
    decode_image,
    decode_video,
)
from openkyc.vision.liveness.passive import (
    DEFAULT_PASSIVE,
    STILL_HINT,
    Cue,
    PassiveResult,
    PassiveThresholds,
)
from openkyc.vision.liveness.replay import (
    REPLAY_SIMILARITY_MIN,
    Fingerprint,
    fingerprint_image,
    fingerprint_media,
    fingerprint_similarity,
    is_replay,
)
from openkyc.vision.liveness.still import analyze_still
from openkyc.vision.liveness.temporal import DEFAULT_TEMPORAL, TemporalCues, TemporalThresholds
from openkyc.vision.liveness.verify import (
    DEFAULT_CONFIG,
    LivenessResult,
    VerifyConfig,
    verify_burst,
    verify_media,
    verify_video,
)

SPOOF_TYPES = ("none", "screen", "paper", "mask", "deepfake", "unknown")

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_LIMITS",
    "DEFAULT_PASSIVE",
    "DEFAULT_TEMPORAL",
    "DEFAULT_THRESHOLDS",
    "REPLAY_SIMILARITY_MIN",
    "SPOOF_TYPES",
    "STEPS",
    "STILL_HINT",
    "BestFrame",
    "ChallengeInvalid",
    "ChallengeThresholds",
    "CorruptContainer",
    "Cue",
    "DecodedMedia",
    "Embedder",
    "FaceObservation",
    "Fingerprint",
    "FrameQuality",
    "FrameUnreadable",
    "LivenessError",
    "LivenessResult",
    "MediaError",
    "MediaLimits",
    "MediaTooLarge",
    "MediaTooLong",
    "ModelUnavailable",
    "NoFrames",
    "PassiveResult",
    "PassiveThresholds",
    "StepResult",
    "TemporalCues",
    "TemporalThresholds",
    "UnsupportedCodec",
    "VerifyConfig",
    "analyze_still",
    "decode_burst",
    "decode_image",
    "decode_video",
    "dlib_embedder",
    "embedding_distance",
    "face_landmarks",
    "fingerprint_image",
    "fingerprint_media",
    "fingerprint_similarity",
    "is_replay",
    "validate_steps",
    "verify_burst",
    "verify_media",
    "verify_video",
]
