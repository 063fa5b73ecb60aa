"""Identity documents: MRZ (ICAO 9303), page detection, printed fields, layout packs."""
