from openkyc.kit.errors import Conflict, NotFound, Unprocessable


class EvidenceMissing(Unprocessable):
    default_code = "EVIDENCE_MISSING"


class IdempotencyKeyReused(Conflict):
    default_code = "IDEMPOTENCY_KEY_REUSED"


class CallbackUrlUnknown(Unprocessable):
    default_code = "CALLBACK_URL_UNKNOWN"


class VerificationNotFound(NotFound):
    default_code = "VERIFICATION_NOT_FOUND"
