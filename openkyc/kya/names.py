"""Name comparison that ignores case, accents, word order and script (transliteration)."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii
from rapidfuzz import fuzz

_NOT_LETTERS = re.compile(r"[^A-Z ]+")
# Tuned on the seeds' examples (ANIP, KiVendTout): exact after normalising is a pass,
# small spelling differences (one letter in a long name) a warning, anything else a mismatch.
NAME_PASS = 100.0
NAME_WARN = 85.0


def normalize(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    latin = anyascii(stripped).upper().replace("-", " ").replace("'", " ")
    return " ".join(sorted(_NOT_LETTERS.sub(" ", latin).split()))


_VOWELS = re.compile(r"[AEIOUY]+")
_DOUBLES = re.compile(r"(.)\1+")


def is_latin(name: str) -> bool:
    decomposed = unicodedata.normalize("NFKD", name)
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in decomposed)


def skeleton(normalized: str) -> str:
    """Consonants only: Arabic and Urdu scripts usually write no short vowels, so 'محمد علی'
    transliterates to MHMD LY while a document prints MUHAMMAD ALI."""
    words = (_DOUBLES.sub(r"\1", _VOWELS.sub("", word)) for word in normalized.split())
    return " ".join(sorted(w for w in words if w))


def similarity(declared: str, document: str) -> float:
    """0-100: word-order-insensitive similarity of the normalised names. Across scripts the
    consonant skeletons are compared, and the result is capped below a pass: a
    transliteration can suggest a match, not prove one."""
    a, b = normalize(declared), normalize(document)
    if not a or not b:
        return 0.0
    if is_latin(declared) and is_latin(document):
        return float(fuzz.token_sort_ratio(a, b))
    return min(float(fuzz.token_sort_ratio(skeleton(a), skeleton(b))), NAME_PASS - 1)
