"""Which read of a zone to report, and whether to vouch for it (ADR 0203).

Check digits cover the number and the dates; nothing covers the names, sex and country codes.
A zone is accepted when every check digit passes as read (a country-code repair only if the
code then exists) and those uncovered fields are either read surely by the OCR-B model alone
(every character at SURE_CHARACTER or more, nothing repaired) or read the same by a second,
independent engine. Everything else is reported, not accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from openkyc.vision.document.mrz.icao import TO_LETTER, MrzResult, uncovered_spans

UNCOVERED = ("surname", "given_names", "sex", "nationality", "issuing_country")
"""Fields no check digit covers: a second engine must read them the same."""
SURE_CHARACTER = 0.98
"""OCR-B confidence every uncovered character needs for a zone to be accepted on that read
alone (check digits passing as read, nothing repaired). On 3 000 held-out synthetic lines,
1 of the 2 325 lines read entirely at or above it had a letter wrong (E for F); on the real
development images, every uncovered misread had a character below 0.81 (ADR 0203)."""


def rank(result: MrzResult) -> tuple[int, int, int]:
    """Better reads sort higher: check digits valid with safe repairs, then more passing
    check digits, then fewer repairs."""
    return (
        int(result.check_digits_valid and safe_repairs(result)),
        sum(c.valid for c in result.checks),
        -len(result.repaired),
    )


def safe_repairs(result: MrzResult) -> bool:
    """Letter/digit repairs of a country code are safe when the code is then a real one; of a
    name, because acceptance needs a second engine to read the repaired name. (A code read as
    printed but unknown, such as the specimens' UTO, is not a reading problem: validation
    reports it.)"""
    countries = {"issuing_country", "nationality"}
    repaired = set(result.repaired) - {"names"}  # a second engine must confirm names anyway
    return repaired <= countries and (not repaired or result.countries_valid)


def sure_alone(result: MrzResult, characters: tuple[tuple[float, ...], ...]) -> bool:
    """Whether one engine's read may be accepted without a second: check digits pass as
    read, nothing was repaired, and every character no check digit covers was read with at
    least SURE_CHARACTER confidence (`characters`: per line, each character's confidence)."""
    if not result.check_digits_valid or result.repaired or len(characters) != len(result.lines):
        return False
    spans = uncovered_spans(result.format, len(result.lines[0]))
    return all(
        min(characters[line][start:end], default=0.0) >= SURE_CHARACTER
        for line, start, end in spans
    )


def _uncovered(result: MrzResult) -> dict[str, str]:
    """The fields no check digit covers, letters only where only letters may stand (engines
    confuse O/0 and I/1; in a name or a country code only the letter is possible)."""
    return {
        name: str(getattr(result, name)).translate(TO_LETTER) if name != "sex" else result.sex
        for name in UNCOVERED
    }


def _confirmed_by(result: MrzResult, others: dict[str, MrzResult]) -> dict[str, list[str]]:
    """For each uncovered field, the other engines that read it the same."""
    mine = _uncovered(result)
    theirs = {name: _uncovered(other) for name, other in others.items()}
    return {
        field_name: [name for name, fields in theirs.items() if fields[field_name] == value]
        for field_name, value in mine.items()
    }


@dataclass(frozen=True)
class Decision:
    """What to report of a zone read by several engines."""

    result: MrzResult
    accepted: bool
    reason: str
    engine: str  # whose read is reported
    unconfirmed: tuple[str, ...] = ()  # uncovered fields no other engine read the same


def decide(reads: dict[str, MrzResult | None]) -> Decision:
    """The zone to report, whether it is accepted, why, and on which engine's read.

    `reads` holds each engine's parse of the same zone, in order of trust. A zone is accepted
    when its check digits pass as read and every field they do not cover is read the same by
    at least one other engine (not necessarily the same one for every field)."""
    found = {name: r for name, r in reads.items() if r is not None}
    for name, result in found.items():
        if not (result.check_digits_valid and safe_repairs(result)):
            continue
        others = {n: r for n, r in found.items() if n != name}
        same = [n for n, r in others.items() if r.lines == result.lines]
        if same:
            return Decision(result, True, f"{name} and {same[0]} read the same zone", name)
        confirmed = _confirmed_by(result, others)
        if all(confirmed.values()):
            engines = sorted({e for agreeing in confirmed.values() for e in agreeing})
            reason = (
                f"every check digit passes as read by {name}; {' and '.join(engines)} "
                "read the names, sex and country codes the same"
            )
            return Decision(result, True, reason, name)
        missing = tuple(f for f, agreeing in confirmed.items() if not agreeing)
        reason = (
            "check digits pass but no second engine confirmed the "
            f"{', '.join(f.replace('_', ' ') for f in missing)} (no check digit covers them)"
        )
        return Decision(result, False, reason, name, missing)
    best_name, best = max(found.items(), key=lambda item: rank(item[1]))
    if best.check_digits_valid:
        reason = (
            f"check digits pass only after repairing {', '.join(best.repaired)}; "
            "no second engine confirmed"
        )
        return Decision(best, False, reason, best_name)
    failing = [
        f"{c.name} check digit fails: read {c.read}, computed {c.computed}"
        for c in best.checks
        if not c.valid
    ]
    return Decision(best, False, "; ".join(failing) or "MRZ not valid", best_name)


def sure_decision(result: MrzResult) -> Decision:
    """The decision for a read `sure_alone` vouches for."""
    reason = (
        "every check digit passes as read by ocrb, and it read the names, sex and country "
        f"codes with confidence >= {SURE_CHARACTER}"
    )
    return Decision(result, True, reason, "ocrb")
