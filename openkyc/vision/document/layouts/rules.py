"""Pack rules: pure functions from read field values to checks a person can act on.

Only rules that are published facts are implemented. The Pakistan CNIC has no checksum (the
seed's "Luhn checksum" is not a NADRA rule), so none is checked.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Mapping

from openkyc.vision.document.layouts.model import Check

Values = Mapping[str, str]

CNIC_PATTERN = re.compile(r"^\d{5}-?\d{7}-?\d$")
CNIC_PROVINCES = {
    "1": "Khyber Pakhtunkhwa", "2": "FATA (now KP)", "3": "Punjab", "4": "Sindh",
    "5": "Balochistan", "6": "Islamabad", "7": "Gilgit-Baltistan / AJK",
}  # fmt: skip
"""First CNIC digit: NADRA's province/region code (1-7)."""


def _date(values: Values, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(values.get(name, ""))
    except ValueError:
        return None


def cnic_format(values: Values) -> Check:
    number = values.get("document_number", "")
    if not number:
        return Check("cnic_format", "skip", "No CNIC number was read.")
    if not CNIC_PATTERN.match(number):
        return Check("cnic_format", "fail", f"CNIC number '{number}' is not 5-7-1 digits "
                     "(13 digits, e.g. 35202-1234567-9): retake the photo or type it.")  # fmt: skip
    return Check("cnic_format", "pass", "CNIC number has the 5-7-1 digit format.")


def cnic_province(values: Values) -> Check:
    digits = re.sub(r"\D", "", values.get("document_number", ""))
    if len(digits) != 13:
        return Check("cnic_province", "skip", "No 13-digit CNIC number to check.")
    region = CNIC_PROVINCES.get(digits[0])
    if region is None:
        return Check("cnic_province", "fail",
                     f"CNIC first digit {digits[0]} is not a province code (1-7).")  # fmt: skip
    return Check("cnic_province", "pass", f"CNIC first digit {digits[0]}: {region}.")


def cnic_gender_digit(values: Values) -> Check:
    digits = re.sub(r"\D", "", values.get("document_number", ""))
    sex = values.get("sex", "")
    if len(digits) != 13 or sex not in ("M", "F"):
        return Check("cnic_gender_digit", "skip", "CNIC number or gender not read.")
    implied = "M" if int(digits[-1]) % 2 else "F"
    if implied != sex:
        return Check("cnic_gender_digit", "fail", f"CNIC last digit {digits[-1]} means "
                     f"{implied} (odd = male, even = female) but the card says {sex}.")  # fmt: skip
    return Check("cnic_gender_digit", "pass", f"CNIC last digit {digits[-1]} agrees with {sex}.")


def _digits_rule(name: str, count: int, status: str) -> Callable[[Values], Check]:
    def rule(values: Values) -> Check:
        number = values.get("document_number", "")
        if not number:
            return Check(name, "skip", "No document number was read.")
        if re.fullmatch(rf"\d{{{count}}}", number):
            return Check(name, "pass", f"Document number has {count} digits.")
        return Check(name, status, f"Document number '{number}' should be {count} digits: "  # type: ignore[arg-type]
                     "check the photo or the card model.")  # fmt: skip

    return rule


def _alnum_rule(name: str, low: int, high: int) -> Callable[[Values], Check]:
    def rule(values: Values) -> Check:
        number = values.get("document_number", "")
        if not number:
            return Check(name, "skip", "No document number was read.")
        if re.fullmatch(rf"[A-Z0-9]{{{low},{high}}}", number):
            return Check(name, "pass", "Document number format is valid.")
        return Check(name, "fail", f"Document number '{number}' should be {low}-{high} "
                     "letters or digits.")  # fmt: skip

    return rule


def dates_coherent(values: Values) -> Check:
    birth, issue, expiry = (_date(values, n) for n in ("birth_date", "issue_date", "expiry_date"))
    known = [(n, d) for n, d in (("birth", birth), ("issue", issue), ("expiry", expiry)) if d]
    if len(known) < 2:
        return Check("dates_coherent", "skip", "Fewer than two dates were read.")
    for (name_a, a), (name_b, b) in itertools.pairwise(known):
        if a >= b:
            return Check("dates_coherent", "fail",
                         f"{name_a} date {a} is not before {name_b} date {b}.")  # fmt: skip
    return Check("dates_coherent", "pass", "Birth, issue and expiry dates are in order.")


def not_expired(values: Values, today: dt.date) -> Check:
    expiry = _date(values, "expiry_date")
    if expiry is None:
        return Check("not_expired", "skip", "No expiry date was read.")
    if expiry < today:
        return Check("not_expired", "fail", f"The document expired on {expiry}.")
    return Check("not_expired", "pass", f"Valid until {expiry}.")


PACK_RULES: dict[str, tuple[Callable[[Values], Check], ...]] = {
    "pak_cnic": (cnic_format, cnic_province, cnic_gender_digit),
    "ben_cni": (_digits_rule("npi_format", 10, "warn"),),
    "fra_cni_1988": (_digits_rule("fra_1988_number", 12, "fail"),),
    "fra_cni_2021": (_alnum_rule("fra_2021_number", 9, 9),),
    "passport": (_alnum_rule("passport_number", 1, 9),),
    "civ_cni": (_alnum_rule("civ_number", 6, 15),),
}
"""Rules per pack. Benin's NPI is 10 digits in public descriptions: a mismatch only warns."""
