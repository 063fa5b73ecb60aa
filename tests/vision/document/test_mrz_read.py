"""Finding and reading the MRZ on rendered SPECIMEN documents (the real detector, the project's
OCR-B recogniser, PP-OCRv4 and Tesseract; no external images)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from openkyc.vision.document.layouts.mrzlines import mrz_lines
from openkyc.vision.document.layouts.render import photograph, render_specimen
from openkyc.vision.document.mrz.decide import (
    SURE_CHARACTER,
    contradicts,
    decide,
    misprinted,
    sure_alone,
)
from openkyc.vision.document.mrz.icao import parse
from openkyc.vision.document.mrz.ocrb import MRZ_ALPHABET, ctc_fixed_length, ctc_greedy
from openkyc.vision.document.mrz.read import MrzRead, read_mrz
from openkyc.vision.document.specimen.compose import SpecimenFields, td1_lines
from openkyc.vision.document.specimen.lines import render_band
from tests.specimens import passport_lines, with_mrz, wrong_number_check


@pytest.mark.parametrize("rotation", [0.0, 8.0, 90.0, 180.0, 270.0])
def test_passport_photo_at_any_rotation(rotation: float) -> None:
    photo = photograph(render_specimen("passport").rgb, seed=5, rotation=rotation)
    read = read_mrz(photo)
    assert read.result is not None, read.reason
    assert list(read.result.lines) == passport_lines()
    assert read.accepted, read.reason
    assert read.reads["ocrb"] == read.result.lines
    assert read.rotation == round(rotation / 90) * 90 % 360


def test_old_french_card() -> None:
    specimen = render_specimen("fra_cni_1988")
    read = read_mrz(photograph(specimen.rgb, seed=2, rotation=-5.0, glare=0.3))
    assert read.result is not None, read.reason
    assert read.result.format == "FRA_ID"
    assert list(read.result.lines) == mrz_lines(specimen.layout, specimen.values)
    assert read.accepted, read.reason


def test_td1_zone_of_three_lines() -> None:
    fields = SpecimenFields(
        surname="DUBOIS",
        given_names="ANNE MARIE",
        document_number="X4RTBPFW4",
        issuing_country="BEL",
        nationality="BEL",
        birth_date="900713",
        sex="F",
        expiry_date="310101",
        optional_data="",
        document_code="ID",
    )
    lines = td1_lines(fields)
    band, _ = render_band(lines, np.random.default_rng(4))
    page = np.full((band.shape[0] * 3, band.shape[1] + 200, 3), 235, np.uint8)
    page[-band.shape[0] - 40 : -40, 100:-100] = band
    read = read_mrz(photograph(page, seed=1, rotation=4.0))
    assert read.result is not None, read.reason
    assert read.result.format == "TD1"
    assert list(read.result.lines) == list(lines)
    assert read.accepted, read.reason
    # the locator taking the number line twice: both engines would read that one crop alike
    from openkyc.vision.document.mrz.read import _plausible

    assert _plausible(parse(list(lines)))
    assert not _plausible(parse([lines[0], lines[1], lines[0]]))


def test_a_page_without_mrz_has_none() -> None:
    read = read_mrz(photograph(render_specimen("pak_cnic").rgb, seed=1))
    assert read.result is None
    assert not read.accepted
    assert read.reason == "no machine-readable zone found"


def test_plain_noise_has_no_mrz() -> None:
    noise = np.random.default_rng(0).integers(0, 255, (600, 900, 3), dtype=np.uint8)
    assert read_mrz(noise).result is None


def test_a_wrong_check_digit_is_read_and_refused() -> None:
    broken, wrong = wrong_number_check(passport_lines())
    page = render_specimen("passport").rgb
    read = read_mrz(photograph(with_mrz(page, broken), seed=3))
    assert read.result is not None
    assert list(read.result.lines) == broken
    assert not read.accepted
    assert f"document_number check digit fails: read {wrong}" in read.reason
    # the OCR-B model read every character surely: the digit is wrong as printed, and no
    # second engine is asked (it would read the same failing digit)
    assert set(read.reads) == {"ocrb"}
    assert read.reason.endswith("(every character read surely: wrong as printed)")


def test_a_zone_not_read_surely_whose_check_digit_fails_is_read_again() -> None:
    result = parse(passport_lines())
    broken = replace(result, checks=(replace(result.checks[0], valid=False), *result.checks[1:]))
    assert not broken.check_digits_valid
    sure = tuple((0.999,) * len(line) for line in result.lines)
    assert misprinted(broken, sure)
    doubtful = (sure[0], (*sure[1][:5], SURE_CHARACTER - 0.01, *sure[1][6:]))
    assert not misprinted(broken, doubtful)
    assert not misprinted(replace(broken, repaired=("nationality",)), sure)
    assert not misprinted(result, sure)  # check digits pass: nothing is misprinted


def test_the_zone_is_told_where_it_is_before_its_second_reads() -> None:
    photo = photograph(render_specimen("passport").rgb, seed=5, rotation=90.0)
    told: list[MrzRead] = []
    read = read_mrz(photo, told.append)
    assert len(told) == 1
    located = told[0]
    assert located.result is not None
    assert not located.accepted
    assert read.result is not None
    assert (located.rotation, located.box) == (read.rotation, read.box)
    assert located.result.format == read.result.format
    noise = np.random.default_rng(0).integers(0, 255, (600, 900, 3), dtype=np.uint8)
    told.clear()
    assert read_mrz(noise, told.append).result is None
    assert len(told) == 1
    assert told[0].result is None


def _log_probs(path: str) -> np.ndarray:
    """One-hot-ish frame log-probabilities for a CTC path ('-' is the blank)."""
    rows = []
    for char in path:
        probs = np.full(len(MRZ_ALPHABET) + 1, 0.01)
        probs[0 if char == "-" else MRZ_ALPHABET.index(char) + 1] = 1.0
        rows.append(np.log(probs / probs.sum()))
    return np.asarray(rows, np.float32)


def test_fixed_length_decoding_splits_a_merged_filler_run() -> None:
    frames = _log_probs("AA-<<-<<<--B")
    assert ctc_greedy(frames).text == "A<<B"
    fixed = ctc_fixed_length(frames, 5)
    assert fixed is not None
    assert fixed.text == "A<<<B"
    assert len(fixed.confidences) == 5
    assert ctc_fixed_length(frames, 4) is not None
    assert ctc_fixed_length(frames, 20) is None  # more characters than frames


def test_decide_needs_a_second_engine_for_the_names() -> None:
    lines = passport_lines()
    good = parse(lines)
    other_name = parse([lines[0].replace(good.surname, "X" * len(good.surname), 1), lines[1]])
    accepted = decide({"ocrb": good, "rapidocr": good})
    assert accepted.accepted
    assert accepted.engine == "ocrb"
    refused = decide({"ocrb": good, "rapidocr": other_name})
    assert not refused.accepted
    assert "names" in refused.reason
    assert refused.unconfirmed == ("names",)
    alone = decide({"ocrb": good, "rapidocr": None})
    assert not alone.accepted


def test_a_second_read_shifted_by_a_stray_character_still_confirms_the_fields() -> None:
    lines = passport_lines()
    good = parse(lines)
    # Tesseract-like: one character added after the number's check digit, one filler lost
    shifted = lines[1][:10] + "1" + lines[1][10:29] + lines[1][30:]
    assert len(shifted) == 44
    assert parse([lines[0], shifted]).nationality != good.nationality  # parsed, it is wrong
    confirmed = decide({"ocrb": good, "rapidocr": None}, {"rapidocr": (lines[0], shifted)})
    assert confirmed.accepted, confirmed.reason
    dropped = lines[1][:11] + lines[1][12:] + "<"  # a letter of the nationality lost
    refused = decide({"ocrb": good, "rapidocr": None}, {"rapidocr": (lines[0], dropped)})
    assert refused.unconfirmed == ("nationality",)


def test_names_end_where_the_filler_starts_but_not_before() -> None:
    lines = passport_lines()
    good = parse(lines)
    assert lines[0].endswith("<<<<<<<<")
    noisy_filler = lines[0][:-6] + "KKKKKK"  # Tesseract reads long filler runs as K
    confirmed = decide({"ocrb": good, "rapidocr": None}, {"rapidocr": (noisy_filler, lines[1])})
    assert confirmed.accepted, confirmed.reason
    given = good.given_names.replace(" ", "<")
    longer = lines[0].replace(given + "<<", given + "<ANNE<<", 1)[:44]  # a name ours lacks
    refused = decide({"ocrb": good, "rapidocr": None}, {"rapidocr": (longer, lines[1])})
    assert refused.unconfirmed == ("names",)
    different_lines = decide({"ocrb": good, "rapidocr": None}, {"rapidocr": (lines[1],)})
    assert not different_lines.accepted


def test_one_read_is_enough_only_when_every_uncovered_character_is_sure() -> None:
    lines = passport_lines()
    good = parse(lines)
    sure = tuple(tuple([0.999] * len(line)) for line in lines)
    assert sure_alone(good, sure)
    doubt_in_name = (tuple([0.999] * 10 + [SURE_CHARACTER - 0.01] + [0.999] * 33), sure[1])
    assert not sure_alone(good, doubt_in_name)
    doubt_in_sex = (sure[0], tuple([0.999] * 20 + [0.5] + [0.999] * 23))
    assert not sure_alone(good, doubt_in_sex)
    doubt_in_number = (sure[0], tuple([0.5] * 9 + [0.999] * 35))  # its check digit covers it
    assert sure_alone(good, doubt_in_number)
    repaired = parse([lines[0].replace(good.surname[-1], "0", 1), lines[1]])
    assert repaired.repaired
    assert not sure_alone(repaired, sure)
    wrong_digit = parse([lines[0], lines[1][:9] + str((int(lines[1][9]) + 1) % 10) + lines[1][10:]])
    assert not sure_alone(wrong_digit, sure)


def test_a_clean_passport_is_accepted_on_the_ocrb_read_alone() -> None:
    read = read_mrz(render_specimen("passport").rgb)
    assert read.accepted, read.reason
    assert read.engine == "ocrb"
    assert set(read.reads) == {"ocrb"}


def test_tesseract_reads_beside_and_is_stopped_when_not_needed() -> None:
    from openkyc.vision.document.mrz.read import _locate
    from openkyc.vision.document.mrz.second import TesseractRead

    candidate = _locate(render_specimen("passport").rgb)
    assert candidate is not None
    beside = TesseractRead(candidate.band)  # started at once, in its own process
    lines, result = beside.result(44)
    beside.stop()
    assert len(lines) == 2
    assert result is not None
    assert result.document_number == parse(passport_lines()).document_number
    unneeded = TesseractRead(candidate.band)
    unneeded.stop()  # killed unread; its image file is removed
    assert unneeded.process is not None
    assert unneeded.process.returncode is not None
    assert not unneeded.path.exists()


def test_the_second_ocrb_model_counts_only_when_sure_and_uncontradicted() -> None:
    from openkyc.vision.document.mrz.read import _locate, _second_sure

    lines = tuple(passport_lines())
    sure = tuple(tuple([0.999] * len(line)) for line in lines)
    doubtful = (tuple([0.5] * len(lines[0])), sure[1])
    misread = (lines[0].replace("<", "K", 1), lines[1])
    assert not contradicts(lines, sure, lines)
    assert contradicts(misread, sure, lines)  # sure of another letter at that place: a doubt
    assert not contradicts(misread, doubtful, lines)  # unsure there: the other may read it
    assert contradicts(lines, sure, (lines[0][:-1], lines[1]))  # another width

    candidate = _locate(photograph(render_specimen("passport").rgb, seed=1))
    assert candidate is not None
    second = _second_sure(replace(candidate, characters=doubtful))
    assert second is not None  # the second model, real weights, reads the clean zone surely
    assert second.result.lines == lines
    first_sure_of_other = replace(candidate, result=parse(list(misread)), characters=sure)
    assert _second_sure(first_sure_of_other) is None
