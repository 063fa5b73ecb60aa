"""Layout packs: SPECIMEN renders, MRZ check digits on them, and pack rules (no OCR here)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from openkyc.vision.document.layouts import LAYOUTS, get_layout, layout_rules, render_specimen
from openkyc.vision.document.layouts.mrzlines import mrz_lines
from openkyc.vision.document.mrz.checkdigit import is_valid

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_render_is_marked_specimen_and_canonical(name: str) -> None:
    specimen = render_specimen(name)
    height, width = specimen.rgb.shape[:2]
    assert 1.3 < width / height < 1.7
    red = (specimen.rgb[..., 0] > 200) & (specimen.rgb[..., 1] < 40) & (specimen.rgb[..., 2] < 40)
    assert red.sum() > 500, "the SPECIMEN mark must be visible"


def test_render_depends_on_fields() -> None:
    a = render_specimen("civ_cni", {"surname": "KONAN"}).rgb
    b = render_specimen("civ_cni", {"surname": "TRAORÉ"}).rgb
    assert a.shape == b.shape
    assert np.abs(a.astype(int) - b.astype(int)).sum() > 0


def test_passport_specimen_mrz_has_valid_check_digits() -> None:
    pack = get_layout("passport")
    line1, line2 = mrz_lines(pack, pack.sample)
    assert len(line1) == len(line2) == 44
    assert line1.startswith("P<UTOBERANGER<<ZOE<ANAIS")
    assert is_valid(line2[0:9], line2[9])
    assert is_valid(line2[13:19], line2[19])
    assert is_valid(line2[21:27], line2[27])


def _status(checks: list, name: str) -> str:  # type: ignore[type-arg]
    return next(c.status for c in checks if c.name == name)


def test_valid_cnic_passes_every_rule() -> None:
    sample = {"document_number": "35202-1234567-9", "sex": "M", "birth_date": "1990-08-14",
              "issue_date": "2020-02-01", "expiry_date": "2030-02-01"}  # fmt: skip
    checks = layout_rules("pak_cnic", sample, TODAY)
    assert {c.status for c in checks} == {"pass"}


@pytest.mark.parametrize(
    ("number", "sex", "rule", "fragment"),
    [
        ("35202-1234567-8", "M", "cnic_gender_digit", "even = female"),
        ("85202-1234567-9", "M", "cnic_province", "not a province code"),
        ("35202-123456-9", "M", "cnic_format", "5-7-1"),
        ("3520212345679X", "F", "cnic_format", "5-7-1"),
    ],
)
def test_invalid_cnic_stays_invalid(number: str, sex: str, rule: str, fragment: str) -> None:
    checks = layout_rules("pak_cnic", {"document_number": number, "sex": sex}, TODAY)
    failed = next(c for c in checks if c.name == rule)
    assert failed.status == "fail"
    assert fragment in failed.message


def test_no_luhn_rule_for_cnic() -> None:
    # 35202-1234567-9 fails a Luhn test; the CNIC has no published checksum, so it must pass
    checks = layout_rules("pak_cnic", {"document_number": "35202-1234567-9", "sex": "M"}, TODAY)
    assert all(c.status != "fail" for c in checks)


def test_dates_and_expiry_rules() -> None:
    bad = {"birth_date": "2001-01-01", "issue_date": "1999-01-01", "expiry_date": "2020-01-01"}
    checks = layout_rules("fra_cni_2021", bad, TODAY)
    assert _status(checks, "dates_coherent") == "fail"
    assert _status(checks, "not_expired") == "fail"
    assert _status(layout_rules("ben_cni", {"document_number": "12345"}, TODAY), "npi_format") == (
        "warn"
    )
