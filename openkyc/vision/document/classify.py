"""Document type and issuing country from printed keywords; an MRZ, when given, decides.

    classify(text_lines, mrz=None) -> Detected
    layout_for(detected) -> pack name or None

Keyword scores add up per candidate; confidence is the winner's share of all evidence, capped
by how much evidence there was (one weak word is not a classification).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from openkyc.vision.document.layouts.model import DocType
from openkyc.vision.document.layouts.normalize import ICAO_SPECIAL, clean_name

TYPE_KEYWORDS: dict[str, tuple[tuple[str, float], ...]] = {
    "passport": (("PASSPORT", 2), ("PASSEPORT", 2), ("PASAPORTE", 2), ("REISEPASS", 2),
                 ("UTLEVEL", 2), ("PASSAPORTO", 2), ("PASZPORT", 2)),
    "id_card": (("CARTE NATIONALE D IDENTITE", 3), ("NATIONAL IDENTITY CARD", 3),
                ("IDENTITY CARD", 2), ("CARTE D IDENTITE", 2),
                ("DOCUMENTO NACIONAL DE IDENTIDAD", 3),
                ("PERSONALAUSWEIS", 3), ("CNIC", 2), ("CARTA D IDENTITA", 3)),
    "driver_license": (("DRIVING LICENCE", 3), ("DRIVER LICENSE", 3), ("PERMIS DE CONDUIRE", 3),
                       ("FUHRERSCHEIN", 3)),
    "residence_permit": (("TITRE DE SEJOUR", 3), ("RESIDENCE PERMIT", 3),
                         ("AUFENTHALTSTITEL", 3), ("PERMIS DE SEJOUR", 3)),
}  # fmt: skip
"""Printed titles, accent- and punctuation-free (see `clean_name`), with their weight."""

COUNTRY_KEYWORDS: dict[str, tuple[tuple[str, float], ...]] = {
    "CIV": (("REPUBLIQUE DE COTE D IVOIRE", 3), ("COTE D IVOIRE", 2), ("IVOIRIENNE", 1)),
    "BEN": (("REPUBLIQUE DU BENIN", 3), ("BENIN", 1.5), ("BENINOISE", 1)),
    "PAK": (("ISLAMIC REPUBLIC OF PAKISTAN", 3), ("PAKISTAN", 2)),
    "FRA": (("REPUBLIQUE FRANCAISE", 3), ("FRANCAISE", 1)),
    "ESP": (("ESPANA", 2), ("REINO DE ESPANA", 3)),
    "HUN": (("MAGYARORSZAG", 3),),
    "UTO": (("UTOPIA", 2),),
    "D": (("BUNDESREPUBLIK DEUTSCHLAND", 3),),
    "GBR": (("UNITED KINGDOM OF GREAT BRITAIN", 3),),
    "UNO": (("UNITED NATIONS", 3), ("NATIONS UNIES", 3)),
}  # fmt: skip
"""Issuer names as printed. Codes are ICAO 9303 (D for Germany, UNO for the UN)."""

PACKS = {("passport", None): "passport", ("id_card", "CIV"): "civ_cni",
         ("id_card", "BEN"): "ben_cni", ("id_card", "PAK"): "pak_cnic"}  # fmt: skip
EVIDENCE_FULL = 3.0
"""Keyword weight per axis (type, country) at which confidence is not capped: one full title."""
MRZ_TYPES: dict[str, DocType] = {"P": "passport", "I": "id_card", "A": "id_card",
                                 "C": "id_card", "V": "other", "R": "residence_permit"}  # fmt: skip
"""First letter of an MRZ document code (ICAO 9303 part 4-5); residence permits are often IR."""


@dataclass(frozen=True)
class Detected:
    type: DocType
    country: str | None
    """ISO 3166 alpha-3, or an ICAO special code (D, GBD, UNO, UTO ...)."""
    confidence: float
    evidence: tuple[str, ...]
    source: str = "viz"
    """"viz" (printed keywords) or "mrz"."""


def _score(text: str, table: Mapping[str, tuple[tuple[str, float], ...]]) -> dict[str, float]:
    padded = f" {text} "
    return {
        key: sum(w for word, w in words if f" {word} " in padded)
        for key, words in table.items()
    }  # fmt: skip


def _best(scores: dict[str, float]) -> tuple[str | None, float]:
    total = sum(scores.values())
    if total <= 0:
        return None, 0.0
    key = max(scores, key=lambda k: scores[k])
    share = scores[key] / total
    return key, round(share * min(1.0, total / EVIDENCE_FULL), 3)


def _from_mrz(mrz: Any) -> Detected | None:
    """From the MRZ helper's `MrzResult` (or a mapping with the same keys)."""
    get = mrz.get if isinstance(mrz, Mapping) else lambda k, d=None: getattr(mrz, k, d)
    code = str(get("document_code", "") or "")
    country = str(get("issuing_country", "") or "").replace("<", "")
    if not code:
        return None
    doc_type: DocType = MRZ_TYPES.get(code[:1], "other")
    if code[:2] in ("IR", "AR", "CR", "RP"):
        doc_type = "residence_permit"
    parsed = get("document_type", None)
    if parsed in ("passport", "id_card", "driver_license", "residence_permit", "other"):
        doc_type = parsed  # the parser's own reading of the code wins (visas map to other)
    return Detected(doc_type, country or None, 1.0, (f"MRZ code {code} {country}",), "mrz")


def classify(text_lines: Iterable[str], mrz: Any = None) -> Detected:
    """Type and country from printed text; `mrz` (parsed MRZ), when given, is authoritative."""
    if mrz is not None and (found := _from_mrz(mrz)) is not None:
        return found
    text = " ".join(clean_name(line).replace("-", " ").replace("'", " ") for line in text_lines)
    text = " ".join(text.split())
    types, countries = _score(text, TYPE_KEYWORDS), _score(text, COUNTRY_KEYWORDS)
    doc_type, type_conf = _best(types)
    country, country_conf = _best(countries)
    evidence = tuple(
        word for table in (TYPE_KEYWORDS, COUNTRY_KEYWORDS) for words in table.values()
        for word, _ in words if f" {word} " in f" {text} "
    )  # fmt: skip
    if country and country not in ICAO_SPECIAL and len(country) != 3:
        country = None
    return Detected(
        type=doc_type or "other",  # type: ignore[arg-type]
        country=country,
        confidence=round((type_conf + country_conf) / 2, 3),
        evidence=evidence,
    )


FRA_1988_MAX_ASPECT = 1.5
"""The laminated 1988 card is ID-2-like (1.42 wide per high); the 2021 card is ID-1 (1.586)."""


def layout_for(detected: Detected, aspect: float | None = None) -> str | None:
    """The pack matching a detection, or None; `aspect` (page width / height) splits FRA cards."""
    if detected.type == "id_card" and detected.country == "FRA":
        old = aspect is not None and aspect < FRA_1988_MAX_ASPECT
        return "fra_cni_1988" if old else "fra_cni_2021"
    return PACKS.get((detected.type, detected.country)) or PACKS.get((detected.type, None))
