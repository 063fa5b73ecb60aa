"""Compose MRZ lines from fields with correct ICAO 9303 check digits (for SPECIMEN documents)."""

from __future__ import annotations

from dataclasses import dataclass

from openkyc.vision.document.mrz.checkdigit import check_digit


@dataclass(frozen=True)
class SpecimenFields:
    """Fields of a specimen document, already in MRZ spelling (upper case, A-Z 0-9 only)."""

    surname: str = "SPECIMEN"
    given_names: str = "ANNA MARIA"
    document_number: str = "X12345678"
    issuing_country: str = "UTO"
    nationality: str = "UTO"
    birth_date: str = "850312"  # YYMMDD as printed in the MRZ
    sex: str = "F"
    expiry_date: str = "310101"
    optional_data: str = ""
    document_code: str = ""  # defaults: P for TD3, I for TD1/TD2


def _pad(text: str, width: int) -> str:
    cleaned = text.upper().replace(" ", "<").replace("-", "<").replace("'", "")
    if len(cleaned) > width:
        raise ValueError(f"{text!r} does not fit in {width} characters")
    return cleaned + "<" * (width - len(cleaned))


def _name(fields: SpecimenFields, width: int) -> str:
    raw = f"{fields.surname}<<{fields.given_names}".replace(" ", "<")
    return _pad(raw[:width], width)


def _with_check(data: str) -> str:
    return data + check_digit(data)


def td3_lines(fields: SpecimenFields) -> tuple[str, str]:
    """Two 44-character lines of a passport data page."""
    code = _pad(fields.document_code or "P", 2)
    line1 = code + fields.issuing_country.ljust(3, "<") + _name(fields, 39)
    number = _with_check(_pad(fields.document_number, 9))
    optional = _pad(fields.optional_data, 14)
    optional_check = "<" if set(optional) == {"<"} else check_digit(optional)
    birth = _with_check(fields.birth_date)
    expiry = _with_check(fields.expiry_date)
    head = number + fields.nationality.ljust(3, "<") + birth + fields.sex + expiry
    composite_src = number + birth + expiry + optional + optional_check
    line2 = head + optional + optional_check + check_digit(composite_src)
    return line1, line2


def td1_lines(fields: SpecimenFields) -> tuple[str, str, str]:
    """Three 30-character lines of an ID card."""
    code = _pad(fields.document_code or "I", 2)
    number = _with_check(_pad(fields.document_number, 9))
    line1 = code + fields.issuing_country.ljust(3, "<") + number + _pad(fields.optional_data, 15)
    birth = _with_check(fields.birth_date)
    expiry = _with_check(fields.expiry_date)
    head = birth + fields.sex + expiry + fields.nationality.ljust(3, "<") + "<" * 11
    composite = check_digit(line1[5:30] + head[0:7] + head[8:15] + head[18:29])
    return line1, head + composite, _name(fields, 30)


def td2_lines(fields: SpecimenFields) -> tuple[str, str]:
    """Two 36-character lines of a TD2 card."""
    code = _pad(fields.document_code or "I", 2)
    line1 = code + fields.issuing_country.ljust(3, "<") + _name(fields, 31)
    number = _with_check(_pad(fields.document_number, 9))
    birth = _with_check(fields.birth_date)
    expiry = _with_check(fields.expiry_date)
    optional = _pad(fields.optional_data, 7)
    head = number + fields.nationality.ljust(3, "<") + birth + fields.sex + expiry + optional
    composite = check_digit(number + birth + expiry + optional)
    return line1, head + composite
