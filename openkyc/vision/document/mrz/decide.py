"""Which read of a zone to report, and whether to vouch for it (ADR 0203).

Check digits cover the number and the dates; nothing covers the kind of
document (the first letter of its code), the names, sex and country codes.
A zone is accepted when every check digit passes as read (a country-code repair only if the
code then exists) and those uncovered fields are either read surely by the OCR-B model alone
(every character at SURE_CHARACTER or more, nothing repaired) or read the same by a second,
independent engine. Everything else is reported, not accepted.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, replace

from openkyc.vision.document.mrz.icao import (
    TO_LETTER,
    MrzResult,
    parse_or_none,
    uncovered_fields,
    uncovered_spans,
)

NAME_FIELDS = frozenset({"names", "surname", "given_names"})
DOCUMENT_CODES = "PIACV"
"""First letter of every ICAO document code (passports, ID cards, residence permits, visas)."""
SURE_CHARACTER = 0.98
"""OCR-B confidence every uncovered character needs for a zone to be accepted on that read
alone (check digits passing as read, nothing repaired). On 3 000 held-out synthetic lines,
1 of the 2 325 lines read entirely at or above it had a letter wrong (E for F); on the real
development images, every uncovered misread had a character below 0.81 (ADR 0203)."""


def known_code(result: MrzResult) -> bool:
    """The document code starts as an ICAO one does."""
    letter = result.document_code[:1]
    return bool(letter) and letter in DOCUMENT_CODES


def rank(result: MrzResult) -> tuple[int, int, int, int]:
    """Better reads sort higher: check digits valid with safe repairs, then an ICAO document
    code (text that only has a zone's shape passes a check digit or two by chance), then more
    passing check digits, then fewer repairs."""
    return (
        int(result.check_digits_valid and safe_repairs(result)),
        int(known_code(result)),
        sum(c.valid for c in result.checks),
        -len(result.repaired),
    )


def safe_repairs(result: MrzResult) -> bool:
    """Letter/digit repairs of a country code are safe when the code is then a real one; of a
    name, because acceptance needs a second engine to read the repaired name; of the document
    code, when it is then an ICAO one. (A code read as printed but unknown, such as the
    specimens' UTO, is not a reading problem: validation reports it.) A document code that is
    not an ICAO one is a misread, never vouched for: another engine's read of the zone may be."""
    if not known_code(result):
        return False
    countries = {"issuing_country", "nationality"}
    repaired = set(result.repaired) - {"names", "document_code"}
    return repaired <= countries and (not repaired or result.countries_valid)


def sure_alone(result: MrzResult, characters: tuple[tuple[float, ...], ...]) -> bool:
    """Whether one engine's read may be accepted without a second: check digits pass as
    read, nothing was repaired, and every character no check digit covers was read with at
    least SURE_CHARACTER confidence (`characters`: per line, each character's confidence)."""
    if not result.check_digits_valid or result.repaired or len(characters) != len(result.lines):
        return False
    if not safe_repairs(result):
        return False
    spans = uncovered_spans(result.format, len(result.lines[0]))
    return all(
        min(characters[line][start:end], default=0.0) >= SURE_CHARACTER
        for line, start, end in spans
    )


def misprinted(result: MrzResult, characters: tuple[tuple[float, ...], ...]) -> bool:
    """Whether a check digit fails although one engine read every character of the zone with
    at least SURE_CHARACTER confidence and repaired nothing: the digit is then wrong as
    printed (a specimen, an altered document), and another engine that read the zone right
    would find it failing too. Such a zone is reported as read, not accepted, without second
    reads: at worst a misread that sure refuses a document, never accepts one. On the
    benchmark, the four real images read so were the four whose printed check digits are
    wrong (ADR 0202 section 16)."""
    if result.check_digits_valid or result.repaired or len(characters) != len(result.lines):
        return False
    return all(min(line, default=0.0) >= SURE_CHARACTER for line in characters)


def contradicts(
    lines: tuple[str, ...], characters: tuple[tuple[float, ...], ...], others: tuple[str, ...]
) -> bool:
    """Whether `others` differs from `lines` at a character read with at least SURE_CHARACTER
    confidence (`characters`: per line, each character's), or has other line widths: two
    models sure of different letters at one place are a doubt, not a read."""
    if [len(line) for line in lines] != [len(line) for line in others]:
        return True
    for line, (ours, theirs) in enumerate(zip(lines, others, strict=True)):
        sure = characters[line] if line < len(characters) else ()
        for position, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            if a != b and position < len(sure) and sure[position] >= SURE_CHARACTER:
                return True
    return False


def _words(text: str) -> str:
    return " ".join(text.replace("<", " ").split())


def _own_values(result: MrzResult) -> dict[str, str]:
    """The reported fields no check digit covers, letters only where only letters may stand
    (engines confuse O/0 and I/1; in a name or a country code only the letter is possible)."""
    letters = {
        "document_code": result.document_code[:1],
        "issuing_country": result.issuing_country,
        "nationality": result.nationality,
        "names": f"{result.surname}|{result.given_names}",
        "surname": result.surname,
        "given_names": result.given_names,
    }
    return {
        name: result.sex if name == "sex" else _words(letters[name]).translate(TO_LETTER)
        for name in uncovered_fields(result.format, len(result.lines[0]))
    }


def _their_value(name: str, text: str) -> str:
    """Another engine's reading of one uncovered field, normalised as `_own_values` does.
    Names end where the filler starts: after the given names, a second `<<` is filler, so
    what an engine makes of the filler beyond it (Tesseract reads long runs as K) is not a
    name. The 1988 French card separates given names with `<<`, so its names are read whole."""
    if name == "sex":
        return text
    text = text.translate(TO_LETTER)
    if name == "names":
        surname, _, given = text.rstrip("<").partition("<<")
        return f"{_words(surname)}|{_words(given.split('<<')[0])}"
    if name == "given_names":
        return _words(text.replace("<<", ", ").replace("<", " ")).strip(", ")
    return _words(text)


def align(mine: str, theirs: str) -> list[int | None]:
    """For each character of `mine`, the index of the character of `theirs` read in its place
    (None where `theirs` has nothing there), by the edit distance's alignment: an engine that
    drops or adds one character shifts the rest of its line, which must not hide agreement on
    the fields beyond. Fillers miscounted in a run could be placed anywhere in it at the same
    cost; they are placed at the run's end, away from the field the run closes (a name's
    `<<`), by tracing the alignment back from the lines' start."""
    placed = _align_from_end(mine[::-1], theirs[::-1])
    return [None if j is None else len(theirs) - 1 - j for j in reversed(placed)]


def _edit_costs(mine: str, theirs: str) -> list[list[int]]:
    """Levenshtein costs: [i][j] turns the first i characters of `mine` into the first j of
    `theirs`."""
    rows, cols = len(mine), len(theirs)
    cost = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows + 1):
        cost[i][0] = i
    for j in range(cols + 1):
        cost[0][j] = j
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            cost[i][j] = min(
                cost[i - 1][j - 1] + (mine[i - 1] != theirs[j - 1]),
                cost[i - 1][j] + 1,
                cost[i][j - 1] + 1,
            )
    return cost


def _align_from_end(mine: str, theirs: str) -> list[int | None]:
    cost = _edit_costs(mine, theirs)
    placed: list[int | None] = [None] * len(mine)
    i, j = len(mine), len(theirs)
    while i > 0 and j > 0:
        if cost[i][j] == cost[i - 1][j - 1] + (mine[i - 1] != theirs[j - 1]):
            placed[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif cost[i][j] == cost[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
    return placed


def _aligned_span(placed: list[int | None], theirs: str, start: int, end: int) -> str | None:
    """What `theirs` reads where the reported line has [start, end) (`placed`: `align` of the
    two lines); None when a character of the span has nothing in its place."""
    span = placed[start:end]
    indices = [j for j in span if j is not None]
    if not span or len(indices) != len(span):
        return None
    return theirs[indices[0] : indices[-1] + 1]


def _to_names_end(line: str, start: int, end: int) -> int:
    """Where a names field of the reported `line` ends: after its last letter and the `<<`
    that closes it. What another engine makes of the filler beyond is not a name, and one
    filler more or less there must not undo the alignment of the names themselves."""
    letters = line[start:end].rstrip("<")
    return min(end, start + len(letters) + 2)


def _confirmed_by(result: MrzResult, others: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    """For each uncovered field, the other engines that read it the same (lines as read,
    any length: each is aligned to the reported line before its field is compared)."""
    spans = {
        name: (
            line,
            start,
            _to_names_end(result.lines[line], start, end) if name in NAME_FIELDS else end,
        )
        for name, (line, start, end) in uncovered_fields(
            result.format, len(result.lines[0])
        ).items()
    }
    confirmed: dict[str, list[str]] = {name: [] for name in spans}
    mine = _own_values(result)
    for engine, read in others.items():
        lines = _matching_lines(result.lines, read)
        placed = [
            align(ours, theirs) if theirs is not None else []
            for ours, theirs in zip(result.lines, lines, strict=True)
        ]
        for name, (line, start, end) in spans.items():
            theirs = lines[line]
            text = None if theirs is None else _aligned_span(placed[line], theirs, start, end)
            if text is not None and _their_value(name, text) == mine[name]:
                confirmed[name].append(engine)
    return confirmed


def _matching_lines(mine: tuple[str, ...], theirs: tuple[str, ...]) -> list[str | None]:
    """Another engine's lines in the places of the reported ones: one for one when it read
    as many; when it read fewer (Tesseract skips a line it cannot make out), each in order
    where it differs least, so the lines it did read still confirm their fields."""
    if len(theirs) == len(mine):
        return list(theirs)
    if not theirs or len(theirs) > len(mine):
        return [None] * len(mine)
    best: tuple[int, tuple[int, ...]] | None = None
    for places in itertools.combinations(range(len(mine)), len(theirs)):
        cost = sum(_edit_costs(mine[i], t)[-1][-1] for i, t in zip(places, theirs, strict=True))
        if best is None or cost < best[0]:
            best = (cost, places)
    assert best is not None
    matched: list[str | None] = [None] * len(mine)
    for i, text in zip(best[1], theirs, strict=True):
        matched[i] = text
    return matched


def majority_names(result: MrzResult, others: dict[str, tuple[str, ...]]) -> MrzResult:
    """The reported read with its names as most engines read them, character by character.

    For a zone that is not accepted because no second engine read its names the same: each
    letter of the reported names is the one at least two of the voters (the three engines;
    with the printed zone's read of the zone as a fourth, `read.with_printed_read`) read in its
    place (aligned as `align` does; digits read as the letters they stand for, since a name
    holds letters only), else the reported engine's; its fillers stay where they are. A
    name each engine misread in a different place (`EMIKNSDN`, `ERIKSSON`, `ERIKSSON`)
    comes out as the two that agree read it. Only the names change (no check digit covers
    them, except the 1988 French card's, which is left as read); the zone stays not
    accepted."""
    spans = uncovered_fields(result.format, len(result.lines[0]))
    if "names" not in spans or len(others) < 2:
        return result
    line, start, end = spans["names"]
    mine = result.lines[line]
    end = _to_names_end(mine, start, end)
    votes = [[mine[i].translate(TO_LETTER)] for i in range(start, end)]
    for read in others.values():
        theirs = _matching_lines(result.lines, read)[line]
        if theirs is None:
            continue
        placed = align(mine, theirs)
        for k, i in enumerate(range(start, end)):
            j = placed[i]
            if j is not None:
                votes[k].append(theirs[j].translate(TO_LETTER))
    voted = []
    for k, i in enumerate(range(start, end)):
        letters = [c for c in votes[k] if c != "<"]
        counts = Counter(letters).most_common(2)
        if mine[i] == "<" or not counts:  # fillers stay: engines read runs of them as C or K
            voted.append(mine[i])
            continue
        top, n = counts[0]
        tied = len(counts) > 1 and counts[1][1] == n
        voted.append(top if n >= 2 and not tied else votes[k][0])
    text = mine[:start] + "".join(voted) + mine[end:]
    if text == mine:
        return result
    lines = (*result.lines[:line], text, *result.lines[line + 1 :])
    revised = parse_or_none(list(lines))
    if revised is None or revised.check_digits_valid != result.check_digits_valid:
        return result
    return replace(revised, repaired=result.repaired)


@dataclass(frozen=True)
class Decision:
    """What to report of a zone read by several engines."""

    result: MrzResult
    accepted: bool
    reason: str
    engine: str  # whose read is reported
    unconfirmed: tuple[str, ...] = ()  # uncovered fields no other engine read the same
    unvoted: MrzResult | None = None  # the reported engine's read before its names were voted


def decide(
    reads: dict[str, MrzResult | None], lines: dict[str, tuple[str, ...]] | None = None
) -> Decision:
    """The zone to report, whether it is accepted, why, and on which engine's read.

    `reads` holds each engine's parse of the same zone, in order of trust; `lines`, each
    engine's lines as it read them (any length; by default the parsed lines), which also
    serve engines whose read did not parse. A zone is accepted when its check digits pass as
    read and every field they do not cover is read the same by at least one other engine
    (not necessarily the same one for every field)."""
    found = {name: r for name, r in reads.items() if r is not None}
    as_read = {name: r.lines for name, r in found.items()} | dict(lines or {})
    first_refusal: Decision | None = None
    for name, result in found.items():
        if not (result.check_digits_valid and safe_repairs(result)):
            continue
        others = {n: r for n, r in found.items() if n != name}
        same = [n for n, r in others.items() if r.lines == result.lines]
        if same:
            return Decision(result, True, f"{name} and {same[0]} read the same zone", name)
        confirmed = _confirmed_by(result, {n: t for n, t in as_read.items() if n != name})
        if all(confirmed.values()):
            engines = sorted({e for agreeing in confirmed.values() for e in agreeing})
            reason = (
                f"every check digit passes as read by {name}; {' and '.join(engines)} "
                "read the document code, names, sex and country codes the same"
            )
            return Decision(result, True, reason, name)
        if first_refusal is None:
            missing = tuple(f for f, agreeing in confirmed.items() if not agreeing)
            reason = (
                "check digits pass but no second engine confirmed the "
                f"{', '.join(f.replace('_', ' ') for f in missing)} (no check digit covers them)"
            )
            unvoted = None
            if "names" in missing:
                unvoted = result
                voted = majority_names(result, {n: t for n, t in as_read.items() if n != name})
                if voted is not result:
                    reason += (
                        "; names as most engines read them: "
                        f"{voted.surname!r}, {voted.given_names!r} ({name}: "
                        f"{result.surname!r}, {result.given_names!r})"
                    )
                    result = voted
            first_refusal = Decision(result, False, reason, name, missing, unvoted)
    if first_refusal is not None:  # no read is confirmed: the most trusted valid one is reported
        return first_refusal
    best_name, best = max(found.items(), key=lambda item: rank(item[1]))
    if best.check_digits_valid and not known_code(best):
        reason = (
            f"check digits pass but the document code {best.document_code!r} is not an ICAO "
            "one (P, I, A, C or V): a letter is misread"
        )
        return Decision(best, False, reason, best_name)
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


def sure_decision(result: MrzResult, engine: str = "ocrb") -> Decision:
    """The decision for a read `sure_alone` vouches for."""
    reason = (
        f"every check digit passes as read by {engine}, and it read the document code, names, "
        f"sex and country codes with confidence >= {SURE_CHARACTER}"
    )
    return Decision(result, True, reason, engine)
