"""Label/zone assignment and normalisation on hand-made OCR lines (no OCR engine runs)."""

from __future__ import annotations

import pytest

from openkyc.vision.document.layouts import generic_layout, get_layout
from openkyc.vision.document.layouts.normalize import (
    clean_accented,
    normalise_country,
    normalise_date,
    normalise_sex,
)
from openkyc.vision.document.viz.read import extract_fields
from openkyc.vision.document.viz.types import TextLine, Word


def _line(text: str, x: int, y: int, h: int = 20) -> TextLine:
    words, cursor = [], x
    for token in text.split():
        width = 12 * len(token)
        words.append(Word(token, (cursor, y, cursor + width, y + h), 0.9))
        cursor += width + 10
    return TextLine(text, (x, y, cursor - 10, y + h), 0.9, tuple(words), "tesseract")


def _values(lines: list[TextLine], layout: str = "generic") -> dict[str, str]:
    pack = generic_layout() if layout == "generic" else get_layout(layout)
    fields = extract_fields(lines, pack, (856, 540), use_zones=layout != "generic")
    return {k: v.value_accented for k, v in fields.items()}


def test_label_above_value() -> None:
    lines = [
        _line("NOM / Surname", 300, 100, 14),
        _line("MARTIN", 300, 120),
        _line("Prénoms / Given names", 300, 160, 14),
        _line("Maëlis-Gaëlle, Marie", 300, 180),
    ]
    assert _values(lines) == {"surname": "MARTIN", "given_names": "MAËLIS-GAËLLE MARIE"}


def test_value_under_the_first_language_of_a_bilingual_label() -> None:
    # `उपनाम / Surname` as Tesseract's French model reads it: the name is printed under the
    # Hindi label, left of where `Surname` starts
    lines = [
        _line("rar / Surname", 300, 100, 14),
        _line("DOE", 300, 120),
        _line("Fran era res / Given Namef)", 300, 160, 14),  # a label read too wrong to match
        _line("JOCELYN MICHELLE", 300, 180),
    ]
    assert _values(lines)["surname"] == "DOE"


def _rtl_line(words: str, right: int, y: int, h: int = 20) -> TextLine:
    """A right-to-left line as Tesseract gives it: words in logical spelling, listed left to
    right on the page (so in reverse reading order), the line ending at `right`."""
    tokens = words.split()[::-1]
    width = sum(12 * len(t) for t in tokens) + 10 * (len(tokens) - 1)
    return _line(" ".join(tokens), right - width, y, h)


def test_urdu_labels_and_values_read_right_to_left() -> None:
    # a Pakistani CNIC's back: present address on two lines, permanent address on one
    lines = [
        _rtl_line("موجودہ پتہ", 806, 60, 16),
        _rtl_line("مکان نمبر 12 گلی نمبر 5", 806, 85),
        _rtl_line("ماڈل ٹاؤن لاہور", 806, 110),
        _rtl_line("مستقل پتہ", 806, 250, 16),
        _rtl_line("گاؤں چک 45 ضلع فیصل آباد", 806, 275),
    ]
    fields = extract_fields(lines, generic_layout(), (856, 540), use_zones=False)
    address = fields["address"]
    assert address.value_accented == "مکان نمبر 12 گلی نمبر 5 ماڈل ٹاؤن لاہور"
    assert fields["permanent_address"].value_accented == "گاؤں چک 45 ضلع فیصل آباد"
    assert address.box is not None
    assert address.box[2] == 806  # given back in page coordinates, not the mirror's
    # a label Tesseract half misread (`پتہ` as `بتہ`) is still known by its first word
    misread = [_rtl_line("مستقل بتہ", 806, 250, 16), _rtl_line("چک 45", 806, 275)]
    assert (
        extract_fields(misread, generic_layout(), (856, 540), False)[
            "permanent_address"
        ].value_accented
        == "چک 45"
    )


def test_label_column_and_value_column() -> None:
    lines = [_line("NOM", 240, 50, 12), _line("PRÉNOMS", 240, 85, 12),
             _line("Sexe", 240, 120, 12), _line("KOUASSI", 420, 48, 16),
             _line("Aïcha Adjoua", 420, 83, 16), _line("F", 420, 118, 16)]  # fmt: skip
    assert _values(lines) == {"surname": "KOUASSI", "given_names": "AÏCHA ADJOUA", "sex": "F"}


def test_inline_label_with_colon_glued_by_the_engine() -> None:
    lines = [_line("Nom:BERTHIER", 300, 100), _line("Né(e) le : 06.12.1965", 300, 140)]
    assert _values(lines) == {"surname": "BERTHIER", "birth_date": "1965-12-06"}


def test_nom_d_usage_is_not_the_surname() -> None:
    lines = [_line("NOM D'USAGE", 300, 300, 14), _line("DUPONT", 300, 320)]
    assert "surname" not in _values(lines)


def test_zone_fallback_when_the_label_is_unreadable() -> None:
    lines = [_line("N#M 5urn@", 291, 130, 14), _line("KOUASSI", 294, 160)]
    assert _values(lines, "civ_cni")["surname"] == "KOUASSI"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("12/03/1991", "1991-03-12"),
        ("13 07 1990", "1990-07-13"),
        ("14.08.1990", "1990-08-14"),
        ("01 MÁR/MAR 12", "2012-03-01"),
        ("11022030", "2030-02-11"),
        ("31/13/1990", None),
        ("PARIS", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert normalise_date(text) == iso


def test_countries_sex_and_names() -> None:
    assert normalise_country("Française") == "FRA"
    assert normalise_country("UTOPIAN") == "UTO"
    assert normalise_country("INDIAN") == "IND"  # not the British Indian Ocean Territory
    assert normalise_country("Pakistan") == "PAK"
    assert normalise_sex("Féminin") == "F"
    assert normalise_sex("M") == "M"
    assert clean_accented("Aïcha,  Hélène") == "AÏCHA HÉLÈNE"


def test_address_block_under_its_label() -> None:
    lines = [
        _line("ADRESSE / Address", 40, 100, 14),
        _line("44 rue DÉSIRÉ SAINT CLÉMENT", 40, 120),
        _line("RÉSIDENCE DU PLEIN AIR BÂT 4", 40, 150),
        _line("33000 BORDEAUX", 40, 180),
        _line("DATE DE DÉLIVRANCE / Date of issue", 40, 260, 14),
        _line("12 02 2020", 40, 280),
    ]
    values = _values(lines)
    assert (
        values["address"]
        == "44 RUE DÉSIRÉ SAINT CLÉMENT RÉSIDENCE DU PLEIN AIR BÂT 4 33000 BORDEAUX"
    )
    assert values["issue_date"] == "2020-02-12"
