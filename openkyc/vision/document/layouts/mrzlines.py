"""MRZ lines for SPECIMEN renders, built from a pack's printed values.

TD3 and TD1 come from the MRZ helper's composer (`specimen.compose`); the old French card
(2 x 36, not ICAO) is composed here because that composer does not cover it.
"""

from __future__ import annotations

from collections.abc import Mapping

from openkyc.vision.document.layouts.model import Layout
from openkyc.vision.document.layouts.normalize import clean_name, normalise_date
from openkyc.vision.document.mrz.checkdigit import check_digit
from openkyc.vision.document.specimen.compose import SpecimenFields, td1_lines, td3_lines


def _yymmdd(printed: str) -> str:
    iso = normalise_date(printed) or "1900-01-01"
    return iso[2:4] + iso[5:7] + iso[8:10]


def _mrz_name(printed: str) -> str:
    return clean_name(printed).replace("-", " ").replace("'", "")


def specimen_fields(layout: Layout, values: Mapping[str, str]) -> SpecimenFields:
    return SpecimenFields(
        surname=_mrz_name(values.get("surname", "")),
        given_names=_mrz_name(values.get("given_names", "")),
        document_number=values.get("document_number", "").replace("-", "")[:9],
        issuing_country=layout.country,
        nationality=layout.country,
        birth_date=_yymmdd(values.get("birth_date", "")),
        sex=values.get("sex", "<")[:1].upper(),
        expiry_date=_yymmdd(values.get("expiry_date", "")),
    )


def french_old_lines(surname: str, given: str, number: str, birth: str, sex: str) -> list[str]:
    """Old French CNI: line 1 IDFRA + surname(25) + office(6); line 2 number, names, birth."""
    line1 = ("IDFRA" + _mrz_name(surname).replace(" ", "<")).ljust(30, "<")[:30] + "750123"
    number = number[:12].ljust(12, "<")
    name = _mrz_name(given).replace(" ", "<<", 1).replace(" ", "<").ljust(14, "<")[:14]
    head = number + check_digit(number) + name + birth + check_digit(birth) + sex
    return [line1, head + check_digit(line1 + head)]


def mrz_lines(layout: Layout, values: Mapping[str, str]) -> list[str]:
    fields = specimen_fields(layout, values)
    if layout.mrz == "td3":
        return list(td3_lines(fields))
    if layout.mrz == "td1":
        return list(td1_lines(fields))
    number = values.get("document_number", "000000000000")
    return french_old_lines(
        values.get("surname", ""), values.get("given_names", ""), number,
        fields.birth_date, fields.sex,
    )  # fmt: skip
