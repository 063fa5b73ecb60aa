"""Normalise printed-field text: ISO 8601 dates, alpha-3 countries, upper-case Latin names."""

from __future__ import annotations

import functools
import re
import unicodedata

from openkyc.vision.document.mrz.countries import ICAO_SPECIAL as MRZ_SPECIAL

MONTHS = {
    "JAN": 1, "JANV": 1, "FEB": 2, "FEV": 2, "FEVR": 2, "MAR": 3, "MARS": 3, "APR": 4, "AVR": 4,
    "MAY": 5, "MAI": 5, "JUN": 6, "JUIN": 6, "JUL": 7, "JUIL": 7, "AUG": 8, "AOU": 8, "AOUT": 8,
    "SEP": 9, "SEPT": 9, "OCT": 10, "NOV": 11, "DEC": 12,
}  # fmt: skip
"""English and French month abbreviations as printed in passports (accents removed)."""

DEMONYMS = {
    "FRANCAISE": "FRA", "FRANCAIS": "FRA", "FRANCE": "FRA", "IVOIRIENNE": "CIV", "IVOIRIEN": "CIV",
    "BENINOISE": "BEN", "BENINOIS": "BEN", "PAKISTANI": "PAK", "PAKISTAN": "PAK",
    "UTOPIAN": "UTO", "UTOPIA": "UTO", "ESPANOLA": "ESP", "MAGYAR": "HUN", "HUNGARIAN": "HUN",
    "BRITISH CITIZEN": "GBR", "DEUTSCH": "D", "GERMAN": "D", "INDIAN": "IND",
}  # fmt: skip
"""Nationalities as printed; ICAO codes where they differ from ISO 3166 (D for Germany).
Before the fuzzy country search, which takes `INDIAN` for the British Indian Ocean Territory."""

ICAO_SPECIAL = MRZ_SPECIAL | {"UTO"}
"""ICAO 9303 codes that are not ISO 3166 alpha-3 (the MRZ helper's table), plus UTO, ICAO's
specimen state that the packs' SPECIMEN passports use."""


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_accented(text: str) -> str:
    """Upper case with accents kept; commas and stray punctuation become spaces."""
    text = unicodedata.normalize("NFC", text).upper()
    text = re.sub(r"[^\w\s'\-]", " ", text).replace("_", " ")
    return " ".join(text.split())


def clean_name(text: str) -> str:
    """Upper-case Latin without accents (what an MRZ-style comparison needs)."""
    return clean_accented(strip_accents(text))


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year <= 40 else 1900  # two-digit years: the nearest plausible century
    return year


def normalise_date(text: str) -> str | None:
    """'12/03/1991', '13 07 1990', '14.08.1990', '01 MÁR/MAR 12' -> ISO 8601, else None."""
    flat = strip_accents(text).upper()
    numeric = re.search(r"(\d{1,2})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{4}|\d{2})\b", flat)
    compact = re.search(r"\b(\d{2})(\d{2})((?:19|20)\d{2})\b", flat)  # OCR dropped the spaces
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[2]), _year(numeric[3])
    elif compact:
        day, month, year = int(compact[1]), int(compact[2]), int(compact[3])
    else:
        worded = re.search(r"(\d{1,2})\s+([A-Z]{3,4})[A-Z/ ]*?\s(\d{4}|\d{2})\b", flat)
        if not worded or worded[2] not in MONTHS:
            return None
        day, month, year = int(worded[1]), MONTHS[worded[2]], _year(worded[3])
    if not (1 <= day <= 31 and 1 <= month <= 12 and 1900 <= year <= 2100):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def normalise_sex(text: str) -> str | None:
    token = strip_accents(text).upper().strip(" .:")
    for word, sex in (("FEMALE", "F"), ("FEMININ", "F"), ("MALE", "M"), ("MASCULIN", "M")):
        if word in token:
            return sex
    first = token[:1]
    return {"F": "F", "M": "M", "X": "X", "H": "M"}.get(first)


@functools.cache
def _alpha3_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.countries)


def normalise_country(text: str) -> str | None:
    """Alpha-3 (ICAO specials allowed) from a code or a printed name / nationality."""
    flat = clean_name(text)
    for word, code in DEMONYMS.items():
        if word in flat:
            return code
    for token in flat.replace("/", " ").split():
        if token in _alpha3_codes() or token in ICAO_SPECIAL:
            return token
    import pycountry

    try:
        return str(pycountry.countries.search_fuzzy(flat)[0].alpha_3) if len(flat) > 3 else None
    except LookupError:
        return None


def normalise_number(text: str) -> str:
    """Document numbers: upper case, keep letters, digits and dashes (CNIC 5-7-1)."""
    return re.sub(r"[^A-Z0-9\-]", "", strip_accents(text).upper())
