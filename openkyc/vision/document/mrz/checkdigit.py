"""ICAO 9303 part 3 check digits: weights 7-3-1 over digit, letter and filler values."""

from __future__ import annotations

MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
_WEIGHTS = (7, 3, 1)


def char_value(char: str) -> int:
    """Value of one MRZ character: digits as themselves, A=10 .. Z=35, filler '<' = 0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"not an MRZ character: {char!r}")


def check_digit(data: str) -> str:
    """The check digit of `data` as one character '0'..'9'."""
    total = sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(data))
    return str(total % 10)


def is_valid(data: str, digit: str) -> bool:
    """True when `digit` is the check digit of `data`.

    ICAO allows a filler '<' in place of the check digit only when the field itself is all
    filler (an absent optional field); '<' counts as 0, so both spellings are accepted there.
    """
    if digit == "<":
        return set(data) <= {"<"}
    return digit.isdigit() and check_digit(data) == digit
