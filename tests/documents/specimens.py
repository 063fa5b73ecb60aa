"""Test documents: the product's own SPECIMEN renderer (openkyc.demo.specimen)."""

from __future__ import annotations

from openkyc.demo.specimen import Holder, td3_lines
from openkyc.demo.specimen import passport as _passport

__all__ = ["passport", "td3_lines"]


def passport(lines: list[str] | None = None) -> bytes:
    return _passport(Holder(), lines)
