"""How every Tesseract run of the document reader is started (MRZ second read, page
orientation, printed zone): Debian's binary, one OpenMP thread."""

from __future__ import annotations

import os

TESSERACT = "tesseract"
TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
"""Tesseract's OpenMP threads fight each other on 2 shared cores: one ID-1 page took 0.55-1.05 s
with the default and 0.17 s with one thread (same text read)."""
