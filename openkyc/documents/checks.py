"""Document validation: checks a person can act on ("MRZ document-number check digit fails:
read 7, computed 3"), each pass, fail, warn or skip."""

from __future__ import annotations

import datetime as dt
import re

from openkyc.documents.schemas import Check, DocumentRead
from openkyc.vision.document.mrz.icao import uncovered_fields

_NUMBER = re.compile(r"^[A-Z0-9]{5,20}$")


def _mrz_checks(document: DocumentRead) -> list[Check]:
    mrz = document.mrz
    if mrz is None:
        return [
            Check(
                name="mrz_present",
                status="warn",
                message="no machine-readable zone was found; printed fields only",
            )
        ]
    checks = [
        Check(
            name=f"mrz_{c.name}",
            status="pass" if c.valid else "fail",
            message=f"MRZ {c.name.replace('_', ' ')} check digit "
            f"{'passes' if c.valid else 'fails'}: read {c.read}, "
            f"computed {c.computed}",
        )
        for c in mrz.checks
    ]
    checks.append(
        Check(
            name="mrz_read_reliably", status="pass" if mrz.accepted else "warn", message=mrz.reason
        )
    )
    names = _mrz_names_field(mrz.format, mrz.lines)
    if names is not None:
        ok = not names.startswith("<")
        checks.append(
            Check(
                name="mrz_names_format",
                status="pass" if ok else "fail",
                message="MRZ name field opens with the primary identifier (surname)"
                if ok
                else "MRZ name field opens with a filler: no primary identifier (surname), "
                "which ICAO 9303 requires; the surname is reported as the printed zone reads it",
            )
        )
    return checks


def _mrz_names_field(format_: str, lines: list[str]) -> str | None:
    """The MRZ's name field (`icao.uncovered_fields`); None for the 1988 French card, whose
    surname and given names have fields of their own, or lines too few for the format."""
    spans = uncovered_fields(format_, len(lines[0])) if lines else {}
    if "names" not in spans:
        return None
    line, start, end = spans["names"]
    return lines[line][start:end] if line < len(lines) else None


def _date(document: DocumentRead, name: str) -> dt.date | None:
    field = document.fields.get(name)
    try:
        return dt.date.fromisoformat(field.value) if field else None
    except ValueError:
        return None


def _date_checks(document: DocumentRead, today: dt.date, minimum_age: int) -> list[Check]:
    birth, expiry = _date(document, "birth_date"), _date(document, "expiry_date")
    issue = _date(document, "issue_date")
    checks = []
    if expiry is None:
        checks.append(Check(name="not_expired", status="skip", message="no expiry date read"))
    else:
        expired = expiry < today
        checks.append(
            Check(
                name="not_expired",
                status="fail" if expired else "pass",
                message=f"document {'expired' if expired else 'valid until'} "
                f"on {expiry.isoformat()}",
            )
        )
    dates = [d for d in (birth, issue, expiry) if d is not None]
    coherent = dates == sorted(dates) and (birth is None or birth <= today)
    checks.append(
        Check(
            name="dates_coherent",
            status="pass" if coherent else "fail",
            message="birth < issue < expiry"
            if coherent
            else "dates are out of order (birth, issue, expiry) or in the future",
        )
    )
    if birth is not None:
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        adult = age >= minimum_age
        checks.append(
            Check(
                name="minimum_age",
                status="pass" if adult else "fail",
                message=f"holder is {age}; the minimum is {minimum_age}",
            )
        )
    return checks


def _format_checks(document: DocumentRead) -> list[Check]:
    checks = []
    number = document.fields.get("document_number")
    if number is not None:
        ok = bool(_NUMBER.match(number.value.replace(" ", "").replace("-", "")))
        checks.append(
            Check(
                name="document_number_format",
                status="pass" if ok else "fail",
                message=f"document number has {len(number.value)} characters"
                + ("" if ok else "; expected 5-20 letters and digits"),
            )
        )
    for name in ("surname", "given_names"):
        field = document.fields.get(name)
        if field is not None and not field.value.strip():
            checks.append(Check(name=f"{name}_present", status="fail", message=f"{name} is empty"))
    if document.mrz is not None:
        countries = document.mrz.valid or all(c.valid for c in document.mrz.checks)
        checks.append(
            Check(
                name="country_codes",
                status="pass" if document.mrz.valid or not countries else "fail",
                message="issuing country and nationality are ISO 3166 or ICAO codes"
                if document.mrz.valid or not countries
                else "issuing country or nationality is not an ISO 3166 / ICAO code",
            )
        )
    return checks


def _quality_checks(document: DocumentRead) -> list[Check]:
    """The capture's quality as measured on the found page (refusal messages say what to do)."""
    quality = document.quality
    refusals = {r.code: r.message for r in quality.refusals}
    found = quality.document_found
    checks = [
        Check(
            name="document_outline",
            status="pass" if found else "warn",
            message="the document's outline was found and straightened"
            if found
            else "no document outline was found; the whole photo was read",
        ),
        Check(
            name="bad_cropping",
            status="fail" if "document_cropped" in refusals else "pass",
            message=refusals.get("document_cropped", "the whole document is in the photo"),
        ),
    ]
    for code, name in (
        ("too_blurry", "image_sharpness"),
        ("glare", "image_glare"),
        ("low_resolution", "image_resolution"),
    ):
        checks.append(
            Check(
                name=name,
                status="warn" if code in refusals else "pass",
                message=refusals.get(code, f"{name.removeprefix('image_')} is fine"),
            )
        )
    checks.append(
        Check(
            name="portrait_present",
            status="pass" if document.face_found else "fail",
            message="a portrait was found on the document"
            if document.face_found
            else "no portrait was found on the document (bad cropping or not an identity document)",
        )
    )
    return checks


def _layout_checks(document: DocumentRead) -> list[Check]:
    """The layout pack's own rules (CNIC format and sex digit, NPI length, ...), minus the date
    checks this module already makes."""
    own = {"not_expired", "dates_coherent"}
    return [c for c in document.layout_checks if c.name not in own]


def validate(document: DocumentRead, today: dt.date, minimum_age: int = 18) -> list[Check]:
    return (
        _mrz_checks(document)
        + _date_checks(document, today, minimum_age)
        + _format_checks(document)
        + _layout_checks(document)
        + _quality_checks(document)
    )


def confidence(checks: list[Check]) -> float:
    weights = {"pass": 1.0, "warn": 0.5, "fail": 0.0}
    counted = [weights[c.status] for c in checks if c.status in weights]
    return round(sum(counted) / len(counted), 3) if counted else 0.0
