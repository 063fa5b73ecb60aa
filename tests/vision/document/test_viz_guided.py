"""Printed names found through an accepted MRZ (ICAO 9303 part 3 transliteration)."""

from __future__ import annotations

import pytest

from openkyc.vision.document.viz.guided import (
    find_printed_name,
    names_from_mrz,
    transliterates_to,
)
from openkyc.vision.document.viz.types import FieldValue, TextLine, Word


def _line(*texts: str, y: int = 0, confidence: float = 0.9) -> TextLine:
    words = tuple(
        Word(text, (100 * i, y, 100 * i + 90, y + 20), confidence) for i, text in enumerate(texts)
    )
    return TextLine(
        " ".join(texts), (0, y, 100 * len(texts), y + 20), confidence, words, "tesseract"
    )


@pytest.mark.parametrize(
    ("printed", "mrz"),
    [
        ("SZABÓ", "SZABO"),
        ("MÜLLER", "MUELLER"),
        ("MÜLLER", "MULLER"),
        ("GRØNNING", "GROENNING"),
        ("STRAẞE", "STRASSE"),
        ("JEAN-PIERRE", "JEAN PIERRE"),
        ("D'ARC", "DARC"),
        ("MAËLIS-GAËLLE", "MAELIS GAELLE"),
        ("FRANÇOIS", "FRANCOIS"),
    ],
)
def test_printed_names_transliterate_as_icao_writes_them(printed: str, mrz: str) -> None:
    assert transliterates_to(printed, mrz)


@pytest.mark.parametrize(
    ("printed", "mrz"),
    [
        ("MÜLLER", "MILLER"),  # a wrong letter is not a transliteration
        ("SZAB6", "SZABO"),  # an OCR digit for a letter
        ("MARTIN", "MARTINE"),  # a name cut short
        ("", ""),
        ("JEAN PIERRE", "JEANPIERRE"),
    ],
)
def test_other_spellings_do_not_transliterate(printed: str, mrz: str) -> None:
    assert not transliterates_to(printed, mrz)


def test_the_printed_run_spelling_the_mrz_name_is_found_with_its_accents() -> None:
    lines = [
        _line("Vezetéknév/Surname:", "SZABÓ", y=0),
        _line("Utónév/Given", "names", y=40),
        _line("ÁGNES", "ZSÓFIA", y=80),
        _line("SZABÓ", "ÁGNES", y=120, confidence=0.5),  # a second, less sure occurrence
    ]
    surname = find_printed_name(lines, "SZABO")
    assert surname is not None
    assert surname.value == "SZABO"
    assert surname.value_accented == "SZABÓ"
    assert surname.confidence == 0.9
    given = find_printed_name(lines, "AGNES ZSOFIA")
    assert given is not None
    assert given.value_accented == "ÁGNES ZSÓFIA"
    assert find_printed_name(lines, "KOVACS") is None
    # the MRZ as the page OCR read it is not a printed name
    mrz_as_read = _line("P<HUNKOVACS", "KOVACS<<ANNA<<<<<<<<<<<<")
    assert find_printed_name([mrz_as_read], "KOVACS ANNA") is None
    assert find_printed_name(lines, "  ") is None


def test_names_from_mrz_replaces_only_names_that_do_not_spell_the_mrz() -> None:
    lines = [_line("NOM:", "MARTIN", y=0), _line("PRÉNOMS:", "MAËLIS-GAËLLE,", "MARIE", y=40)]
    fields = {
        "surname": FieldValue("RTIN", "RTIN", 0.92),
        "given_names": FieldValue("MAELIS GAELLE MARIE", "MAËLIS-GAËLLE MARIE", 0.8),
        "birth_date": FieldValue("1990-07-13", "1990-07-13", 0.9),
    }
    out = names_from_mrz(fields, lines, {"surname": "MARTIN", "given_names": "MAELIS GAELLE MARIE"})
    assert out["surname"].value_accented == "MARTIN"
    assert out["given_names"] is fields["given_names"]
    assert out["birth_date"] is fields["birth_date"]
    # a name printed nowhere leaves the field as it was read
    assert names_from_mrz(fields, lines, {"surname": "DUPONT"})["surname"] is fields["surname"]
