"""Machine-readable zones: ICAO 9303 parsing and check digits, location and reading."""
