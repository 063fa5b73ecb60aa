"""Printed-field (visual inspection zone, VIZ) reading of identity documents.

Public API:
    read_printed_fields(page_rgb, layout=None, languages=None, use_zones=True, fallback=True)
        -> VizResult(fields: {name: FieldValue}, lines, layout, engines, timings_ms,
                     turned: 0 | 180, page_rgb)
    FieldValue(value, value_accented, confidence, source="viz", raw, engine, box)
    TextLine, Word                      OCR output in page pixels
    OcrError                            an engine could not run (missing binary, timeout)
    guided.names_from_mrz(fields, lines, {"surname": ..., "given_names": ...})
                                        names as printed, found through an accepted MRZ
    accents.add_accents(page_rgb, fields)
                                        names re-read with Tesseract's Latin-script model
                                        for accents `fra` does not know (Å, Ó, Ł, Č, Ő)

Field names: surname, given_names, full_name, father_name, birth_date, birth_place, sex,
nationality, country_of_stay, issuing_country, document_type, document_number, issue_date,
expiry_date, address and permanent_address (card backs; Urdu ones in Urdu script). Dates are
ISO 8601, countries alpha-3 (ICAO codes such as D allowed), sex M/F/X. Right-to-left lines
(Arabic, Urdu) are extracted in a mirror, so their values read in order (`extract.mirror_rtl`).

Engines: Tesseract 5 (Debian binary, `fra`/`eng`/`ara`/`urd`, `Latin` for names) reads first
because it keeps accents; RapidOCR (`rapidocr_onnxruntime`) fills fields Tesseract missed.
Pass a page from `openkyc.vision.document.page.find_document` (upright, canonical size).
"""

from __future__ import annotations

from openkyc.vision.document.viz.engines import OcrError
from openkyc.vision.document.viz.read import read_printed_fields
from openkyc.vision.document.viz.types import FieldValue, TextLine, VizResult, Word

__all__ = ["FieldValue", "OcrError", "TextLine", "VizResult", "Word", "read_printed_fields"]
