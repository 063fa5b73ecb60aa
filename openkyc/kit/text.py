"""Text normalisation shared by lookups and comparisons."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Upper case, accents removed, runs of spaces collapsed: "Maëlis  Gaëlle" → "MAELIS GAELLE"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.upper().split())
