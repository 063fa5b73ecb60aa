"""Document type and country from printed keywords; the MRZ decides when present."""

from __future__ import annotations

import pytest

from openkyc.vision.document.classify import classify, layout_for


@pytest.mark.parametrize(
    ("lines", "doc_type", "country", "layout"),
    [
        (
            ["RÉPUBLIQUE DE CÔTE D'IVOIRE", "CARTE NATIONALE D'IDENTITÉ"],
            "id_card",
            "CIV",
            "civ_cni",
        ),
        (["REPUBLIQUE DU BENIN", "CARTE NATIONALE D'IDENTITE"], "id_card", "BEN", "ben_cni"),
        (["ISLAMIC REPUBLIC OF PAKISTAN", "NATIONAL IDENTITY CARD"], "id_card", "PAK", "pak_cnic"),
        (["RÉPUBLIQUE FRANÇAISE", "CARTE NATIONALE D'IDENTITÉ"], "id_card", "FRA", "fra_cni_2021"),
        (["UTOPIA", "PASSPORT / PASSEPORT"], "passport", "UTO", "passport"),
        (["BUNDESREPUBLIK DEUTSCHLAND", "REISEPASS"], "passport", "D", "passport"),
    ],
)
def test_printed_titles(lines: list[str], doc_type: str, country: str, layout: str) -> None:
    found = classify(lines)
    assert (found.type, found.country) == (doc_type, country)
    assert found.confidence >= 0.7
    assert found.source == "viz"
    assert layout_for(found) == layout


def test_old_french_card_by_aspect() -> None:
    found = classify(["RÉPUBLIQUE FRANÇAISE", "CARTE NATIONALE D'IDENTITÉ"])
    assert layout_for(found, aspect=1.42) == "fra_cni_1988"


def test_unknown_text_is_other_with_low_confidence() -> None:
    found = classify(["GROCERY RECEIPT", "TOTAL 12.50"])
    assert found.type == "other"
    assert found.country is None
    assert found.confidence == 0.0


def test_mrz_is_authoritative() -> None:
    found = classify(
        ["RÉPUBLIQUE FRANÇAISE", "PASSEPORT"], {"document_code": "IR", "issuing_country": "GBD"}
    )
    assert (found.type, found.country, found.source) == ("residence_permit", "GBD", "mrz")
