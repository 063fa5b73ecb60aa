"""ICAO 9303 parsing: every format, fillers, check digits, and invalid zones staying invalid."""

from __future__ import annotations

import datetime as dt

import pytest

from openkyc.vision.document.mrz.checkdigit import check_digit
from openkyc.vision.document.mrz.icao import MrzFormatError, parse

TODAY = dt.date(2026, 11, 22)
TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
TD1 = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
MRVA = [
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
]
MRVB = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"]


def _checks(result: object) -> dict[str, bool]:
    return {c.name: c.valid for c in result.checks}  # type: ignore[attr-defined]


def test_td3_passport() -> None:
    r = parse(TD3, today=TODAY)
    assert (r.format, r.document_type, r.issuing_country) == ("TD3", "passport", "UTO")
    assert (r.surname, r.given_names, r.document_number) == ("ERIKSSON", "ANNA MARIA", "L898902C3")
    assert (r.birth_date, r.expiry_date, r.sex) == ("1974-08-12", "2012-04-15", "F")
    assert _checks(r) == dict.fromkeys(
        ["document_number", "birth_date", "expiry_date", "personal_number", "composite"], True
    )
    assert r.check_digits_valid
    assert not r.countries_valid  # UTO is ICAO's specimen state, not a country


def test_a_name_field_opening_with_the_separator_has_no_primary_identifier() -> None:
    # a test passport printed without its issuing state: the names start at `<<`
    r = parse(["P<DOE<<ANNA<MARIA" + "<" * 27, TD3[1]], today=TODAY)
    assert (r.issuing_country, r.surname, r.given_names) == ("DOE", "", "ANNA MARIA")
    assert not r.countries_valid
    r = parse(["P<UTO<ERIKSSON<<ANNA" + "<" * 24, TD3[1]], today=TODAY)  # one stray filler
    assert (r.surname, r.given_names) == ("ERIKSSON", "ANNA")


def test_td1_and_td2_cards() -> None:
    td1, td2 = parse(TD1, today=TODAY), parse(TD2, today=TODAY)
    for r, kind in ((td1, "TD1"), (td2, "TD2")):
        assert (r.format, r.document_type, r.document_number) == (kind, "id_card", "D23145890")
        assert r.check_digits_valid


def test_visas_have_no_composite_check() -> None:
    for lines, kind in ((MRVA, "MRVA"), (MRVB, "MRVB")):
        r = parse(lines, today=TODAY)
        assert (r.format, r.document_type) == (kind, "visa")
        assert "composite" not in _checks(r)
        assert r.nationality == "XXX"
        assert r.check_digits_valid


def test_td1_long_document_number() -> None:
    number, tail = "123456789AB", "AB"
    digit = check_digit(number)
    line1 = f"I<NLD{number[:9]}<{tail}{digit}".ljust(30, "<")
    line2_body = "7408122F1204159NLD<<<<<<<<<<<"
    composite = check_digit(line1[5:30] + line2_body[0:7] + line2_body[8:15] + line2_body[18:29])
    r = parse(
        [line1, line2_body[:29] + composite, "DE<BRUIJN<<WILLEKE".ljust(30, "<")], today=TODAY
    )
    assert r.document_number == number
    assert r.check_digits_valid
    assert r.countries_valid


def test_old_french_identity_card() -> None:
    line1 = "IDFRADUPONT<<<<<<<<<<<<<<<<<<<940001"
    body = "8806923102858"[:12]
    digit = check_digit(body)
    given = "CORINNE<<<<<<<"
    birth = "650408"
    start = body + digit + given + birth + check_digit(birth) + "F"
    line2 = start + check_digit(line1 + start)
    r = parse([line1, line2], today=TODAY)
    assert (r.format, r.issuing_country, r.surname, r.given_names) == (
        "FRA_ID",
        "FRA",
        "DUPONT",
        "CORINNE",
    )
    assert (r.birth_date, r.sex, r.expiry_date) == ("1965-04-08", "F", None)
    assert r.check_digits_valid


@pytest.mark.parametrize("position", [9, 19, 27, 42, 43])
def test_wrong_check_digit_stays_invalid(position: int) -> None:
    line2 = TD3[1]
    wrong = str((int(line2[position]) + 1) % 10)
    r = parse([TD3[0], line2[:position] + wrong + line2[position + 1 :]], today=TODAY)
    assert not r.check_digits_valid
    failed = [c for c in r.checks if not c.valid]
    assert failed
    assert failed[0].read != failed[0].computed


def test_letter_digit_confusion_is_repaired_only_by_field_type() -> None:
    ocr = TD3[1].replace("7408122", "74O8122")  # a letter O read inside the birth date
    r = parse([TD3[0], ocr], today=TODAY)
    assert r.birth_date == "1974-08-12"
    assert "birth_date" in r.repaired
    assert r.check_digits_valid


def test_empty_optional_field_with_filler_check_digit() -> None:
    line2 = "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<0"
    composite = check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    r = parse([TD3[0], line2[:43] + composite], today=TODAY)
    assert _checks(r)["personal_number"]


def test_centuries() -> None:
    r = parse(TD3, today=TODAY)
    assert r.birth_date is not None
    assert r.birth_date.startswith("1974")
    young = TD3[1].replace("740812", "200101")
    young = young[:19] + check_digit("200101") + young[20:]
    assert parse([TD3[0], young], today=TODAY).birth_date == "2020-01-01"


@pytest.mark.parametrize("lines", [["P<UTO"], TD3[:1], [TD3[0], TD3[1] + "<"], ["P<UTO$$"]])
def test_malformed_zones(lines: list[str]) -> None:
    with pytest.raises(MrzFormatError):
        parse(lines, today=TODAY)


def test_any_mrz_shaped_text_parses_or_says_why() -> None:
    """OCR output is arbitrary: parsing never fails with anything but MrzFormatError."""
    import random

    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<<<"
    rng = random.Random(9303)
    for count, width in [(3, 30), (2, 36), (2, 44)] * 300:
        lines = ["".join(rng.choice(alphabet) for _ in range(width)) for _ in range(count)]
        if rng.random() < 0.3:
            lines[0] = (rng.choice(["I<", "P<", "V<", "IDFRA"]) + lines[0])[:width]
        try:
            parse(lines, today=TODAY)
        except MrzFormatError:
            pass
