"""PP-OCRv4's recogniser as the second MRZ engine, kept to the MRZ alphabet (the model from the
installed RapidOCR wheel, on a rendered SPECIMEN zone)."""

from __future__ import annotations

import numpy as np

from openkyc.vision.document.layouts import LAYOUTS
from openkyc.vision.document.layouts.mrzlines import mrz_lines
from openkyc.vision.document.layouts.render import render_specimen
from openkyc.vision.document.mrz import read as mrz_read
from openkyc.vision.document.mrz.checkdigit import MRZ_ALPHABET
from openkyc.vision.document.mrz.icao import parse
from openkyc.vision.document.mrz.pprec import mrz_line_reader
from openkyc.vision.document.mrz.second import read_pprec


def _zone() -> tuple[mrz_read.Band, list[str]]:
    candidate = mrz_read._locate(render_specimen("passport").rgb)
    assert candidate is not None
    return candidate.band, mrz_lines(LAYOUTS["passport"], LAYOUTS["passport"].sample)


def test_the_output_is_a_distribution_over_the_blank_and_the_mrz_alphabet() -> None:
    band, _ = _zone()
    log_probs = mrz_line_reader().log_probs(list(band.crops))
    assert len(log_probs) == len(band.crops)
    for frames in log_probs:
        assert frames.shape[1] == len(MRZ_ALPHABET) + 1
        assert np.allclose(np.exp(frames).sum(axis=1), 1.0, atol=1e-4)
    assert mrz_line_reader().log_probs([]) == []


def test_a_clean_zone_is_read_whole_and_at_its_width() -> None:
    band, lines = _zone()
    as_read, parsed = read_pprec(band, 44)
    assert [len(line) for line in as_read] == [44, 44]
    assert parsed is not None
    assert parsed.check_digits_valid
    expected = parse(lines)
    for field in ("surname", "given_names", "nationality", "issuing_country", "sex"):
        assert getattr(parsed, field) == getattr(expected, field), field  # O/0 repaired by type
