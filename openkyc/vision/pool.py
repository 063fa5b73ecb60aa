"""Engines that serve one call at a time, pooled instead of locked.

Several engines keep per-call state (RapidOCR, MediaPipe's landmarker), so one instance may
serve only one call at a time. One instance behind a lock makes concurrent workers wait for
each other even though these engines release the GIL; a pool lends each concurrent call its
own instance, and holds as many as ever ran at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Instances(Generic[T]):
    """Objects that serve one call at a time, made on demand and reused."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._free: list[T] = []
        self._lock = threading.Lock()

    @contextmanager
    def borrow(self) -> Iterator[T]:
        with self._lock:
            instance = self._free.pop() if self._free else None
        if instance is None:
            instance = self._make()
        try:
            yield instance
        finally:
            with self._lock:
                self._free.append(instance)

    def fill(self, count: int) -> None:
        """Make instances until `count` are free (a warm-up: the first calls that run side by
        side then wait for none to load)."""
        while True:
            with self._lock:
                if len(self._free) >= count:
                    return
            instance = self._make()
            with self._lock:
                self._free.append(instance)
