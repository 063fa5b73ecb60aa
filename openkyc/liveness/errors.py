"""Liveness failures in the contract: challenge state errors and media errors as 4xx."""

from __future__ import annotations

from openkyc.kit.errors import Conflict, NotFound, OpenKYCError, PayloadTooLarge, Unprocessable
from openkyc.vision.liveness import LivenessError, MediaTooLarge


class ChallengeNotFound(NotFound):
    default_code = "LIVENESS_CHALLENGE_NOT_FOUND"


class ChallengeUsed(Conflict):
    default_code = "LIVENESS_CHALLENGE_USED"


class ChallengeExpired(Unprocessable):
    default_code = "LIVENESS_CHALLENGE_EXPIRED"


class NonceMismatch(Unprocessable):
    default_code = "LIVENESS_NONCE_MISMATCH"


class SessionMismatch(Unprocessable):
    default_code = "LIVENESS_SESSION_MISMATCH"


def translate(error: LivenessError, field: str) -> OpenKYCError:
    code = error.code.upper()
    if isinstance(error, MediaTooLarge):
        return PayloadTooLarge(str(error), code=code, details={"field": field})
    return Unprocessable(str(error), code=code, details={"field": field})
