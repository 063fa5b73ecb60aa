"""Errors raised by the liveness library.

The tree, written down once (services translate these into the API's 4xx codes)::

    LivenessError                  base; never raised itself
    +-- MediaError                 the submitted video or frames cannot be used
    |   +-- CorruptContainer       bytes are not a readable WebM/MP4/Matroska container
    |   +-- UnsupportedCodec       a readable container whose video codec is not accepted
    |   +-- NoFrames               the container or burst holds no decodable frame
    |   +-- MediaTooLong           duration above the named limit (seconds)
    |   +-- MediaTooLarge          byte size (or frame count of a burst) above the named limit
    |   +-- FrameUnreadable        one image of a frame burst is not a JPEG/PNG that decodes
    +-- ChallengeInvalid           the step sequence asked for is empty or names unknown steps
    +-- ModelUnavailable           the landmark model file cannot be found or does not match

Each error carries a stable ``code`` string, so a service can map it without string matching.
"""

from __future__ import annotations


class LivenessError(Exception):
    """Base of every error this package raises."""

    code = "liveness_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MediaError(LivenessError):
    code = "liveness_media_invalid"


class CorruptContainer(MediaError):
    code = "liveness_media_corrupt"


class UnsupportedCodec(MediaError):
    code = "liveness_media_codec_unsupported"


class NoFrames(MediaError):
    code = "liveness_media_no_frames"


class MediaTooLong(MediaError):
    code = "liveness_media_too_long"


class MediaTooLarge(MediaError):
    code = "liveness_media_too_large"


class FrameUnreadable(MediaError):
    code = "liveness_frame_unreadable"


class ChallengeInvalid(LivenessError):
    code = "liveness_challenge_invalid"


class ModelUnavailable(LivenessError):
    code = "liveness_model_unavailable"
