"""Country codes an MRZ may carry: ISO 3166-1 alpha-3 plus ICAO 9303's own codes."""

from __future__ import annotations

from functools import cache

import pycountry

#: ICAO 9303 part 3 codes that are not ISO 3166-1 alpha-3.
ICAO_SPECIAL = frozenset(
    {
        "D",  # Germany
        "GBD",
        "GBN",
        "GBO",
        "GBP",
        "GBS",  # British nationality categories
        "UNO",
        "UNA",
        "UNK",  # United Nations
        "XXA",
        "XXB",
        "XXC",
        "XXX",  # stateless, refugee, unspecified
        "EUE",  # European Union
        "XOM",
        "XPO",
        "XDC",
        "XES",
        "XMP",
        "XBA",
        "XIM",
        "XCC",
        "XCE",
        "XCO",
        "XEC",
        "XAA",
        "RKS",  # Kosovo (its passports)
        "ZIM",  # old Zimbabwe
    }
)


@cache
def _iso_alpha3() -> frozenset[str]:
    return frozenset(country.alpha_3 for country in pycountry.countries)


def is_known_code(code: str) -> bool:
    """True for an ISO alpha-3 code or an ICAO special code (fillers stripped)."""
    stripped = code.replace("<", "")
    return stripped in ICAO_SPECIAL or stripped in _iso_alpha3()
