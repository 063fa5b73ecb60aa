"""Layout-pack data model: where each printed field sits on the canonical (upright) page.

Boxes are relative (x0, y0, x1, y1) in 0..1 of the page width and height, so a pack does not
depend on the resolution the page was warped to. The same boxes drive the SPECIMEN renderer and
the zone fallback of the reader, which keeps the two from drifting apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Box = tuple[float, float, float, float]
FieldKind = Literal["name", "date", "sex", "country", "number", "code", "text", "address"]
PageFormat = Literal["ID1", "ID2", "ID3"]
DocType = Literal["passport", "id_card", "driver_license", "residence_permit", "other"]
MrzKind = Literal["td1", "td3", "fra_old"]
CheckStatus = Literal["pass", "fail", "warn", "skip"]

PAGE_MM: dict[str, tuple[float, float]] = {
    "ID1": (85.6, 53.98),
    "ID2": (105.0, 74.0),
    "ID3": (125.0, 88.0),
}
"""ISO/IEC 7810 sizes in millimetres (ID-3 is the ICAO TD3 passport data page)."""


@dataclass(frozen=True)
class FieldZone:
    """One printed field: its value box, its printed label(s) and how to normalise it."""

    name: str
    box: Box
    labels: tuple[str, ...]
    kind: FieldKind = "text"
    label_left: bool = False
    """True when the label is printed on the same line, left of the value ("Nom : X")."""


@dataclass(frozen=True)
class TextBlock:
    """Fixed printed text (title, issuer) used by the renderer and by classification."""

    text: str
    box: Box
    bold: bool = True


@dataclass(frozen=True)
class Layout:
    """A layout pack: one document model of one issuer."""

    name: str
    title: str
    page_format: PageFormat
    doc_type: DocType
    country: str
    """ISO 3166 alpha-3 (or ICAO code) of the issuer."""
    fields: tuple[FieldZone, ...]
    headers: tuple[TextBlock, ...]
    photo: Box
    mrz: MrzKind | None = None
    mrz_box: Box | None = None
    languages: tuple[str, ...] = ("fra",)
    """Tesseract models to read this pack with (Debian tesseract-ocr-*). `fra` alone, not
    `fra+eng`: on photographed specimens `eng` pulled ë/ï to é/i (Maélis, Aicha) and was
    slower (0.9 s vs 0.6 s); `fra` reads the English labels of bilingual cards well enough."""
    sample: dict[str, str] = field(default_factory=dict)
    """Default SPECIMEN values as printed (accents kept), keyed by field name."""

    def zone(self, name: str) -> FieldZone | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Check:
    """One validation result, shaped like the API's `checks` items."""

    name: str
    status: CheckStatus
    message: str
