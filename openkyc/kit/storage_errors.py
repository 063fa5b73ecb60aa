"""Errors raised by every media object store (files on disk, S3).

They live apart from the stores so callers can catch them without importing boto3.
"""

from __future__ import annotations


class ObjectMissing(LookupError):
    """No object is stored under `key`."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored object under key {key!r}")
        self.key = key


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or refused the request; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"object store unavailable: {reason}")
        self.reason = reason
