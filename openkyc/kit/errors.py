"""The error tree of openkyc, written down in one place.

Every expected failure is an :class:`OpenKYCError` subclass carrying a stable machine ``code``,
an HTTP ``status`` and a human ``message``; one handler renders them all as the contract
``{"error": {"code", "message", "details", "trace_id"}}``. A 500 is always a bug.

    OpenKYCError
    ├── BadRequest (400)                 BAD_REQUEST
    ├── Unauthorized (401)
    │   ├── AuthHeadersMissing           AUTH_HEADERS_MISSING
    │   ├── AuthTimestampInvalid         AUTH_TIMESTAMP_INVALID
    │   ├── AuthTimestampExpired         AUTH_TIMESTAMP_EXPIRED
    │   ├── AuthTimestampInFuture        AUTH_TIMESTAMP_IN_FUTURE
    │   ├── AuthNonceInvalid             AUTH_NONCE_INVALID
    │   ├── AuthSignatureInvalid         AUTH_SIGNATURE_INVALID
    │   ├── AuthReplayed                 AUTH_REPLAYED
    │   ├── ApiKeyUnknown                AUTH_KEY_UNKNOWN
    │   ├── ApiKeyRevoked                AUTH_KEY_REVOKED
    │   └── ApiKeyExpired                AUTH_KEY_EXPIRED
    ├── Forbidden (403)                  FORBIDDEN, TENANT_SUSPENDED
    ├── NotFound (404)                   NOT_FOUND
    ├── MethodNotAllowed (405)           METHOD_NOT_ALLOWED
    ├── Conflict (409)                   CONFLICT
    ├── PayloadTooLarge (413)            REQUEST_TOO_LARGE, MEDIA_TOO_LARGE
    ├── UnsupportedMediaType (415)       UNSUPPORTED_CONTENT_TYPE, MEDIA_UNSUPPORTED_TYPE
    ├── Unprocessable (422)              VALIDATION_FAILED, MEDIA_* decode failures, ...
    ├── RateLimited (429)                RATE_LIMITED
    └── ServiceUnavailable (503)         SERVICE_UNAVAILABLE
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ApiKeyExpired",
    "ApiKeyRevoked",
    "ApiKeyUnknown",
    "AuthHeadersMissing",
    "AuthNonceInvalid",
    "AuthReplayed",
    "AuthSignatureInvalid",
    "AuthTimestampExpired",
    "AuthTimestampInFuture",
    "AuthTimestampInvalid",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "MethodNotAllowed",
    "NotFound",
    "OpenKYCError",
    "PayloadTooLarge",
    "RateLimited",
    "ServiceUnavailable",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
]


class OpenKYCError(Exception):
    """Base of every expected failure: a stable ``code``, an HTTP ``status`` and a message."""

    status: ClassVar[int] = 500
    default_code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details: dict[str, Any] = details or {}
        self.headers: dict[str, str] = headers or {}


class BadRequest(OpenKYCError):
    status = 400
    default_code = "BAD_REQUEST"


class Unauthorized(OpenKYCError):
    status = 401
    default_code = "UNAUTHORIZED"


class AuthHeadersMissing(Unauthorized):
    default_code = "AUTH_HEADERS_MISSING"


class AuthTimestampInvalid(Unauthorized):
    default_code = "AUTH_TIMESTAMP_INVALID"


class AuthTimestampExpired(Unauthorized):
    default_code = "AUTH_TIMESTAMP_EXPIRED"


class AuthTimestampInFuture(Unauthorized):
    default_code = "AUTH_TIMESTAMP_IN_FUTURE"


class AuthNonceInvalid(Unauthorized):
    default_code = "AUTH_NONCE_INVALID"


class AuthSignatureInvalid(Unauthorized):
    default_code = "AUTH_SIGNATURE_INVALID"


class AuthReplayed(Unauthorized):
    default_code = "AUTH_REPLAYED"


class ApiKeyUnknown(Unauthorized):
    default_code = "AUTH_KEY_UNKNOWN"


class ApiKeyRevoked(Unauthorized):
    default_code = "AUTH_KEY_REVOKED"


class ApiKeyExpired(Unauthorized):
    default_code = "AUTH_KEY_EXPIRED"


class Forbidden(OpenKYCError):
    status = 403
    default_code = "FORBIDDEN"


class NotFound(OpenKYCError):
    status = 404
    default_code = "NOT_FOUND"


class MethodNotAllowed(OpenKYCError):
    status = 405
    default_code = "METHOD_NOT_ALLOWED"


class Conflict(OpenKYCError):
    status = 409
    default_code = "CONFLICT"


class PayloadTooLarge(OpenKYCError):
    status = 413
    default_code = "REQUEST_TOO_LARGE"


class UnsupportedMediaType(OpenKYCError):
    status = 415
    default_code = "UNSUPPORTED_CONTENT_TYPE"


class Unprocessable(OpenKYCError):
    status = 422
    default_code = "VALIDATION_FAILED"


class RateLimited(OpenKYCError):
    status = 429
    default_code = "RATE_LIMITED"


class ServiceUnavailable(OpenKYCError):
    status = 503
    default_code = "SERVICE_UNAVAILABLE"
