"""ICAO 9303 machine-readable zones: TD1, TD2, TD3, MRV-A, MRV-B and the French national ID
card of 1988-2021 (2 x 36, not ICAO), parsed field by field with every check digit reported.

Correction is by field type only (a letter where a digit must be, or the reverse): the result
says which fields were changed, and a caller must not accept a repaired zone on one OCR
engine's word (``MrzResult.repaired``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from openkyc.vision.document.mrz.checkdigit import MRZ_ALPHABET, check_digit, is_valid
from openkyc.vision.document.mrz.countries import is_known_code

# OCR confusions between letters and digits, applied only where the field type is certain.
TO_DIGIT = str.maketrans(
    {
        "O": "0",
        "Q": "0",
        "D": "0",
        "U": "0",
        "I": "1",
        "L": "1",
        "Z": "2",
        "S": "5",
        "G": "6",
        "B": "8",
        "T": "7",
    }
)
TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B"})
#: Birth years above (this year - 100 + this) are the previous century: a 2-digit year of birth
#: never lies in the future.
EXPIRY_WINDOW_YEARS = 50  # an expiry more than 50 years ahead is read in the previous century


@dataclass(frozen=True)
class CheckDigit:
    name: str
    read: str
    computed: str
    valid: bool


@dataclass(frozen=True)
class MrzResult:
    format: str  # TD1 | TD2 | TD3 | MRVA | MRVB | FRA_ID
    lines: tuple[str, ...]
    document_code: str
    document_type: str  # passport | id_card | residence_permit | visa | other
    issuing_country: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str | None  # ISO 8601, None when the digits are not a date
    sex: str  # M | F | X
    expiry_date: str | None
    optional_data: tuple[str, ...]
    checks: tuple[CheckDigit, ...]
    countries_valid: bool
    repaired: tuple[str, ...] = field(default_factory=tuple)  # fields changed by type rules

    @property
    def check_digits_valid(self) -> bool:
        return all(check.valid for check in self.checks)

    @property
    def valid(self) -> bool:
        """Every check digit passes and the country codes exist."""
        return self.check_digits_valid and self.countries_valid


class MrzFormatError(ValueError):
    """The lines do not have the shape of any supported machine-readable zone."""


def detect_format(lines: list[str]) -> str:
    shape = (len(lines), *{len(line) for line in lines})
    first = lines[0] if lines else ""
    if shape == (3, 30):
        return "TD1"
    if shape == (2, 44):
        return "MRVA" if first.startswith("V") else "TD3"
    if shape == (2, 36):
        if first.startswith("IDFRA"):  # France issues no TD2 card: this is the 1988 card
            return "FRA_ID"
        return "MRVB" if first.startswith("V") else "TD2"
    raise MrzFormatError(f"no MRZ has {len(lines)} lines of {sorted({len(x) for x in lines})}")


def uncovered_fields(kind: str, width: int) -> dict[str, tuple[int, int, int]]:
    """Each field no check digit covers, as (line, start, end): the document code's first
    letter (the kind of document), the issuing state, the names, the nationality and the
    sex. (The 1988 French card's final check digit covers both lines, but a mod-10 sum
    cannot tell E from O, so its names count as uncovered too; its country is not read from
    the zone.)"""
    if kind == "TD1":
        return {
            "document_code": (0, 0, 1),
            "issuing_country": (0, 2, 5),
            "sex": (1, 7, 8),
            "nationality": (1, 15, 18),
            "names": (2, 0, 30),
        }
    if kind == "FRA_ID":
        return {"surname": (0, 5, 30), "given_names": (1, 13, 27), "sex": (1, 34, 35)}
    return {
        "document_code": (0, 0, 1),
        "issuing_country": (0, 2, 5),
        "names": (0, 5, width),
        "nationality": (1, 10, 13),
        "sex": (1, 20, 21),
    }


def uncovered_spans(kind: str, width: int) -> tuple[tuple[int, int, int], ...]:
    """(line, start, end) of the characters no check digit covers (`uncovered_fields`)."""
    return tuple(sorted(uncovered_fields(kind, width).values()))


def clean_lines(text_lines: list[str]) -> list[str]:
    cleaned = ["".join(line.split()).upper().replace("«", "<") for line in text_lines]
    for line in cleaned:
        bad = sorted(set(line) - set(MRZ_ALPHABET))
        if bad:
            raise MrzFormatError(f"characters {bad} cannot appear in an MRZ")
    return cleaned


def parse(text_lines: list[str], *, today: dt.date | None = None) -> MrzResult:
    """Parse MRZ lines (as printed, top to bottom) into fields and check digits."""
    lines = clean_lines(text_lines)
    kind = detect_format(lines)
    today = today or dt.date.today()
    if kind == "TD1":
        return _td1(lines, today)
    if kind == "FRA_ID":
        return _french_id(lines, today)
    return _two_line(lines, kind, today)


def parse_or_none(lines: list[str]) -> MrzResult | None:
    """`parse`, or None when the lines have no MRZ's shape."""
    try:
        return parse(lines)
    except MrzFormatError:
        return None


class _Fields:
    """Collects fields, applying type repairs and check digits as it goes."""

    def __init__(self) -> None:
        self.checks: list[CheckDigit] = []
        self.repaired: list[str] = []

    def digits(self, name: str, raw: str) -> str:
        fixed = raw.translate(TO_DIGIT)
        if fixed != raw:
            self.repaired.append(name)
        return fixed

    def letters(self, name: str, raw: str) -> str:
        fixed = raw.translate(TO_LETTER)
        if fixed != raw:
            self.repaired.append(name)
        return fixed

    def country(self, name: str, raw: str) -> str:
        """A country code, with O/0-type confusions repaired; a code that these repairs cannot
        make all letters is not a misread code and is kept as printed (a fictional specimen
        prints 132): validation reports it as unknown."""
        fixed = raw.translate(TO_LETTER)
        if not fixed.replace("<", "").isalpha():
            return raw
        return self.letters(name, raw)

    def check(self, name: str, data: str, digit: str) -> None:
        digit = self.digits(f"{name}_check_digit", digit) if digit != "<" else digit
        computed = check_digit(data)
        self.checks.append(CheckDigit(name, digit, computed, is_valid(data, digit)))


def _names(raw: str) -> tuple[str, str]:
    """Primary and secondary identifiers. A field that opens with `<<` has no primary
    identifier (not ICAO 9303, but printed: an IND test passport's `P<DOE<<JOCELYN<...`
    has no issuing state); its names are the secondary identifier, not the surname."""
    surname, _, given = raw.rstrip("<").partition("<<")
    return (" ".join(surname.replace("<", " ").split()), " ".join(given.replace("<", " ").split()))


def _date(raw: str, today: dt.date, *, birth: bool) -> str | None:
    if not raw.isdigit():
        return None
    year, month, day = int(raw[:2]), int(raw[2:4]), int(raw[4:6])
    century = today.year // 100 * 100
    full = century + year
    if birth and full > today.year:
        full -= 100
    if not birth and full > today.year + EXPIRY_WINDOW_YEARS:
        full -= 100
    try:
        return dt.date(full, month, day).isoformat()
    except ValueError:
        return None


def _sex(raw: str) -> str:
    return {"M": "M", "F": "F"}.get(raw, "X")


def _doc_type(code: str) -> str:
    if code.startswith("P"):
        return "passport"
    if code.startswith("V"):
        return "visa"
    if code.startswith(("IR", "AR", "RP")) or code in ("CR", "IT"):
        return "residence_permit"
    if code.startswith(("I", "A", "C")):
        return "id_card"
    return "other"


def _two_line(lines: list[str], kind: str, today: dt.date) -> MrzResult:
    l1, l2, f = lines[0], lines[1], _Fields()
    width = len(l1)
    code, issuer = f.letters("document_code", l1[0:2]), f.country("issuing_country", l1[2:5])
    surname, given = _names(f.letters("names", l1[5:width]))
    number, nationality = l2[0:9], f.country("nationality", l2[10:13])
    f.check("document_number", number, l2[9])
    birth, expiry = f.digits("birth_date", l2[13:19]), f.digits("expiry_date", l2[21:27])
    f.check("birth_date", birth, l2[19])
    f.check("expiry_date", expiry, l2[27])
    optional = (
        l2[28 : width - 2] if kind == "TD3" else l2[28 : width - 1 if kind == "TD2" else width]
    )
    if kind == "TD3":
        f.check("personal_number", optional, l2[42])
        f.check("composite", l2[0:10] + birth + l2[19] + expiry + l2[27] + l2[28:43], l2[43])
    elif kind == "TD2":
        f.check("composite", l2[0:10] + birth + l2[19] + expiry + l2[27] + l2[28:35], l2[35])
    return _result(
        kind,
        lines,
        code,
        issuer,
        surname,
        given,
        number.rstrip("<"),
        nationality,
        birth,
        l2[20],
        expiry,
        (optional.strip("<"),),
        f,
        today,
    )


def _td1(lines: list[str], today: dt.date) -> MrzResult:
    l1, l2, l3, f = lines[0], lines[1], lines[2], _Fields()
    code, issuer = f.letters("document_code", l1[0:2]), f.country("issuing_country", l1[2:5])
    number, digit, optional1 = l1[5:14], l1[14], l1[15:30]
    if digit == "<" and optional1[:1].isalnum():  # long number continued in the optional field
        tail = optional1.split("<", 1)[0]
        number, digit, optional1 = number + tail[:-1], tail[-1], optional1[len(tail) :]
    f.check("document_number", number, digit)
    birth, expiry = f.digits("birth_date", l2[0:6]), f.digits("expiry_date", l2[8:14])
    f.check("birth_date", birth, l2[6])
    f.check("expiry_date", expiry, l2[14])
    nationality = f.country("nationality", l2[15:18])
    f.check("composite", l1[5:30] + birth + l2[6] + expiry + l2[14] + l2[18:29], l2[29])
    surname, given = _names(f.letters("names", l3))
    return _result(
        "TD1",
        lines,
        code,
        issuer,
        surname,
        given,
        number.rstrip("<"),
        nationality,
        birth,
        l2[7],
        expiry,
        (optional1.strip("<"), l2[18:29].strip("<")),
        f,
        today,
    )


def _french_id(lines: list[str], today: dt.date) -> MrzResult:
    """France's card of 1988-2021: line 1 IDFRA + surname (25) + department and office (6);
    line 2 number (12) + check, given names (14), birth date + check, sex, final check over
    both lines. It carries neither nationality nor expiry (valid 10-15 years from issue)."""
    l1, l2, f = lines[0], lines[1], _Fields()
    number = l2[0:12]
    f.check("document_number", number, l2[12])
    birth = f.digits("birth_date", l2[27:33])
    f.check("birth_date", birth, l2[33])
    f.check("composite", l1 + l2[0:35], l2[35])
    surname = " ".join(f.letters("names", l1[5:30]).replace("<", " ").split())
    given_raw = f.letters("names", l2[13:27])
    given = " ".join(given_raw.replace("<<", ", ").replace("<", " ").split()).strip(", ")
    return _result(
        "FRA_ID",
        lines,
        "ID",
        "FRA",
        surname,
        given,
        number,
        "FRA",
        birth,
        l2[34],
        None,
        (l1[30:36].strip("<"),),
        f,
        today,
    )


def _result(
    kind: str,
    lines: list[str],
    code: str,
    issuer: str,
    surname: str,
    given: str,
    number: str,
    nationality: str,
    birth: str,
    sex: str,
    expiry: str | None,
    optional: tuple[str, ...],
    f: _Fields,
    today: dt.date,
) -> MrzResult:
    return MrzResult(
        format=kind,
        lines=tuple(lines),
        document_code=code.rstrip("<"),
        document_type=_doc_type(code),
        issuing_country=issuer.rstrip("<"),
        surname=surname,
        given_names=given,
        document_number=number,
        nationality=nationality.rstrip("<"),
        birth_date=_date(birth, today, birth=True),
        sex=_sex(sex),
        expiry_date=_date(expiry, today, birth=False) if expiry else None,
        optional_data=optional,
        checks=tuple(f.checks),
        countries_valid=is_known_code(issuer) and is_known_code(nationality),
        repaired=tuple(f.repaired),
    )
