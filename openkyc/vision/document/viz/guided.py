"""Printed names found through an accepted MRZ.

The machine-readable zone says what the name is but cannot spell it: ICAO 9303 part 3 writes
`SZABÓ` as `SZABO` and `MÜLLER` as `MUELLER`. The printed zone spells it, but where the name
sits on the page and which words belong to it is what the label-driven reader gets wrong on
unfamiliar layouts. So the printed lines are searched for a run of words that transliterates
to the MRZ's name exactly; that run is the printed name, accents and all. Nothing is guessed:
a name the OCR misread anywhere does not transliterate and is not found.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from openkyc.vision.document.layouts.normalize import clean_accented, strip_accents
from openkyc.vision.document.viz.extract import split_lines
from openkyc.vision.document.viz.types import EngineName, FieldValue, TextLine, Word

TRANSLITERATIONS: dict[str, tuple[str, ...]] = {
    "Ä": ("AE", "A"), "Å": ("AA", "A"), "Æ": ("AE",), "Ö": ("OE", "O"), "Ø": ("OE", "O"),
    "Ü": ("UE", "U"), "ß": ("SS",), "ẞ": ("SS",), "Þ": ("TH",), "Œ": ("OE",), "Ĳ": ("IJ",),
    "Ð": ("D",), "Ł": ("L",), "Đ": ("D",), "Ħ": ("H",), "İ": ("I",),
}  # fmt: skip
"""ICAO 9303 part 3 section 6 where a letter is not simply its base letter; for Ä, Ö, Ü and
Å, Ø the recommended digraph and the single letter states also use."""
MAX_NAME_WORDS = 8


def _spellings(char: str) -> tuple[str, ...]:
    """How one printed character may appear in the MRZ ('' for a separator, () for none)."""
    if char in " -":
        return (" ",)
    if char in "'\u2019":
        return ("", " ")
    if char in TRANSLITERATIONS:
        return TRANSLITERATIONS[char]
    base = strip_accents(char)
    return (base,) if len(base) == 1 and base.isascii() and base.isalpha() else ()


def transliterates_to(printed: str, mrz: str) -> bool:
    """Whether the printed name (upper case, accents kept) is spelt `mrz` in an MRZ."""

    @functools.cache
    def match(i: int, j: int) -> bool:
        if i == len(printed):
            return j == len(mrz)
        return any(
            mrz.startswith(option, j) and match(i + 1, j + len(option))
            for option in _spellings(printed[i])
        )

    return bool(printed) and match(0, 0)


def _words(name: str) -> str:
    return " ".join(name.split())


def _runs(lines: Iterable[TextLine]) -> Iterable[tuple[tuple[Word, ...], str, EngineName]]:
    """Runs of up to MAX_NAME_WORDS words of a line; never words of the MRZ itself."""
    for line in lines:
        if "<" in line.text:
            continue
        words = line.words
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + MAX_NAME_WORDS) + 1):
                text = clean_accented(" ".join(w.text for w in words[start:end]))
                yield words[start:end], text, line.engine


def find_printed_name(lines: Iterable[TextLine], mrz_name: str) -> FieldValue | None:
    """The printed run of words that the MRZ's `mrz_name` transliterates, most confident first."""
    target = _words(mrz_name)
    if not target:
        return None
    best: FieldValue | None = None
    for words, text, engine in _runs(split_lines(list(lines))):
        if not transliterates_to(text, target):
            continue
        confidence = round(sum(w.confidence for w in words) / len(words), 3)
        if best is None or confidence > best.confidence:
            box = (min(w.box[0] for w in words), min(w.box[1] for w in words),
                   max(w.box[2] for w in words), max(w.box[3] for w in words))  # fmt: skip
            best = FieldValue(target, text, confidence, "viz", text, engine, box)
    return best


def names_from_mrz(
    fields: dict[str, FieldValue], lines: Iterable[TextLine], mrz_names: dict[str, str]
) -> dict[str, FieldValue]:
    """`fields` with each name the MRZ gives taken from where it is printed, when it is.

    A printed value that already transliterates to the MRZ's name is kept; one that does not
    (a label read as the name, a name cut short) gives way to the printed run that does."""
    out = dict(fields)
    lines = list(lines)
    for name, mrz_value in mrz_names.items():
        current = fields.get(name)
        if current and transliterates_to(current.value_accented, _words(mrz_value)):
            continue
        found = find_printed_name(lines, mrz_value)
        if found is not None:
            out[name] = found
    return out
